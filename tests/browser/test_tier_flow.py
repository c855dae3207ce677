"""The tier on a phone: the dealer's panel and a Gold-only prize, and the manager's engagement charts."""

from __future__ import annotations

import os

import pytest
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.rewards import services as rewards
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in
from tests.catalog.helpers import prize

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("PREMIA_SHOTS_DIR", "")


async def test_the_dealer_sees_the_tier_and_the_manager_the_engagement_charts_on_a_phone(live_server, phone, tmp_path):
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "per_unit", "value": "1000", "unit": "points",
        "valid_from": "2020-01-01"}))
    product_id = await f.product(name="Котёл")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id)
    claim_id = await f.claim(await f.current(dealer), product_id, quantity="25")
    await claims.decide(await f.company(), claim_id, "approve")
    await prize(points=1000, min_tier="gold", name="Поездка на завод")

    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    panel = phone.locator("#tier-panel")
    await expect(panel).to_have_attribute("data-tier", "silver")
    await expect(panel).to_contain_text("35 000 баллов до уровня «Золото»")
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=SHOTS + "/tier-dashboard.png" if SHOTS else str(tmp_path / "d.png"), full_page=True)
    await phone.goto(live_server + "/catalog/")
    await expect(phone.locator(".tier-lock").first).to_contain_text("с уровня «Золото»")
    assert await _fits_the_screen(phone)

    await phone.context.clear_cookies()
    await _sign_in(phone, live_server, await f.email_of(await f.user(Role.MANAGER)))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/manage/engagement/")
    await expect(phone.locator("#section-tiers svg rect")).to_have_count(4)
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=SHOTS + "/tier-engagement.png" if SHOTS else str(tmp_path / "e.png"), full_page=True)
