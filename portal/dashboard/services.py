"""What each role's dashboard shows, gathered from the domains' services.

Later domains (ledger, plans, claims) add their sections here; it only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.accounts import services as accounts
from portal.accounts.services import CurrentUser
from portal.claims import services as claims
from portal.gamification import services as game
from portal.ledger import services as ledger
from portal.plans import services as plans


RECENT_CLAIMS = 5


async def dashboard_for(user: CurrentUser) -> dict:
    if user.is_partner:
        partner = await accounts.get_partner(user.partner_id)  # type: ignore[arg-type]
        team_size = await accounts.team_size(user) if user.role == "partner_admin" else 0
        return {"kind": "partner", "partner": partner, "team_size": team_size,
                "balances": await ledger.balances(user.partner_id), "expiring": await ledger.expiring(user.partner_id),
                "releasing": await ledger.pending_releases(user.partner_id),
                "plan": await plans.fulfilment_of(user.partner_id, partner_group=partner["partner_group"] or ""),
                "game": await game.dashboard(user.partner_id),
                "recent": (await claims.claims_of(user, per_page=RECENT_CLAIMS)).rows,
                "claim_labels": claims.STATUS_LABELS}
    return {"kind": "company", "counts": await accounts.company_counts(), "review": await claims.review_counts()}


@dataclass(frozen=True)
class Estimate:
    """What a sale being registered would earn: the rewards now, and how it moves the plan."""

    ready: bool
    rewards: list[tuple[dict, int]] = field(default_factory=list)  # (rule, amount in its unit)
    plan: list = field(default_factory=list)  # plans.services.WhatIf
    boost: dict | None = None  # the tier multiplier already in the points ({"multiplier_bp", "tier_ru", ...})

    @property
    def points(self) -> int:
        return sum(a for r, a in self.rewards if r["unit"] == "points")

    @property
    def kop(self) -> int:
        return sum(a for r, a in self.rewards if r["unit"] == "kop")


async def estimate(user: CurrentUser, data: dict) -> Estimate:
    """The claim form's live "what you will earn": today's reward rules for what is typed so far, and the
    plan's targets before and after this sale. Nothing is written; incomplete input gives ready=False."""
    import datetime as dt

    from portal.db import company_today
    from portal.plans.calc import Item, Sums
    from portal.claims.forms import MAX_AMOUNT_KOP, MAX_QUANTITY
    from portal.forms import parse_amount, parse_int
    from portal.products.services import resolve_item
    from portal.rewards import calc as rewards_calc
    from portal.rewards import services as rewards

    item = await resolve_item(str(data.get("item") or ""), user.revision)
    quantity = parse_int(data.get("quantity") or "1", min_value=1, max_value=MAX_QUANTITY)
    amount = parse_amount(data.get("amount"))
    try:
        sold_on = dt.date.fromisoformat(str(data.get("sold_on") or "")) if data.get("sold_on") else company_today()
    except ValueError:
        sold_on = company_today()
    if item is None or quantity is None or amount is None or not 0 <= amount <= MAX_AMOUNT_KOP:
        return Estimate(False)
    partner = await accounts.get_partner(user.partner_id)  # type: ignore[arg-type]
    product_id = item["id"] if item["kind"] == "product" else None
    category = item.get("category", "") if product_id else ""
    work = rewards_calc.Work(user.partner_id, partner["partner_group"] or "", product_id, category,
                             item["id"] if item["kind"] == "job" else None, quantity, amount, sold_on)
    boost = await rewards.tier_boost(user.partner_id)
    earned = [(rule, value) for rule, value in await rewards.preview(work, boost) if value > 0]
    points = sum(v for r, v in earned if r["unit"] == "points")
    kop = sum(v for r, v in earned if r["unit"] == "kop")
    moves = await plans.what_if(user.partner_id, partner["partner_group"] or "", sold_on, Item(product_id, category),
                                Sums(quantity, amount, points, kop, 1))
    shown = {"multiplier_bp": boost["multiplier_bp"], "tier_ru": boost["name_ru"], "tier_en": boost["name_en"]} \
        if boost and any(r["unit"] == "points" for r, _v in earned) else None
    return Estimate(True, earned, moves, shown)
