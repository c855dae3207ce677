"""`premia game …` commands for the leagues and leaderboards: thin wrappers over their services."""

from __future__ import annotations

import asyncio

import click


def _run(coro):
    async def go():
        from portal.db import engine, is_sqlite

        if not is_sqlite():
            await engine().start_connection_pool()
        try:
            return await coro
        finally:
            if not is_sqlite():
                await engine().close_connection_pool()

    return asyncio.run(go())


@click.group("game")
def game() -> None:
    """The game layer: standings and leagues."""


@game.command("verify")
@click.argument("code", required=False)
def verify(code: str | None) -> None:
    """Recompute a period's standings (default: the current one) from claims and ledger; exit 1 on a difference."""
    from portal.gamification import standings
    from portal.periods import services as periods

    code = code or periods.current_span().code
    problems = _run(standings.verify(code))
    for line in problems:
        click.echo(f"MISMATCH {line}")
    if problems:
        raise SystemExit(1)
    click.echo(f"{code}: standings consistent")


@game.command("rebuild")
@click.argument("code")
def rebuild(code: str) -> None:
    """Replace a period's standings with a recomputation (after a bulk load or a plan edited mid-period)."""
    from portal.gamification import standings

    click.echo(f"{code}: {_run(standings.rebuild(code))} partners ranked")


@game.command("seed-leagues")
@click.argument("code", required=False)
def seed_leagues(code: str | None) -> None:
    """Make the divisions of a season that has none yet (default: the current period)."""
    from portal.gamification import leagues

    placed = _run(leagues.seed_season(code))
    click.echo(f"{placed} partners placed" if placed else "the season already has its divisions")
