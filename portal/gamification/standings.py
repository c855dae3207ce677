"""Standings: each partner's figures per period and per sales day, kept in the decisions' transactions.

What is kept (``game_standing``, one row per partner and period; ``game_standing_day``, one per partner
and sales day):
- **points**: the base points accrued (the claim's accrual transfer) for the partner's approved claims
  whose sale date falls in the period (the same attribution as plans' summary); a revoked approval takes
  them back;
- **% of plan** (``pct_bp``): the plan's fulfilment as the plans table shows it, the weakest target's
  percentage in basis points (10000 = 100 %), evaluated by ``plans.calc`` on the period's approved sales;
  0 when the partner has no plan. It is refreshed with every decision of the partner (and by ``rebuild``);
  a plan edited mid-period shows on the board at the partner's next decision or rebuild;
- **the time each figure was reached** (``points_at``, ``pct_at``): set when the figure changes.

**The tie rule**: equal figures rank by the earlier time of reaching that figure, then by the partner's
number (a deterministic last resort). A partner who reached 5 000 points on Monday ranks above one who
reached the same 5 000 on Tuesday.

Rolling window: the board's "last 30 days" sums a partner's day buckets whose sale day is within the last
30 company days (at most 30 rows a partner, whatever the number of claims); ties there go by the latest
time any of those days changed (earlier wins), then partner number.

Subscribers run after rewards and plans, inside the decision's transaction, so they read the accrual
and the plans' summary of the same decision. ``verify`` recomputes everything from claims and the ledger.
It never moves points: the ledger does.
"""

from __future__ import annotations

import datetime as dt

from portal.accounts.tables import Partner
from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
from portal.claims.statuses import APPROVED
from portal.claims.tables import Claim
from portal.db import utcnow
from portal.periods import services as periods
from portal.periods.calc import parse_code, span_of
from portal.plans import calc
from portal.plans import services as plans
from portal.rewards.services import accrual_key_sql
from portal.gamification import leagues
from portal.gamification.leagues import stamp
from portal.gamification.tables import Standing, StandingDay

WINDOW_DAYS = 30


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def _claim_points(claim_id: int) -> dict | None:
    rows = await Claim.raw(
        "SELECT c.partner, c.sold_on, "
        f"(SELECT amount FROM ledger_transfer WHERE key = {accrual_key_sql('c.id', 'points')}) AS points "
        "FROM claim c WHERE c.id = {}", claim_id)
    return rows[0] if rows else None


async def pct_of(partner_id: int, code: str) -> int:
    """% of plan in basis points: the weakest target's fulfilment of the partner's plan for the period."""
    group = await Partner.select(Partner.partner_group).where(Partner.id == partner_id).first()
    plan = await plans.plan_for(partner_id, group["partner_group"] if group else "", code)
    if plan is None:
        return 0
    span = parse_code(code)
    progress = calc.evaluate_plan(plans.targets_of(plan), await plans.sales_of(partner_id, code), span,
                                  span.ends_on)
    return progress.weakest_pct_bp


async def _apply(claim_id: int, sign: int) -> None:
    row = await _claim_points(claim_id)
    if row is None:
        return
    partner_id, day = row["partner"], _day(row["sold_on"])
    code = span_of(day, periods.kind()).code
    points = sign * int(row["points"] or 0)
    now = stamp(utcnow())
    await refresh(partner_id, code, points, now)
    await StandingDay.raw(
        "INSERT INTO game_standing_day (key, partner, day, points, reached_at) VALUES ({}, {}, {}, {}, {}) "
        "ON CONFLICT (key) DO UPDATE SET points = game_standing_day.points + excluded.points, "
        "reached_at = excluded.reached_at", f"{partner_id}:{day.isoformat()}", partner_id, day, points, now)


