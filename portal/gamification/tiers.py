"""Tiers: the ladder and each partner's current tier (read side shared by the whole game layer).

The rolling 12-month sum, upgrades in the approval's transaction and downgrades at period close live
here too; other parts of the game (contests, leagues, the catalogue's min_tier) only read through
``ladder()``, ``tier_of()`` and ``rank()``.

What counts as earned: the points of claim accruals (approved registrations), before the tier multiplier
(a tier must not feed itself), minus the accruals of withdrawn approvals. Cash rewards, plan bonuses,
adjustments and redemptions do not count: the tier measures selling, and a plan bonus is already the reward
for the same sales (counting it would pay twice for one sale and let a bonus paid at a close lift a tier
the close itself then judges). Each counted accrual is one ``game_tier_credit`` row under a UNIQUE key,
so a replayed event counts once, and a withdrawal takes the points from the month the accrual went to.

An upgrade happens at once, inside the approval's transaction. A downgrade happens only at a period close:
the first close that finds the 12-month sum below the tier starts the grace (``tier_grace_periods``, one
by default) and warns the partner how much to earn by the end of the next period; a close after the grace
that still finds it below moves the partner down to the tier the sum qualifies for. A redemption never
touches any of it. The accrual that lifts a partner to a tier is paid at the multiplier of the tier before.
"""

from __future__ import annotations

import datetime as dt

from portal.db import company_today, is_sqlite, utcnow, write_transaction
from portal.gamification.tables import PartnerTier, Tier, TierEarned, TierMove, TierWatch
from portal.i18n import N_, format_date, format_points

DEFAULT_LADDER: list[dict] = [
    {"code": "bronze", "name_ru": "Бронза", "name_en": "Bronze", "position": 0, "threshold_points": 0,
     "multiplier_bp": 10000, "colour": "#a0703c", "benefits_ru": "Начисления по правилам программы.",
     "benefits_en": "Accruals under the programme's rules."},
    {"code": "silver", "name_ru": "Серебро", "name_en": "Silver", "position": 1, "threshold_points": 20_000,
     "multiplier_bp": 10500, "colour": "#7b8794", "benefits_ru": "+5% к начислениям баллов.",
     "benefits_en": "+5% on points accruals."},
    {"code": "gold", "name_ru": "Золото", "name_en": "Gold", "position": 2, "threshold_points": 60_000,
     "multiplier_bp": 11000, "colour": "#b8860b", "benefits_ru": "+10% к начислениям баллов, призы уровня «Золото».",
     "benefits_en": "+10% on points accruals, Gold-only prizes."},
    {"code": "platinum", "name_ru": "Платина", "name_en": "Platinum", "position": 3, "threshold_points": 150_000,
     "multiplier_bp": 12000, "colour": "#4a6d8c",
     "benefits_ru": "+20% к начислениям баллов, все призы каталога, личный менеджер.",
     "benefits_en": "+20% on points accruals, every prize of the catalogue, a personal manager."},
]
WINDOW_MONTHS = 12


# --- pure arithmetic ---------------------------------------------------------------------------------

def month_of(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def months_back(month: str, count: int) -> str:
    """The month ``count`` months before ``month`` ("2026-03", 3 -> "2025-12")."""
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) - count
    return f"{index // 12}-{index % 12 + 1:02d}"


def window(month: str) -> tuple[str, str]:
    """The first and last month of the rolling 12 months ending with ``month``."""
    return months_back(month, WINDOW_MONTHS - 1), month


def qualified(ladder: list[dict], points: int) -> dict | None:
    """The highest tier whose threshold ``points`` reach (None below the lowest)."""
    best = None
    for tier in ladder:
        if points >= tier["threshold_points"] and (best is None or tier["position"] > best["position"]):
            best = tier
    return best


def by_code(ladder: list[dict]) -> dict[str, dict]:
    return {t["code"]: t for t in ladder}


def base(ladder: list[dict]) -> dict | None:
    """The tier every partner holds without earning anything (the lowest, if its threshold is 0)."""
    return qualified(ladder, 0)


def name(tier: dict | None, locale: str) -> str:
    if tier is None:
        return ""
    return tier["name_en"] if locale == "en" else tier["name_ru"]


