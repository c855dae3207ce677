"""A finished period with work in it: partners, approved claims, reward rules and plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.periods import services as periods
from portal.periods.calc import Span
from portal.plans import services as plans
from portal.plans.forms import PlanData
from portal.rewards import services as rewards
from tests import factories as f


@dataclass
class World:
    span: Span
    partners: list[int]
    product_id: int
    claims: list[int]


def last_period() -> Span:
    return periods.current_span().previous()


async def finished_period(partners: int = 3, quantity: int = 5) -> World:
    span = last_period()
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Баллы за котёл", "scope": "all", "kind": "per_unit", "value": "100", "unit": "points",
        "valid_from": "2020-01-01"}))
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "1% деньгами", "scope": "all", "kind": "percent", "value": "100", "unit": "kop",
        "valid_from": "2020-01-01"}))
    product_id = await f.product(name="Котёл Термо 24", sku="TT-K24")
    manager = await f.company()
    ids, claim_ids = [], []
    for n in range(partners):
        pid = await f.partner(legal_name=f"ООО «Тепломаркет {n + 1}»", address="Казань, ул. Баумана, д. 5",
                              bank_name="АО «Банк»", bik="049205001", settlement_account="40702810000000000002")
        dealer = await f.dealer(pid)
        await plans.save_plan(SYSTEM, PlanData.parse({
            "name": "План", "period": span.code, "audience": "partner", "partner_id": str(pid),
            "t0_name": "Котлы", "t0_metric": "units", "t0_goal": "5", "t0_bonus_unit": "points",
            "t0_s0_pct": "100", "t0_s0_bonus": "2000",
            "t1_name": "Выручка", "t1_metric": "revenue", "t1_goal": "100 000", "t1_bonus_unit": "kop",
            "t1_s0_pct": "100", "t1_s0_bonus": "5 000"}))
        claim_id = await f.claim(dealer, product_id, quantity=str(quantity + n), amount="120 000,00",
                                 sold_on=(span.ends_on - dt.timedelta(days=n)).isoformat())
        await claims.decide(manager, claim_id, "approve")
        ids.append(pid)
        claim_ids.append(claim_id)
    return World(span, ids, product_id, claim_ids)
