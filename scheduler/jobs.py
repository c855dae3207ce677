"""The scheduled jobs: when each is due, and a thin call into the same services the CLI uses.

Each job takes its due time (aware, UTC) and returns its summary for the job-run table: a msgid and its
parameters, translated when an admin reads it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from portal.i18n import N_
from portal.settings import get_settings

JOB_LABELS = {
    "period_close": N_("Period close (1st of the month)"),
    "payout_register": N_("Payout register (payout day)"),
    "points_release": N_("Points release after holding"),
    "points_expiry": N_("Points expiry"),
    "expiry_warnings": N_("Warnings about expiring points"),
    "ledger_verify": N_("Nightly ledger verification"),
    "contest_close": N_("Contests close after their last day"),
    "upload_cleanup": N_("Unused photo uploads deleted"),
    "league_seed": N_("League divisions for a season that has none"),
    "board_roll": N_("Leaderboard: the last 30 days moved to today"),
}
RUN_LABELS = {"running": N_("running"), "succeeded": N_("succeeded"), "failed": N_("failed")}


def summary(msgid: str, **params) -> str:
    """A job's result as stored: the msgid and its parameters (see ``summary_text``)."""
    return json.dumps({"msgid": msgid, "params": params}, ensure_ascii=False)


def summary_text(stored: str) -> str:
    """A stored result in the reader's language (plain text from older rows is shown as it is)."""
    from portal.i18n import gettext

    try:
        data = json.loads(stored)
        message, params = data["msgid"], data["params"]
        return gettext(message, **params)
    except (ValueError, KeyError, TypeError):
        return stored


def _local_day(due: dt.datetime) -> dt.date:
    return due.astimezone(ZoneInfo(get_settings().app.timezone)).date()


async def period_close(due: dt.datetime) -> str:
    """On the 1st: close the period that just ended."""
    from portal.periods import services as periods
    from portal.periods.close import close_period

    day = _local_day(due)
    span = periods.current_span(day).previous()
    from portal.audit.services import SYSTEM

    result = await close_period(span.code, SYSTEM, today=day)
    if result.already_closed:
        return summary(N_("%(period)s: already closed"), period=span.code)
    return summary(N_("%(period)s: %(bonuses)s bonuses, %(payables)s payables, %(acts)s acts, %(lines)s register "
                      "lines"), period=span.code, bonuses=result.bonuses_posted, payables=result.payable_posted,
                   acts=result.acts_written, lines=result.register_lines)


async def payout_register(due: dt.datetime) -> str:
    """On the payout day: the register of the previous period (built at close; lines it lacks are added)."""
    from portal.periods import payouts
    from portal.periods import services as periods

    span = periods.current_span(_local_day(due)).previous()
    if await periods.status_of(span.code) != periods.CLOSED:
        raise RuntimeError(f"period {span.code} is not closed yet: close it before its payouts")
    from portal.audit.services import SYSTEM

    added = await payouts.build_register(span.code, SYSTEM)
    return summary(N_("%(period)s: %(lines)s lines added"), period=span.code, lines=added)


async def points_release(due: dt.datetime) -> str:
    from portal.ledger import services as ledger

    return summary(N_("released %(n)s accruals"), n=await ledger.release_due(today=_local_day(due)))


async def points_expiry(due: dt.datetime) -> str:
    from portal.ledger import services as ledger

    return summary(N_("expired %(n)s lots"), n=await ledger.expire_due(today=_local_day(due)))


async def expiry_warnings(due: dt.datetime) -> str:
    from portal.ledger import services as ledger
    from portal.notifications.services import notify_partner

    rows = await ledger.expiring_by_partner(30, today=_local_day(due))
    for row in rows:
        await notify_partner(row["partner"], "points.expiring",
                             N_("%(points)s points expire on %(date)s: spend them in the prize catalogue."),
                             {"points": int(row["points"]), "date": str(row["first_on"])}, link="/catalog/")
    return summary(N_("warned %(n)s partners"), n=len(rows))


async def ledger_verify(due: dt.datetime) -> str:
    """Nightly: every cached balance against its transfers, and each open period's sales summary against
    its claims. A difference fails the run, visibly."""
    from portal.ledger import services as ledger
    from portal.periods import services as periods
    from portal.plans import services as plans

    result = await ledger.verify()
    if not result.ok:
        raise RuntimeError(f"ledger mismatch: {[m.owner_key for m in result.mismatches][:20]} "
                           f"unit sums {result.unit_sums}")
    span = periods.current_span(_local_day(due))
    stale = await plans.verify_sales(span.code) + await plans.verify_sales(span.previous().code)
    if stale:
        raise RuntimeError(f"plan sales summary differs from the claims for: {stale[:20]}")
    return summary(N_("%(accounts)s accounts, %(transfers)s transfers: consistent"), accounts=result.accounts,
                   transfers=result.transfers)


async def contest_close(due: dt.datetime) -> str:
    """Hourly: close every contest whose last day has passed (freeze, pay once, publish); resumable."""
    from portal.gamification import contests

    done = await contests.close_due(due)
    return summary(N_("%(n)s contests closed, %(paid)s awards paid"), n=sum(r.status == "closed" for r in done),
                   paid=sum(r.paid for r in done))
async def upload_cleanup(due: dt.datetime) -> str:
    """Hourly: photos sent ahead of a claim form that was never saved, older than upload_slot_hours."""
    from portal.claims import uploads

    return summary(N_("deleted %(n)s unused photo uploads"), n=await uploads.delete_stale(due))
async def league_seed(due: dt.datetime) -> str:
    """Daily: the current season's league divisions, if neither a seed nor the last season's close made them."""
    from portal.gamification import leagues
    from portal.periods import services as periods

    placed = await leagues.seed_season(periods.current_span(_local_day(due)).code)
    return summary(N_("%(n)s partners placed in leagues"), n=placed)


async def board_roll(due: dt.datetime) -> str:
    """Daily after midnight: the rolling leaderboard's sums recounted for the window ending today."""
    from portal.gamification import standings

    ranked = await standings.roll(_local_day(due))
    return summary(N_("%(n)s partners on the rolling board"), n=max(ranked, 0))


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[dt.datetime], Awaitable[str]]
    cron: dict  # APScheduler CronTrigger fields, in the company's timezone


def registry() -> dict[str, Job]:
    payout_day = get_settings().app.payout_day
    jobs = [
        Job("period_close", period_close, {"day": 1, "hour": 2, "minute": 0}),
        Job("payout_register", payout_register, {"day": payout_day, "hour": 6, "minute": 0}),
        Job("points_release", points_release, {"hour": 3, "minute": 0}),
        Job("points_expiry", points_expiry, {"hour": 3, "minute": 30}),
        Job("expiry_warnings", expiry_warnings, {"hour": 9, "minute": 0}),
        Job("ledger_verify", ledger_verify, {"hour": 4, "minute": 0}),
        Job("contest_close", contest_close, {"minute": 5}),
        Job("upload_cleanup", upload_cleanup, {"minute": 17}),
        Job("league_seed", league_seed, {"hour": 2, "minute": 30}),
        Job("board_roll", board_roll, {"hour": 0, "minute": 5}),
    ]
    return {job.name: job for job in jobs}
