"""The `premia` command: migrate, demo data, serve, and (later) period close, ledger verify, scheduler.

Commands are thin: they call the same services as the web.
"""

from __future__ import annotations

import asyncio
import sys

import click


def _run(coro):
    return asyncio.run(coro)


@click.group()
def main() -> None:
    """Premia: dealer loyalty portal."""
    from portal.wiring import wire

    wire()


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from portal.db import engine, is_sqlite, prepare_sqlite

    if is_sqlite():
        await prepare_sqlite(engine().path)
    response = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not response.success:
        raise click.ClickException(response.message)


@main.command()
def migrate() -> None:
    """Apply every pending Piccolo migration."""
    _run(_migrate())
    click.echo("migrations: up to date")


@main.command()
def demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    from portal.demo import DEMO_PASSWORD, load_demo

    async def go():
        await _start_pool()
        try:
            return await load_demo()
        finally:
            await _stop_pool()

    logins = _run(go())
    click.echo("Demo data loaded. Logins (password for all: %s):" % DEMO_PASSWORD)
    for login in logins:
        click.echo(f"  {login.role:<14} {login.email:<28} {login.note}")


async def _start_pool() -> None:
    from portal.db import engine, is_sqlite

    if not is_sqlite():
        await engine().start_connection_pool()


async def _stop_pool() -> None:
    from portal.db import engine, is_sqlite

    if not is_sqlite():
        await engine().close_connection_pool()


@main.group()
def ledger() -> None:
    """The books: verification."""


@ledger.command("verify")
def ledger_verify() -> None:
    """Recompute every balance from the transfers; exit 1 on any difference."""
    import time

    from portal.ledger import services

    async def go():
        await _start_pool()
        try:
            return await services.verify()
        finally:
            await _stop_pool()

    started = time.perf_counter()
    result = _run(go())
    click.echo(f"accounts: {result.accounts}, transfers: {result.transfers}, "
               f"{time.perf_counter() - started:.2f} s")
    for unit, total in sorted(result.unit_sums.items()):
        click.echo(f"sum of {unit}: {total}" + ("" if total == 0 else "  <- must be 0"))
    for m in result.mismatches:
        click.echo(f"MISMATCH {m.owner_key}: cached {m.cached}, from transfers {m.computed}")
    if not result.ok:
        raise SystemExit(1)
    click.echo("ledger: consistent")


@main.group()
def points() -> None:
    """Points jobs: holding release and expiry (the scheduler runs the same services)."""


@points.command("release")
def points_release() -> None:
    """Make points whose holding period has ended available."""
    from portal.ledger import services

    click.echo(f"released: {_run(_with_pool(services.release_due()))}")


@points.command("expire")
def points_expire() -> None:
    """Expire the unspent remainder of lots past their date."""
    from portal.ledger import services

    click.echo(f"expired lots: {_run(_with_pool(services.expire_due()))}")


async def _with_pool(coro):
    await _start_pool()
    try:
        return await coro
    finally:
        await _stop_pool()


@main.group()
def period() -> None:
    """Reporting periods: preview and close."""


@period.command("close")
@click.argument("code")
def period_close(code: str) -> None:
    """Close a period (e.g. 2026-10): bonuses, payables, acts, payout register. Safe to re-run."""
    from portal.audit.services import SYSTEM
    from portal.periods.close import close_period
    from portal.errors import DomainError

    bar_state: dict = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "acts" and total:
            bar = bar_state.get("bar")
            if bar is None:
                bar = bar_state["bar"] = click.progressbar(length=total, label="acts", show_pos=True, show_eta=True)
                bar.__enter__()
                bar.update(done)
                bar_state["at"] = done
            bar.update(done - bar_state["at"])
            bar_state["at"] = done
        else:
            if bar_state.get("bar") is not None:
                bar_state.pop("bar").__exit__(None, None, None)
            click.echo(f"{code}: {stage}")

    async def go():
        await _start_pool()
        try:
            return await close_period(code, SYSTEM, progress)
        finally:
            await _stop_pool()

    try:
        result = _run(go())
    except DomainError as exc:
        raise click.ClickException(exc.message)
    if result.already_closed:
        click.echo(f"{code}: already closed, nothing to do")
    else:
        click.echo(f"{code}: closed. Bonuses {result.bonuses_posted}, payables {result.payable_posted}, "
                   f"acts {result.acts_written}, payout lines {result.register_lines}")


