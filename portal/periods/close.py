"""Closing a reporting period: one idempotent, resumable job.

Steps (each safe to repeat; the period row shows the stage and counters as progress):
1. lock     open -> closing: from here on nothing dated in the period can be registered, decided or
            changed (the claims service refuses, and so does a trigger in the database);
2. bonuses  every partner's plan evaluated by plans.calc (the dashboard's own function) on the period's
            approved sales, and the bonuses posted through the ledger (keys: one bonus per partner, unit);
3. payable  the period's accrued cash moves cash_pending -> cash_payable (one key per partner);
4. acts     one PDF per partner with activity, rendered in a process pool; a recorded act is never
            redone, so a re-run after a crash renders only what is missing;
5. register the payout register (draft) for the period;
6. closed.
Two closes of one period never run at once (portal.locks); the second waits, then finds the work done.
The close reads the period's sales summary (plan_sales, kept equal to the claims as decisions happen),
not the claims themselves, so its cost grows with partners, not with claims.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from portal import events, workflow
from portal.accounts.tables import Partner
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import utcnow, write_transaction
from portal.errors import DomainError, NotFound
from portal.i18n import N_, format_period
from portal.ledger import keys
from portal.ledger import services as ledger
from portal.locks import exclusive
from portal.periods import acts as act_layout
from portal.periods import services as periods
from portal.periods.calc import Span, parse_code
from portal.periods.events import PeriodClosed
from portal.periods.tables import Act, Period
from portal.periods.slots import plans
from portal.settings import get_settings

STAGES = ("lock", "bonuses", "payable", "acts", "register", "closed")
ACT_CHUNK = 250

Progress = Callable[[str, int, int], None]


class NotYetOver(DomainError):
    status_code = 409
    msgid = N_("Period %(code)s is not over yet: it can be closed from %(day)s.")


@dataclass(frozen=True)
class CloseResult:
    code: str
    already_closed: bool
    bonuses_posted: int
    payable_posted: int
    acts_written: int
    register_lines: int


@dataclass(frozen=True)
class PreviewRow:
    partner_id: int
    legal_name: str
    reward_kop: int
    points: int
    bonus_kop: int
    bonus_points: int

    @property
    def total_kop(self) -> int:
        return self.reward_kop + self.bonus_kop


async def _stage(code: str, stage: str, done: int = 0, total: int = 0, progress: Progress | None = None) -> None:
    await Period.update({Period.close_stage: stage, Period.close_done: done, Period.close_total: total}).where(
        Period.code == code)
    if progress:
        progress(stage, done, total)


def _bonus_lines(progress) -> list[tuple[str, int, int]]:
    lines = []
    for tp in progress.targets:
        if tp.bonus <= 0:
            continue
        pct = f"{tp.pct_bp / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        what = f"Бонус за выполнение плана: {tp.target.name} — {pct} %"
        lines.append((what, tp.bonus, 0) if tp.target.bonus_unit == "kop" else (what, 0, tp.bonus))
    return lines


async def preview(code: str) -> list[PreviewRow]:
    """What closing the period would post, per partner, computed exactly as the close does; writes nothing."""
    span = _span(code)
    _span_, evaluated = await plans.evaluate_all(code, today=span.ends_on)
    bonus = {r.partner_id: r.progress for r in evaluated}
    sales = await plans.sales_lines(code)
    names = {r["id"]: r["legal_name"] for r in await Partner.select(Partner.id, Partner.legal_name)}
    rows = []
    for pid in sorted(set(sales) | {p for p, pr in bonus.items() if pr.bonus_kop or pr.bonus_points}):
        pr = bonus.get(pid)
        rows.append(PreviewRow(pid, names.get(pid, ""), sum(r["cash_kop"] for r in sales.get(pid, [])),
                               sum(r["points"] for r in sales.get(pid, [])), pr.bonus_kop if pr else 0,
                               pr.bonus_points if pr else 0))
    return rows


def _span(code: str) -> Span:
    span = parse_code(code)
    if span is None:
        raise NotFound()
    return span


async def _bonuses(code: str, span: Span, actor: Actor) -> int:
    _s, evaluated = await plans.evaluate_all(code, today=span.ends_on)
    specs = []
    for row in evaluated:
        detail = {"period": code, "plan": row.plan_key, "targets": [
            {"target": tp.target.name, "pct_bp": tp.pct_bp, "bonus": tp.bonus, "unit": tp.target.bonus_unit}
            for tp in row.progress.targets if tp.bonus]}
        if row.progress.bonus_points:
            specs.append(ledger.Spec(keys.plan_bonus(code, row.partner_id, ledger.POINTS), (None, "points_issued"),
                                     (row.partner_id, ledger.AVAILABLE), row.progress.bonus_points, "plan_bonus",
                                     detail))
        if row.progress.bonus_kop:
            specs.append(ledger.Spec(keys.plan_bonus(code, row.partner_id, ledger.KOP), (None, "cash_issued"),
                                     (row.partner_id, "cash_payable"), row.progress.bonus_kop, "plan_bonus", detail))
    return await ledger.post_batch(specs, actor.id)


async def _payable(code: str, actor: Actor) -> int:
    owed = await plans.cash_accrued_by_partner(code)
    specs = [ledger.Spec(keys.period_payable(code, pid), (pid, "cash_pending"), (pid, "cash_payable"), cash,
                         "payable", {"period": code}) for pid, cash in owed.items()]
    return await ledger.post_batch(specs, actor.id)


def act_root():
    return get_settings().app.var_dir / "acts"


def _requisites(row: dict) -> act_layout.Requisites:
    return act_layout.Requisites(row["legal_name"], row["inn"], row.get("address") or "", row.get("bank_name") or "",
                                 row.get("bik") or "", row.get("settlement_account") or "")


def company_requisites() -> act_layout.Requisites:
    app = get_settings().app
    return act_layout.Requisites(app.company_name, app.company_inn, app.company_address, app.company_bank,
                                 app.company_bik, app.company_account)


async def act_data(code: str, partner_ids: list[int] | None = None, version: int = 1) -> list[act_layout.ActData]:
    """The acts' content for the period: its approved sales per product and the plan bonuses."""
    span = _span(code)
    sales = await plans.sales_lines(code)
    _s, evaluated = await plans.evaluate_all(code, today=span.ends_on)
    bonuses = {r.partner_id: _bonus_lines(r.progress) for r in evaluated}
    wanted = sorted(set(sales) | {p for p, lines in bonuses.items() if lines})
    if partner_ids is not None:
        wanted = [p for p in wanted if p in set(partner_ids)]
    partners = {r["id"]: r for r in await Partner.select(
        Partner.id, Partner.legal_name, Partner.inn, Partner.address, Partner.bank_name, Partner.bik,
        Partner.settlement_account)}
    company = company_requisites()
    out = []
    for pid in wanted:
        lines = tuple(act_layout.Line(r["name"], int(r["quantity"]), int(r["amount_kop"]), int(r["cash_kop"]),
                                      int(r["points"])) for r in sales.get(pid, []))
        number = f"{code}/{pid:06d}" + (f"-{version}" if version > 1 else "")
        out.append(act_layout.ActData(pid, number, span.ends_on, span.starts_on, span.ends_on, company,
                                      _requisites(partners[pid]), lines, tuple(bonuses.get(pid, []))))
    return out


