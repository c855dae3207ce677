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

Rolling window: the board's "last 30 days" is the points of sales dated in the last 30 company days. Each
decision adds to its day bucket; ``roll`` (a job, once a day) rebuilds one sum per partner (``game_rolling``)
for the window ending today, and each decision in between adds to that sum if its sale day is inside the
window, so the board is an indexed ORDER BY over one row per partner. Until today's roll has run, the board
sums the day buckets instead (same answer, slower). Ties: the latest time the figure changed (earlier
wins), then the partner number.

Subscribers run after rewards and plans, inside the decision's transaction, so they read the accrual
and the plans' summary of the same decision. ``verify`` recomputes everything from claims and the ledger.
It never moves points: the ledger does.
"""

from __future__ import annotations

import datetime as dt
import json

from portal.accounts.tables import Partner
from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
from portal.claims.statuses import APPROVED
from portal.claims.tables import Claim
from portal.db import company_today, is_sqlite, utcnow, write_transaction
from portal.periods import services as periods
from portal.periods.calc import parse_code, span_of
from portal.plans import calc
from portal.plans import services as plans
from portal.rewards.services import accrual_key_sql
from portal.gamification import leagues
from portal.gamification.leagues import stamp
from portal.gamification.tables import RollingStamp, RollingStanding, Standing, StandingDay

WINDOW_DAYS = 30


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def base_points(amount, detail) -> int:
    """The accrual's points before the tier multiplier: boards, leagues and contests compare partners on the
    sales themselves, not on the tier the sales already earned them (tiers.py counts the same way)."""
    if amount is None:
        return 0
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            detail = {}
    return int(detail.get("base_amount", amount)) if isinstance(detail, dict) else int(amount)


async def _claim_points(claim_id: int) -> dict | None:
    rows = await Claim.raw(
        "SELECT c.partner, c.sold_on, tp.amount, tp.detail FROM claim c "
        f"LEFT JOIN ledger_transfer tp ON tp.key = {accrual_key_sql('c.id', 'points')} WHERE c.id = {{}}", claim_id)
    if not rows:
        return None
    return dict(rows[0], points=base_points(rows[0]["amount"], rows[0]["detail"]))


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
    if points:
        await _roll_in(partner_id, day, points, now)


# --- the rolling window ----------------------------------------------------------------------------

async def rolled_day() -> dt.date | None:
    """The window end the kept rolling sums are valid for (None: never rolled)."""
    row = await RollingStamp.select(RollingStamp.day).where(RollingStamp.key == "rolling").first()
    return _day(row["day"]) if row else None


async def _roll_in(partner_id: int, day: dt.date, points: int, now) -> None:
    """A decision's points into the kept rolling sum, if the sale day is inside the window it is valid for.
    On PostgreSQL the stamp is read FOR SHARE: a roll (which updates the stamp first) and a decision
    serialise, so a decision either lands in the roll's recount or is added after it, never both or neither."""
    lock = "" if is_sqlite() else " FOR SHARE"
    rows = await RollingStamp.raw(f"SELECT day FROM game_rolling_stamp WHERE key = 'rolling'{lock}")
    if not rows:
        return
    end = _day(rows[0]["day"])
    if not (end - dt.timedelta(days=WINDOW_DAYS - 1) <= day <= end):
        return
    await RollingStanding.raw(
        "INSERT INTO game_rolling (partner, points, reached_at) VALUES ({}, {}, {}) ON CONFLICT (partner) DO UPDATE "
        "SET points = game_rolling.points + excluded.points, reached_at = excluded.reached_at",
        partner_id, points, now)


async def roll(today: dt.date | None = None) -> int:
    """Rebuild the rolling sums for the window ending ``today`` from the day buckets (the daily job; a
    repeat the same day does nothing). How many partners have a sum, or -1 when it was already current."""
    today = today or company_today()
    since = today - dt.timedelta(days=WINDOW_DAYS - 1)
    async with write_transaction():
        moved = await RollingStamp.raw(
            "INSERT INTO game_rolling_stamp (key, day) VALUES ('rolling', {}) ON CONFLICT (key) DO UPDATE "
            "SET day = excluded.day WHERE game_rolling_stamp.day <> excluded.day RETURNING id", today)
        if not moved:
            return -1
        await RollingStanding.raw("DELETE FROM game_rolling")
        await RollingStanding.raw(
            "INSERT INTO game_rolling (partner, points, reached_at) SELECT partner, SUM(points), MAX(reached_at) "
            "FROM game_standing_day WHERE day >= {} AND day <= {} GROUP BY partner HAVING SUM(points) <> 0",
            since, today)
        rows = await RollingStanding.raw("SELECT COUNT(*) AS n FROM game_rolling")
    return int(rows[0]["n"])