@period.command("preview")
@click.argument("code")
def period_preview(code: str) -> None:
    """What closing the period would post, per partner and in all; writes nothing."""
    from portal.periods.close import preview

    rows = _run(_with_pool(preview(code)))
    for r in rows:
        click.echo(f"{r.partner_id:>7}  {r.legal_name[:40]:<40} {r.total_kop / 100:>14.2f} RUB {r.points + r.bonus_points:>10} pts")
    click.echo(f"{'':>7}  {'TOTAL':<40} {sum(r.total_kop for r in rows) / 100:>14.2f} RUB "
               f"{sum(r.points + r.bonus_points for r in rows):>10} pts ({len(rows)} partners)")


@main.command()
@click.option("--once", is_flag=True, help="Run what is due now (catch-up) and exit, instead of running forever.")
def scheduler(once: bool) -> None:
    """Run the job scheduler in this process (one leader among any number of instances)."""
    from scheduler.runner import LEADER_LOCK, Scheduler, catch_up

    async def forever():
        await _start_pool()
        runner = Scheduler()
        runner.start()
        click.echo("scheduler: started (waits for the leader lock if another instance holds it)")
        try:
            while True:
                await asyncio.sleep(3600)
        finally:
            await runner.stop()
            await _stop_pool()

    async def now():
        from portal.locks import try_acquire

        await _start_pool()
        try:
            held = await try_acquire(LEADER_LOCK)
            if held is None:
                return None
            try:
                return await catch_up()
            finally:
                await held.release()
        finally:
            await _stop_pool()

    if once:
        ran = _run(now())
        click.echo("scheduler: another instance leads" if ran is None else f"scheduler: ran {ran or 'nothing'}")
        return
    try:
        _run(forever())
    except KeyboardInterrupt:
        click.echo("scheduler: stopped")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the portal with uvicorn."""
    import uvicorn

    from portal.settings import get_settings

    trusted = get_settings().proxy.forwarded_allow_ips
    click.echo(f"Premia is at http://{host}:{port}")
    uvicorn.run("portal.app:create_app", factory=True, host=host, port=port, workers=workers, reload=reload,
                proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None, log_level="info",
                access_log=False, server_header=False)


@main.command()
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="File to write (default: var/backups/premia-<UTC time>.sqlite3 or .pgdump).")
@click.option("--media/--no-media", default=True, show_default=True,
              help="SQLite: copy the local media folder beside the backup.")
def backup(target: str | None, media: bool) -> None:
    """A consistent copy of the database, taken while the portal keeps serving."""
    from pathlib import Path

    from portal import backup as b
    from portal.settings import get_settings

    settings = get_settings()
    folder = settings.app.var_dir / "backups"
    try:
        if settings.db.is_postgres:
            result = b.backup_postgres(settings.db.url, Path(target or folder / b.default_name(suffix=".pgdump")))
        else:
            media_dir = settings.app.var_dir / "media" if media and settings.media.backend == "local" else None
            result = b.backup_sqlite(settings.db.sqlite_path, Path(target or folder / b.default_name()), media_dir)
    except b.BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup: {result.path} ({result.size_bytes} bytes"
               + (f", {result.media_files} media files)" if result.media_files else ")"))


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.confirmation_option(prompt="Replace the database with this backup? The portal must be stopped.")
def restore(source: str) -> None:
    """SQLite: put a backup in place of the database (PostgreSQL: pg_restore, see docs/deploy.md)."""
    from pathlib import Path

    from portal import backup as b
    from portal.settings import get_settings

    settings = get_settings()
    if settings.db.is_postgres:
        raise click.ClickException("on PostgreSQL restore with: pg_restore --clean --no-owner -d DATABASE_URL FILE")
    try:
        b.restore_sqlite(Path(source), settings.db.sqlite_path)
    except b.BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {source} into {settings.db.sqlite_path}; run 'premia ledger verify'")


from portal.gamification.cli_leagues import game as _game  # noqa: E402  (premia game verify | rebuild | seed-leagues)

main.add_command(_game)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