def multiplier_text(bp: int) -> str:
    """A multiplier as the reader writes decimals: 11000 -> "×1,1" in Russian."""
    from decimal import Decimal

    from portal.i18n import format_number

    return f"×{format_number(Decimal(bp) / 10000)}"


# --- the ladder ------------------------------------------------------------------------------------

async def ladder() -> list[dict]:
    """The tiers from the lowest up. Before an admin saves the ladder, the default one (kept in code, so a
    read never writes)."""
    rows = await Tier.select().order_by(Tier.position)
    return rows or [dict(t, id=None) for t in DEFAULT_LADDER]


async def ensure_ladder() -> None:
    """Store the default ladder if none is stored yet (inside the caller's write transaction)."""
    if await Tier.count() == 0:
        for tier in DEFAULT_LADDER:
            await Tier.raw(
                "INSERT INTO game_tier (code, name_ru, name_en, position, threshold_points, multiplier_bp, colour, "
                "benefits_ru, benefits_en) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (code) DO NOTHING",
                tier["code"], tier["name_ru"], tier["name_en"], tier["position"], tier["threshold_points"],
                tier["multiplier_bp"], tier["colour"], tier["benefits_ru"], tier["benefits_en"])


async def tier_of(partner_ids: list[int]) -> dict[int, str]:
    """Each partner's current tier code ('' below the first tier)."""
    if not partner_ids:
        return {}
    rows = await PartnerTier.select(PartnerTier.partner, PartnerTier.tier).where(
        PartnerTier.partner.is_in(list(partner_ids)))
    found = {r["partner"]: r["tier"] for r in rows}
    return {pid: found.get(pid, "") for pid in partner_ids}


async def rank(code: str) -> int:
    """A tier's position on the ladder; -1 for '' (no tier) and for an unknown code."""
    if not code:
        return -1
    row = await Tier.select(Tier.position).where(Tier.code == code).first()
    return row["position"] if row else -1


async def effective(partner_id: int, tiers: list[dict] | None = None) -> dict | None:
    """The tier a partner holds now: their stored tier, or the base tier if they have none yet."""
    tiers = tiers if tiers is not None else await ladder()
    code = (await tier_of([partner_id]))[partner_id]
    return by_code(tiers).get(code) if code else base(tiers)


async def earned(partner_id: int, first: str, last: str) -> int:
    rows = await TierEarned.raw(
        "SELECT COALESCE(SUM(points), 0) AS s FROM game_tier_earned WHERE partner = {} AND month >= {} "
        "AND month <= {}", partner_id, first, last)
    return int(rows[0]["s"])


async def earned_12m(partner_id: int, month: str | None = None) -> int:
    first, last = window(month or month_of(company_today()))
    return await earned(partner_id, first, last)


# --- what other domains ask through their slots -----------------------------------------------------

async def boost(partner_id: int) -> dict | None:
    """The accrual multiplier of the partner's tier for the rewards engine (None at ×1)."""
    tier = await effective(partner_id)
    if tier is None or tier["multiplier_bp"] == 10000:
        return None
    return {"tier": tier["code"], "name_ru": tier["name_ru"], "name_en": tier["name_en"],
            "multiplier_bp": tier["multiplier_bp"]}


async def gate(partner_id: int | None) -> dict:
    """For the catalogue's min_tier: the partner's rank and each tier's rank and names (rank -1 without a
    partner: the admin's form only needs the tiers)."""
    tiers = await ladder()
    tier = await effective(partner_id, tiers) if partner_id is not None else None
    return {"rank": tier["position"] if tier else -1,
            "tiers": {t["code"]: {"position": t["position"], "name_ru": t["name_ru"], "name_en": t["name_en"],
                                  "colour": t["colour"]} for t in tiers}}


# --- counting earned points (subscribers of the claims' events) -----------------------------------

async def _credit(partner_id: int, key: str, month: str, points: int) -> bool:
    rows = await TierEarned.raw(
        "INSERT INTO game_tier_credit (key, partner, month, points, created_at) VALUES ({}, {}, {}, {}, {}) "
        "ON CONFLICT (key) DO NOTHING RETURNING id", key, partner_id, month, points, utcnow())
    if not rows:
        return False
    await TierEarned.raw(
        "INSERT INTO game_tier_earned (key, partner, month, points) VALUES ({}, {}, {}, {}) "
        "ON CONFLICT (key) DO UPDATE SET points = game_tier_earned.points + excluded.points",
        f"{partner_id}:{month}", partner_id, month, points)
    return True