async def verify_rolling() -> list[str]:
    """The kept rolling sums against the day buckets of their window (empty: they agree, or never rolled)."""
    end = await rolled_day()
    if end is None:
        return []
    since = end - dt.timedelta(days=WINDOW_DAYS - 1)
    fresh = {r["partner"]: int(r["points"]) for r in await StandingDay.raw(
        "SELECT partner, SUM(points) AS points FROM game_standing_day WHERE day >= {} AND day <= {} "
        "GROUP BY partner HAVING SUM(points) <> 0", since, end)}
    have = {r["partner"]: int(r["points"]) for r in await RollingStanding.select(
        RollingStanding.partner, RollingStanding.points) if r["points"] != 0}
    return [f"rolling partner {p}: kept {have.get(p)} recomputed {fresh.get(p)}"
            for p in sorted(fresh.keys() | have.keys()) if fresh.get(p) != have.get(p)]


async def refresh(partner_id: int, code: str, points: int = 0, now=None) -> None:
    """Add ``points`` to the partner's standing in the period and re-evaluate its % of plan; each figure's
    time moves only when the figure changes. Then the partner's division (if any) is re-ranked."""
    now = now or stamp(utcnow())
    key = f"{code}:{partner_id}"
    division = await leagues.lock_division_of(partner_id, code)
    await Standing.raw(
        "INSERT INTO game_standing (key, partner, period, points, points_at, pct_bp, pct_at, league_place) "
        "VALUES ({}, {}, {}, {}, {}, 0, {}, 0) ON CONFLICT (key) DO UPDATE SET "
        "points = game_standing.points + excluded.points, "
        "points_at = CASE WHEN excluded.points <> 0 THEN excluded.points_at ELSE game_standing.points_at END",
        key, partner_id, code, points, now, now)
    pct = await pct_of(partner_id, code)
    await Standing.raw("UPDATE game_standing SET pct_bp = {}, pct_at = {} WHERE key = {} AND pct_bp <> {}",
                       pct, now, key, pct)
    if division is not None:
        await leagues.rerank(division)


async def on_claim_decided(event: ClaimDecided) -> None:
    if event.status == APPROVED:
        await _apply(event.claim_id, +1)


async def on_approval_revoked(event: ClaimApprovalRevoked) -> None:
    await _apply(event.claim_id, -1)


# --- the full recomputation ----------------------------------------------------------------------

_RECOMPUTE = (
    "SELECT c.partner, c.sold_on, tp.amount, tp.detail FROM claim c "
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
        earned = base_points(r["amount"], r["detail"])
        points[r["partner"]] = points.get(r["partner"], 0) + earned
        k = (r["partner"], _day(r["sold_on"]).isoformat())
        days[k] = days.get(k, 0) + earned
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
    out += await verify_rolling()
    return out


async def rebuild(code: str) -> int:
    """Replace a period's kept standings with a recomputation (repair, bulk loads, a plan edited mid-period).
    The times figures were reached are kept where the figure did not change; how many partners it holds."""
    from portal.gamification.tables import Division

    span = parse_code(code)
    async with write_transaction():
        fresh, days = await recompute(code)
        now = stamp(utcnow())
        rows = await Standing.select(Standing.partner, Standing.points).where(Standing.period == code)
        have = {r["partner"]: r["points"] for r in rows}
        for pid in set(have) | set(fresh):
            points = fresh.get(pid, (0, 0))[0]
            if have.get(pid) != points:
                await Standing.raw(
                    "INSERT INTO game_standing (key, partner, period, points, points_at, pct_bp, pct_at, league_place) "
                    "VALUES ({}, {}, {}, {}, {}, 0, {}, 0) ON CONFLICT (key) DO UPDATE SET points = excluded.points, "
                    "points_at = excluded.points_at", f"{code}:{pid}", pid, code, points, now, now)
            pct = await pct_of(pid, code)
            await Standing.raw("UPDATE game_standing SET pct_bp = {}, pct_at = {} WHERE key = {} AND pct_bp <> {}",
                               pct, now, f"{code}:{pid}", pct)
        await StandingDay.delete().where(StandingDay.day >= span.starts_on, StandingDay.day <= span.ends_on)
        items = list(days.items())
        for start in range(0, len(items), 400):
            await StandingDay.insert(*[StandingDay(key=f"{pid}:{day}", partner=pid, day=dt.date.fromisoformat(day),
                                                   points=points) for (pid, day), points in items[start:start + 400]])
        for d in await Division.select(Division.id).where(Division.period == code):
            await leagues.rerank(d["id"])
        rolled = await rolled_day()
        await RollingStamp.delete().where(RollingStamp.key == "rolling")  # the rolling sums are recounted too
    if rolled is not None:
        await roll()
    return len(fresh)
