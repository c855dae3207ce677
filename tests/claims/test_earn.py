"""The claim form's "what you will earn": the reward under today's rules and the move on the plan."""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.claims.tables import Claim
from portal.ledger.tables import Transfer
from portal.periods.services import current_span
from portal.plans import services as plans
from portal.plans.forms import PlanData
from portal.rewards import services as rewards
from tests import factories as f


async def _world():
    partner_id = await f.partner()
    product_id = await f.product(category="boilers")
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "category", "scope_value": "boilers", "kind": "per_unit", "value": "300",
        "unit": "points", "valid_from": "2020-01-01"}))
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "1 %", "scope": "all", "kind": "percent", "value": "100", "unit": "kop", "valid_from": "2020-01-01"}))
    await plans.save_plan(SYSTEM, PlanData.parse({
        "name": "План", "period": current_span().code, "audience": "partner", "partner_id": str(partner_id),
        "t0_name": "Котлы", "t0_metric": "units", "t0_goal": "10", "t0_bonus_unit": "points",
        "t0_s0_pct": "30", "t0_s0_bonus": "500", "t0_s1_pct": "100", "t0_s1_bonus": "3000"}))
    return partner_id, product_id


async def test_the_form_says_what_a_sale_earns_and_how_it_moves_the_plan(client):
    partner_id, product_id = await _world()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    part = await client.get("/claims/earn", params={"item": f"p:{product_id}", "quantity": "3", "amount": "45 990,00"})
    assert part.status_code == 200
    assert 'data-points="900"' in part.text and 'data-kop="45990"' in part.text
    assert "900 баллов" in part.text and "459,90" in part.text
    assert "Котлы: 0\u00a0% → 30\u00a0% плана" in part.text and "бонус 500 баллов" in part.text
    assert await Claim.count() == 0 and await Transfer.count() == 0  # an estimate writes nothing


async def test_without_a_product_the_panel_asks_for_one(client):
    partner_id, _product_id = await _world()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    part = await client.get("/claims/earn", params={"quantity": "3", "amount": "100"})
    assert "Выберите товар, количество и сумму" in part.text and "data-points" not in part.text


async def test_the_form_page_starts_with_the_estimate_for_the_remembered_product(client):
    partner_id, product_id = await _world()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    page = await client.get(f"/claims/new?item=p:{product_id}")
    assert 'id="earn"' in page.text and "Выберите товар" in page.text  # no amount typed yet