async def _accrual(claim_id: int) -> dict | None:
    from portal.ledger import keys
    from portal.ledger.tables import Transfer
    from portal.rewards import services as rewards

    approval = await rewards.approval_number(claim_id)
    return await Transfer.select(Transfer.id, Transfer.amount, Transfer.detail, Transfer.created_at).where(
        Transfer.key == keys.claim_accrual(claim_id, "points", approval)).output(load_json=True).first()


def _base_points(accrual: dict) -> int:
    detail = accrual["detail"] or {}
    return int(detail.get("base_amount", accrual["amount"])) if isinstance(detail, dict) else accrual["amount"]


async def on_claim_decided(event) -> None:
    """An approval's points count at once (subscribed after rewards, which posted the accrual)."""
    if event.status != "approved":
        return
    accrual = await _accrual(event.claim_id)
    if accrual is None:
        await refresh(event.partner_id)
        return
    await _credit(event.partner_id, f"acc:{accrual['id']}", month_of(company_today()), _base_points(accrual))
    await refresh(event.partner_id)


async def on_approval_revoked(event) -> None:
    """A withdrawn approval takes its points back from the month they went to; the tier waits for the close."""
    accrual = await _accrual(event.claim_id)
    if accrual is None:
        return
    from portal.gamification.tables import TierCredit

    counted = await TierCredit.select(TierCredit.month, TierCredit.points).where(
        TierCredit.key == f"acc:{accrual['id']}").first()
    if counted is None:
        return
    await _credit(event.partner_id, f"rev:{accrual['id']}", counted["month"], -counted["points"])
    await refresh(event.partner_id, upgrade=False)


async def refresh(partner_id: int, upgrade: bool = True) -> dict | None:
    """Keep the partner's 12-month sum on their tier row, and move them up at once if it reaches a higher
    tier. Returns the move made, if any. Never moves down (that is the close's job). Three statements: the
    ladder, the row (created or locked), and the sum written back."""
    tiers = await ladder()  # the default one is not stored here: that would move every partner's pages
    now = utcnow()
    first, last = window(month_of(company_today()))
    # The row first: its lock orders two approvals of one partner (PostgreSQL), so the sum read after it
    # sees the other's committed credit and neither misses an upgrade their points make together.
    await PartnerTier.raw(
        "INSERT INTO game_partner_tier (partner, tier, earned_12m, since, updated_at) VALUES ({}, {}, 0, {}, {}) "
        "ON CONFLICT (partner) DO UPDATE SET updated_at = excluded.updated_at",
        partner_id, (base(tiers) or {}).get("code", ""), now, now)
    row = (await PartnerTier.raw(
        "UPDATE game_partner_tier SET earned_12m = (SELECT COALESCE(SUM(points), 0) FROM game_tier_earned "
        "WHERE partner = {} AND month >= {} AND month <= {}) WHERE partner = {} RETURNING tier, earned_12m",
        partner_id, first, last, partner_id))[0]
    if not upgrade:
        return None
    reached = qualified(tiers, int(row["earned_12m"]))
    held = by_code(tiers).get(row["tier"])
    if reached is None or (held is not None and reached["position"] <= held["position"]):
        return None
    return await _move(partner_id, row["tier"], reached, "up", _period_code())


def _period_code(day: dt.date | None = None) -> str:
    from portal.periods import services as periods

    return periods.current_span(day).code


async def _move(partner_id: int, current: str, to: dict, direction: str, period: str) -> dict | None:
    from portal.notifications.services import notify_partner

    moved = await PartnerTier.raw(
        "UPDATE game_partner_tier SET tier = {}, since = {} WHERE partner = {} AND tier = {} RETURNING id",
        to["code"], utcnow(), partner_id, current)
    if not moved:
        return None
    await TierMove.insert(TierMove(partner=partner_id, from_tier=current, to_tier=to["code"], direction=direction,
                                   period=period))
    await TierWatch.delete().where(TierWatch.partner == partner_id)
    if direction == "up":
        await notify_partner(partner_id, "tier.up", N_("Your tier is now %(tier)s."), {"tier": to["name_ru"]},
                             link="/dashboard")
    else:
        await notify_partner(partner_id, "tier.down", N_("Your tier is now %(tier)s: the points earned over 12 "
                                                          "months fell below the threshold."),
                             {"tier": to["name_ru"]}, link="/dashboard")
    return {"partner": partner_id, "from": current, "to": to["code"], "direction": direction}