def _pool() -> concurrent.futures.ProcessPoolExecutor:
    from portal.periods.pool import act_pool

    return act_pool()  # its workers die with this process, SIGKILL included


async def _record_acts(code: str, version: int, written: list[tuple[int, str, str, int, int]]) -> None:
    async with write_transaction():
        for pid, name, sha, total, points in written:
            number = f"{code}/{pid:06d}" + (f"-{version}" if version > 1 else "")
            await Act.raw(
                "INSERT INTO act (key, period, partner, version, number, file_name, sha256, total_kop, points, created_at)"
                " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, CURRENT_TIMESTAMP) ON CONFLICT (key) DO NOTHING",
                f"{code}:{pid}:{version}", code, pid, version, number, f"{code}/{name}", sha, total, points)


async def _acts(code: str, progress: Progress | None) -> int:
    done_ids = {r["partner"] for r in await Act.select(Act.partner).where((Act.period == code) & (Act.version == 1))}
    todo = [d for d in await act_data(code) if d.partner_id not in done_ids]
    total = len(done_ids) + len(todo)
    await _stage(code, "acts", len(done_ids), total, progress)
    if not todo:
        return 0
    folder = act_root() / code
    chunks = [todo[i:i + ACT_CHUNK] for i in range(0, len(todo), ACT_CHUNK)]
    loop = asyncio.get_running_loop()
    written = len(done_ids)
    with _pool() as pool:
        futures = [loop.run_in_executor(pool, act_layout.write_acts,
                                        [(str(folder / f"{d.partner_id:06d}-v1.pdf"), d) for d in chunk])
                   for chunk in chunks]
        for future in asyncio.as_completed(futures):
            results = await future
            await _record_acts(code, 1, results)
            written += len(results)
            await _stage(code, "acts", written, total, progress)
    return len(todo)


