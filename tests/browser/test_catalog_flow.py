"""The prize catalogue on a phone: browse, order, see the points leave, cancel, see them come back."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from catalog import services
from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in
from tests.catalog.helpers import give_points, prize

pytestmark = pytest.mark.browser


async def test_a_dealer_orders_a_prize_and_cancels_it_on_a_phone(live_server, phone, tmp_path):
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id)
    await give_points(partner_id, 3000)
    mug = await prize(points=1200, stock=5, name="Термокружка", description="Держит тепло **6 часов**.")
    await services.add_images(SYSTEM, mug, [f.jpeg(800, 800, color="#c33")])
    await prize(points=9000, name="Шуруповёрт")

    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    available = phone.locator('[data-balance="points_available"]')
    await expect(available).to_have_text("3\u00a0000")
    await phone.goto(live_server + "/catalog/")
    await expect(phone.locator(".prize-card", has_text="Шуруповёрт")).to_contain_text("ещё нужно 6\u00a0000 баллов")
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "catalog.png"), full_page=True)
    await phone.get_by_role("link", name="Термокружка").click()
    await expect(phone.locator(".description strong")).to_have_text("6 часов")
    await phone.get_by_role("button", name="В корзину").click()
    await phone.wait_for_url("**/catalog/cart")
    await phone.get_by_label("Адрес доставки").fill("Казань, ул. Баумана, д. 5, кв. 1")
    await phone.get_by_label("Контактный телефон").fill("+7 912 345-67-89")
    await phone.get_by_role("button", name="Оформить заказ").click()
    await expect(phone.locator("h1 .tag")).to_have_text("Оформлен")
    await expect(phone.locator('[data-just="placed"]')).to_contain_text("1\u00a0800")  # the balance after it

    await phone.goto(live_server + "/dashboard")
    await expect(available).to_have_text("1\u00a0800")
    await phone.go_back()
    await phone.get_by_role("link", name="Отменить заказ").click()  # asks once
    await phone.get_by_role("button", name="Да, отменить заказ").click()
    await expect(phone.locator("h1 .tag")).to_have_text("Отменён")
    await phone.goto(live_server + "/dashboard")
    await expect(available).to_have_text("3\u00a0000")