# --- the period close --------------------------------------------------------------------------------

async def on_period_closed(event) -> dict:
    """Judge every partner's tier against the 12 months ending with the closed period: warn, wait the grace,
    then move down. A replayed close counts once (``TierWatch.last_period``)."""
    from portal.periods import services as periods
    from portal.settings import get_settings

    span = periods.span_for(event.code)
    if span is None:
        return {}
    grace = get_settings().app.tier_grace_periods
    next_span = span.next()
    last = month_of(span.ends_on)
    first = window(last)[0]
    next_first = window(month_of(next_span.ends_on))[0]
    async with write_transaction():
        await ensure_ladder()
        tiers = await ladder()
        codes = by_code(tiers)
        rows = await PartnerTier.raw(
            "SELECT t.partner, t.tier, COALESCE(SUM(e.points), 0) AS total, "
            "COALESCE(SUM(CASE WHEN e.month >= {} THEN e.points ELSE 0 END), 0) AS kept, "
            "w.id AS watch, w.tier AS watch_tier, w.closes_below, w.last_period "
            "FROM game_partner_tier t LEFT JOIN game_tier_earned e ON e.partner = t.partner AND e.month >= {} "
            "AND e.month <= {} LEFT JOIN game_tier_watch w ON w.partner = t.partner "
            "GROUP BY t.partner, t.tier, w.id, w.tier, w.closes_below, w.last_period",
            next_first, first, last)
        counts = {"warned": 0, "down": 0, "up": 0}
        for row in rows:
            held, total = codes.get(row["tier"]), int(row["total"])
            reached = qualified(tiers, total)
            reached_pos = reached["position"] if reached else -1
            held_pos = held["position"] if held else -1
            if reached_pos >= held_pos:
                if row["watch"] is not None:
                    await TierWatch.delete().where(TierWatch.id == row["watch"])
                if reached_pos > held_pos and await _move(row["partner"], row["tier"], reached, "up", event.code):
                    counts["up"] += 1
                continue
            if row["watch"] is not None and row["watch_tier"] == row["tier"]:
                if row["last_period"] == event.code:
                    continue
                below = row["closes_below"] + 1
            else:
                below = 1
            if below > grace:
                if reached is None:
                    reached = {"code": "", "name_ru": "", "name_en": ""}
                if await _move(row["partner"], row["tier"], reached, "down", event.code):
                    counts["down"] += 1
                continue
            shortfall = max(0, held["threshold_points"] - int(row["kept"]))
            deadline = next_span.ends_on
            if row["watch"] is not None:
                await TierWatch.update({TierWatch.tier: row["tier"], TierWatch.closes_below: below,
                                        TierWatch.last_period: event.code, TierWatch.shortfall: shortfall,
                                        TierWatch.deadline: deadline.isoformat()}).where(TierWatch.id == row["watch"])
            else:
                await TierWatch.insert(TierWatch(partner=row["partner"], tier=row["tier"], closes_below=below,
                                                 last_period=event.code, shortfall=shortfall,
                                                 deadline=deadline.isoformat()))
            await _warn(row["partner"], held, shortfall, deadline)
            counts["warned"] += 1
    return counts


async def _warn(partner_id: int, held: dict, shortfall: int, deadline: dt.date) -> None:
    from portal.notifications.services import notify_partner

    await notify_partner(partner_id, "tier.warning", N_("Earn %(points)s points by %(date)s to keep %(tier)s."),
                         {"points": format_points(shortfall, "ru"), "date": format_date(deadline, locale="ru"),
                          "tier": held["name_ru"]}, link="/dashboard")


# --- the dashboard panel ----------------------------------------------------------------------------