async def refresh(partner_id: int, code: str, points: int = 0, now=None) -> None:
    """Add ``points`` to the partner's standing in the period and re-evaluate its % of plan; each figure's
    time moves only when the figure changes. Then the partner's division (if any) is re-ranked."""
    now = now or stamp(utcnow())
    key = f"{code}:{partner_id}"
    await Standing.raw(
        "INSERT INTO game_standing (key, partner, period, points, points_at, pct_bp, pct_at, league_place) "
        "VALUES ({}, {}, {}, {}, {}, 0, {}, 0) ON CONFLICT (key) DO UPDATE SET "
        "points = game_standing.points + excluded.points, "
        "points_at = CASE WHEN excluded.points <> 0 THEN excluded.points_at ELSE game_standing.points_at END",
        key, partner_id, code, points, now, now)
    pct = await pct_of(partner_id, code)
    await Standing.raw("UPDATE game_standing SET pct_bp = {}, pct_at = {} WHERE key = {} AND pct_bp <> {}",
                       pct, now, key, pct)
    await leagues.rerank_of(partner_id, code)


async def on_claim_decided(event: ClaimDecided) -> None:
    if event.status == APPROVED:
        await _apply(event.claim_id, +1)


async def on_approval_revoked(event: ClaimApprovalRevoked) -> None:
    await _apply(event.claim_id, -1)


# --- the full recomputation ----------------------------------------------------------------------

_RECOMPUTE = (
    "SELECT c.partner, c.sold_on, COALESCE(tp.amount, 0) AS points FROM claim c "
    f"LEFT JOIN ledger_transfer tp ON tp.key = {accrual_key_sql('c.id', 'points')} "
    f"WHERE c.status = '{APPROVED}' AND c.sold_on >= {{}} AND c.sold_on <= {{}}"
)


async def recompute(code: str) -> tuple[dict[int, tuple[int, int]], dict[tuple[int, str], int]]:
    """From the claims and the ledger: {partner: (points, pct_bp)} for the period, and
    {(partner, day): points} for its days. Partners with nothing are left out."""
    span = parse_code(code)
    points: dict[int, int] = {}
    days: dict[tuple[int, str], int] = {}
    for r in await Claim.raw(_RECOMPUTE, span.starts_on, span.ends_on):
        points[r["partner"]] = points.get(r["partner"], 0) + int(r["points"])
        k = (r["partner"], _day(r["sold_on"]).isoformat())
        days[k] = days.get(k, 0) + int(r["points"])
    partners = set(points) | {r["partner"] for r in await Standing.select(Standing.partner).where(
        Standing.period == code)}
    out = {}
    for pid in partners:
        figures = (points.get(pid, 0), await pct_of(pid, code))
        if figures != (0, 0):
            out[pid] = figures
    return out, {k: v for k, v in days.items() if v != 0}


async def kept(code: str) -> tuple[dict[int, tuple[int, int]], dict[tuple[int, str], int]]:
    span = parse_code(code)
    rows = await Standing.select(Standing.partner, Standing.points, Standing.pct_bp).where(Standing.period == code)
    days = await StandingDay.select(StandingDay.partner, StandingDay.day, StandingDay.points).where(
        StandingDay.day >= span.starts_on, StandingDay.day <= span.ends_on)
    return ({r["partner"]: (r["points"], r["pct_bp"]) for r in rows if (r["points"], r["pct_bp"]) != (0, 0)},
            {(r["partner"], _day(r["day"]).isoformat()): r["points"] for r in days if r["points"] != 0})


async def verify(code: str) -> list[str]:
    """What differs between the kept standings of a period and a recomputation (empty: they agree).
    % of plan is recomputed from the plans' summary, which ``plans.verify_sales`` checks against the claims."""
    fresh, fresh_days = await recompute(code)
    have, have_days = await kept(code)
    out = [f"partner {p}: kept {have.get(p)} recomputed {fresh.get(p)}"
           for p in sorted(fresh.keys() | have.keys()) if fresh.get(p) != have.get(p)]
    out += [f"partner {p} day {d}: kept {have_days.get((p, d))} recomputed {fresh_days.get((p, d))}"
            for p, d in sorted(fresh_days.keys() | have_days.keys()) if fresh_days.get((p, d)) != have_days.get((p, d))]
    out += [f"plan summary {k}" for k in await plans.verify_sales(code)]
    return out
