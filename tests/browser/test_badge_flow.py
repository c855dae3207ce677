"""A badge pops on the phone: a manager approves, and the dealer's open dashboard shows the new badge with its
celebration (the panel's poll brings it; no reload), then the shelf shows it earned."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from portal.accounts.roles import Role
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in
from tests.gamification.test_badges import rule

pytestmark = pytest.mark.browser


async def test_an_approval_pops_a_badge_on_the_dealers_open_dashboard(live_server, phone, another_phone, tmp_path):
    await rule("first_sale", "sales", n=1, points=100)
    await rule("five", "sales", n=5)
    product_id = await f.product(name="Котёл")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id)
    claim_id = await f.claim(await f.current(dealer), product_id)
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    panel = phone.locator("#badge-panel")
    await expect(panel).to_contain_text("Серии пока нет")
    assert await phone.locator("[data-celebrate]").count() == 0
    await phone.evaluate("window.__sameDocument = true")  # survives only if the page is never reloaded

    manager = await f.user(Role.MANAGER)
    await _sign_in(another_phone, live_server, await f.email_of(manager))
    await another_phone.wait_for_url("**/dashboard")
    await another_phone.goto(live_server + f"/review/{claim_id}")
    await another_phone.get_by_role("button", name="Одобрить", exact=True).click()
    await another_phone.locator(".tag.claim-approved").first.wait_for()

    celebration = phone.locator("[data-celebrate]")
    await expect(celebration).to_contain_text("Новое достижение: Значок first_sale", timeout=25_000)
    await expect(panel).to_contain_text("1 неделя подряд")
    await expect(panel.locator(".badge-row svg")).to_have_count(1)
    assert await phone.evaluate("window.__sameDocument === true")
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "badge-celebration.png"), full_page=True)

    await phone.goto(live_server + "/badges")
    await expect(phone.locator(".badge-tile")).to_have_count(2)
    await expect(phone.locator(".badge-tile.locked")).to_contain_text("1 из 5")
    assert await phone.locator("[data-celebrate]").count() == 0  # shown once
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "badge-shelf.png"), full_page=True)