async def panel(partner_id: int) -> dict | None:
    """The partner's tier, the way to the next one, what it gives, the pace, and a pending warning."""
    tiers = await ladder()
    if not tiers:
        return None
    today = company_today()
    month = month_of(today)
    first, last = window(month)
    rows = await TierEarned.raw(
        "SELECT month, points FROM game_tier_earned WHERE partner = {} AND month >= {} AND month <= {}",
        partner_id, first, last)
    by_month = {r["month"]: int(r["points"]) for r in rows}
    total = sum(by_month.values())
    tier = await effective(partner_id, tiers)
    above = [t for t in tiers if t["position"] > (tier["position"] if tier else -1)]
    nxt = min(above, key=lambda t: t["position"]) if above else None
    # Pace: the last three months (this one pro rata to today) projected over a year.
    recent = sum(by_month.get(months_back(month, i), 0) for i in range(3))
    days_in = today.day
    span_days = 61 + days_in  # the two full months before, roughly, and this one so far
    projected_total = recent * 365 // max(span_days, 1)
    projected = qualified(tiers, projected_total)
    watch = await TierWatch.select().where(TierWatch.partner == partner_id).first()
    warning = None
    if watch is not None and tier is not None and watch["tier"] == tier["code"] and watch["deadline"]:
        deadline = dt.date.fromisoformat(watch["deadline"])
        needed_first = window(month_of(deadline))[0]
        kept = sum(p for m, p in by_month.items() if m >= needed_first)
        still = max(0, tier["threshold_points"] - kept)
        if still > 0:
            warning = {"points": still, "deadline": deadline, "tier": tier}
    progress = 100
    if nxt is not None:
        floor = tier["threshold_points"] if tier else 0
        progress = max(0, min(100, (total - floor) * 100 // max(1, nxt["threshold_points"] - floor)))
    to_next = max(0, nxt["threshold_points"] - total) if nxt else 0
    return {"tier": tier, "next": nxt, "earned": total, "to_next": to_next,
            "progress": progress, "projected": projected, "projected_points": projected_total, "warning": warning}


# --- the admin's ladder --------------------------------------------------------------------------------

async def tier(code: str) -> dict | None:
    return by_code(await ladder()).get(code)


async def save_tier(actor, code: str, data) -> None:
    """An admin's edit of one tier (``data``: forms_tiers.TierData). Thresholds must rise with the ladder,
    so a partner's tier is always the highest one their sum reaches. A new threshold applies from the
    next approval (upwards) or the next close (downwards, with the grace)."""
    from portal.audit import services as audit
    from portal.errors import NotFound, ValidationFailed
    from portal.i18n import gettext as _

    async with write_transaction():
        await ensure_ladder()
        tiers = await Tier.select().order_by(Tier.position)
        current = by_code(tiers).get(code)
        if current is None:
            raise NotFound()
        below = [t for t in tiers if t["position"] < current["position"]]
        above = [t for t in tiers if t["position"] > current["position"]]
        floor = max((t["threshold_points"] for t in below), default=None)
        ceiling = min((t["threshold_points"] for t in above), default=None)
        if floor is not None and data.threshold_points <= floor:
            raise ValidationFailed({"threshold_points": _(
                "The threshold must be above the tier below (%(points)s).", points=format_points(floor))})
        if ceiling is not None and data.threshold_points >= ceiling:
            raise ValidationFailed({"threshold_points": _(
                "The threshold must be below the tier above (%(points)s).", points=format_points(ceiling))})
        after = {"name_ru": data.name_ru, "name_en": data.name_en, "threshold_points": data.threshold_points,
                 "colour": data.colour, "multiplier_bp": data.multiplier_bp, "benefits_ru": data.benefits_ru,
                 "benefits_en": data.benefits_en}
        await Tier.update({getattr(Tier, k): v for k, v in after.items()}).where(Tier.code == code)
        await audit.record(actor, "tier.updated", "tier", code, before={k: current[k] for k in after}, after=after)


async def tiers_for(partner_ids: list[int]) -> dict[int, dict]:
    """Each partner's tier (the base tier for those without a row) and their kept 12-month sum, for the
    partner pages and lists: two queries whatever the number of partners."""
    if not partner_ids:
        return {}
    tiers = await ladder()
    codes = by_code(tiers)
    rows = {r["partner"]: r for r in await PartnerTier.select(
        PartnerTier.partner, PartnerTier.tier, PartnerTier.earned_12m).where(
        PartnerTier.partner.is_in(list(partner_ids)))}
    fallback = base(tiers)
    shown = {}
    for pid in partner_ids:
        row = rows.get(pid)
        tier = codes.get(row["tier"]) if row else fallback
        if tier is not None:
            shown[pid] = dict(tier, earned_12m=row["earned_12m"] if row else 0)
    return shown
