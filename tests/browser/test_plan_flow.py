"""Live fulfilment on a phone: a manager approves, and the dealer's progress bar moves without a reload."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.periods.services import current_span
from portal.plans import services as plans
from portal.plans.forms import PlanData
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in

pytestmark = pytest.mark.browser


async def test_the_dealers_progress_bar_moves_when_a_manager_approves(live_server, phone, another_phone, tmp_path):
    product_id = await f.product(name="Котёл")
    partner_id = await f.partner()
    await plans.save_plan(SYSTEM, PlanData.parse({
        "name": "План месяца", "period": current_span().code, "audience": "partner", "partner_id": str(partner_id),
        "t0_name": "Котлы", "t0_metric": "units", "t0_goal": "10", "t0_bonus_unit": "points",
        "t0_s0_pct": "80", "t0_s0_bonus": "1000", "t0_s1_pct": "100", "t0_s1_bonus": "3000"}))
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id)
    claim_id = await f.claim(await f.current(dealer), product_id, quantity="5")
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    bar = phone.locator("#plan progress")
    await expect(bar).to_have_attribute("data-pct", "0")
    await expect(phone.locator("#plan")).to_contain_text("Ждёт одобрения")
    await phone.evaluate("window.__sameDocument = true")  # survives only if the page is never reloaded

    manager = await f.user(Role.MANAGER)
    await _sign_in(another_phone, live_server, await f.email_of(manager))
    await another_phone.wait_for_url("**/dashboard")
    await another_phone.goto(live_server + f"/review/{claim_id}")
    await another_phone.get_by_role("button", name="Одобрить", exact=True).click()
    await another_phone.locator(".tag.claim-approved").first.wait_for()

    await expect(bar).to_have_attribute("data-pct", "5000", timeout=20_000)
    await expect(phone.locator("#plan")).to_contain_text("ещё 3 штуки.")
    assert await phone.evaluate("window.__sameDocument === true")
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "plan-progress.png"), full_page=True)

    await another_phone.goto(live_server + "/manage/fulfilment/")
    await expect(another_phone.locator("table.fulfilment")).to_contain_text("50\u00a0%")
    assert await _fits_the_screen(another_phone)


async def test_the_claim_form_says_what_the_sale_will_earn_as_the_dealer_types(live_server, phone):
    from portal.rewards import services as rewards

    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "per_unit", "value": "300", "unit": "points",
        "valid_from": "2020-01-01"}))
    await f.product(name="Котёл Термо 24", sku="TT-K24")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/claims/new")
    await phone.get_by_label("Котёл Термо 24 (TT-K24)").check()
    await phone.get_by_label("Количество").fill("2")
    await phone.get_by_label("Сумма, ₽").fill("91 980")
    earn = phone.locator("#earn")
    await expect(earn).to_contain_text("Вы получите 600 баллов")
    await phone.get_by_label("Количество").fill("3")
    await expect(earn).to_contain_text("Вы получите 900 баллов")
    assert await _fits_the_screen(phone)
