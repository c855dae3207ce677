"""Periods services: the period of a date, and its status.

A period row is created on first use (INSERT … ON CONFLICT DO NOTHING), so plans can be set for a
period before anything happens in it.
"""

from __future__ import annotations

import datetime as dt

from portal import workflow
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import company_today, read as db_read
from portal.errors import DomainError
from portal.i18n import N_, format_period
from portal.periods.calc import Span, parse_code, span_of
from portal.periods.statuses import CLOSED, CLOSING, OPEN, PERIOD_AUDIT, PERIOD_MOVES, STATUS_LABELS  # noqa: F401
from portal.periods.tables import Period
from portal.revisions.services import REFERENCE, Revision
from portal.settings import get_settings

FLOW = workflow.Workflow(Period, PERIOD_MOVES, key="code")
CLOSE_STAGE_LABELS = {"": N_("starting"), "lock": N_("locking the period"), "bonuses": N_("plan bonuses"),
                      "payable": N_("moving cash to payable"), "acts": N_("writing acts"),
                      "register": N_("building the payout register"), "closed": N_("done")}


class PeriodClosed(DomainError):
    status_code = 409
    msgid = N_("Period %(code)s is closed: nothing in it can change.")


def kind() -> str:
    return get_settings().app.period_kind


def current_span(today: dt.date | None = None) -> Span:
    return span_of(today or company_today(), kind())


def span_for(code: str) -> Span | None:
    return parse_code(code)


async def ensure(span: Span) -> dict:
    row = await Period.select().where(Period.code == span.code).first()
    if row is None:
        await Period.raw(
            "INSERT INTO period (code, kind, starts_on, ends_on, status, created_at) "
            "VALUES ({}, {}, {}, {}, {}, CURRENT_TIMESTAMP) ON CONFLICT (code) DO NOTHING",
            span.code, span.kind, span.starts_on, span.ends_on, OPEN)
        row = await Period.select().where(Period.code == span.code).first()
    return row


async def set_status(actor: Actor, code: str, action: str, values: dict | None = None,
                     audit_after: dict | None = None) -> workflow.Moved:
    """The one way a period changes status (see ``PERIOD_MOVES``): compare-and-set, then the audit entry.
    Raises workflow.Refused when the period is not in a status the action starts from."""
    moved = await FLOW.move(code, action, values=values)
    await audit.record(actor, PERIOD_AUDIT[action], "period", code, before={"status": moved.old},
                       after={"status": moved.new} | (audit_after or {}))
    return moved


async def status_of(code: str) -> str:
    row = await Period.select(Period.status).where(Period.code == code).first()
    return row["status"] if row else OPEN


async def refuse_if_closed(code: str) -> None:
    if await status_of(code) != OPEN:
        raise PeriodClosed(code=format_period(code))


async def closed_period_on(day: dt.date, revision: Revision | None = None) -> str | None:
    """The code of the closing or closed period that ``day`` falls in, if any.

    Asked on every claim submitted: given the request's data revision, the answer is kept per worker
    until a period (reference data) changes.
    """
    return await REFERENCE.get(revision, ("closed_period_on", day), lambda: _closed_period_on(day))


async def _closed_period_on(day: dt.date) -> str | None:
    rows = await db_read("SELECT code FROM period WHERE starts_on <= {} AND ends_on >= {} AND status <> {} LIMIT 1",
                         day, day, OPEN)
    return rows[0]["code"] if rows else None


async def refuse_if_closed_on(day: dt.date) -> None:
    code = await closed_period_on(day)
    if code:
        raise PeriodClosed(code=format_period(code))


async def recent(count: int = 6) -> list[Span]:
    """The current period, the next one and the earlier ones: the choices of a plan form."""
    span = current_span()
    spans = [span.next(), span]
    for _ in range(count - 2):
        spans.append(spans[-1].previous())
    return spans