def closable(code: str, today: dt.date | None = None) -> Span:
    """The period, if it may be closed now: NotFound for a bad code, NotYetOver until its last day has passed."""
    span = _span(code)
    if (today or periods.company_today()) <= span.ends_on:
        raise NotYetOver(code=format_period(code), day=(span.ends_on + dt.timedelta(days=1)).strftime("%d.%m.%Y"))
    return span


async def close_period(code: str, actor: Actor, progress: Progress | None = None,
                       today: dt.date | None = None) -> CloseResult:
    span = closable(code, today)
    async with exclusive(f"period-close-{code}"):
        row = await periods.ensure(span)
        if row["status"] == periods.CLOSED:
            return CloseResult(code, True, 0, 0, 0, 0)
        if row["status"] == periods.OPEN:
            async with write_transaction():
                try:
                    await periods.set_status(actor, code, "close", values={
                        Period.close_started_at: utcnow(), Period.close_error: ""})
                except workflow.Refused:  # another host's close locked it just now: resume it
                    pass
        await _stage(code, "lock", 0, 0, progress)
        try:
            await _stage(code, "bonuses", 0, 0, progress)
            bonuses = await _bonuses(code, span, actor)
            await _stage(code, "payable", 0, 0, progress)
            payable = await _payable(code, actor)
            if get_settings().app.points_release == "period_close":
                await ledger.release_due(today=span.ends_on, hold_days=0, at_period_close=True)
            written = await _acts(code, progress)
            await _stage(code, "register", 0, 0, progress)
            from portal.periods import payouts

            lines = await payouts.build_register(code, actor)
        except BaseException as exc:
            await Period.update({Period.close_error: repr(exc)[:2000]}).where(Period.code == code)
            raise
        async with write_transaction():
            await periods.set_status(actor, code, "finish", values={
                Period.closed_at: utcnow(), Period.close_stage: "closed", Period.close_error: ""}, audit_after={
                "bonuses": bonuses, "payable": payable, "acts": written, "register_lines": lines})
            await events.publish(PeriodClosed(code=code, actor_id=actor.id))
        if progress:
            progress("closed", 1, 1)
        return CloseResult(code, False, bonuses, payable, written, lines)


async def regenerate_act(code: str, partner_id: int, actor: Actor) -> dict:
    """A new version of one partner's act (after correcting requisites, say); earlier versions stay."""
    if await periods.status_of(code) != periods.CLOSED:
        raise NotFound()
    last = await Act.select(Act.version).where((Act.period == code) & (Act.partner == partner_id)).order_by(
        Act.version, ascending=False).first()
    version = (last["version"] if last else 0) + 1
    data = await act_data(code, [partner_id], version=version)
    if not data:
        raise NotFound()
    fresh = data[0]
    path = act_root() / code / f"{partner_id:06d}-v{version}.pdf"
    written = await asyncio.to_thread(act_layout.write_acts, [(str(path), fresh)])
    await _record_acts(code, version, written)
    await audit.record(actor, "act.regenerated", "act", f"{code}:{partner_id}", after={"version": version})
    return await Act.select().where(Act.key == f"{code}:{partner_id}:{version}").first()
