"""What people click, on a phone: signing in, and approving a partner."""

from __future__ import annotations

import pytest

from portal.accounts.roles import PartnerStatus, Role
from portal.accounts.tables import Partner
from tests import factories as f

pytestmark = pytest.mark.browser


async def _fits_the_screen(page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


async def _sign_in(page, url: str, email: str) -> None:
    await page.goto(url + "/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Пароль").fill(f.PASSWORD)
    await page.get_by_role("button", name="Войти").click()


async def test_dealer_signs_in_and_sees_the_dashboard(live_server, phone, tmp_path):
    partner_id = await f.partner(legal_name="ООО «Тепломаркет»")
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id, full_name="Дмитрий Дилеров")
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.get_by_role("heading", name="Здравствуйте, Дмитрий Дилеров").wait_for()
    assert await phone.get_by_role("heading", name="ООО «Тепломаркет»").is_visible()
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "dealer-dashboard.png"), full_page=True)

    await phone.get_by_text("Меню").click()
    await phone.locator("details.menu").get_by_role("link", name="Команда").click()
    await phone.wait_for_url("**/team")
    assert await phone.get_by_role("heading", name="Команда", exact=True).is_visible()


async def test_manager_approves_a_pending_registration(live_server, phone, tmp_path):
    pending = await f.partner(status=PartnerStatus.PENDING.value, legal_name="ООО «Новичок»")
    manager = await f.user(Role.MANAGER)
    await _sign_in(phone, live_server, await f.email_of(manager))
    await phone.wait_for_url("**/dashboard")
    await phone.get_by_role("link", name="заявка партнёра на проверку").click()
    await phone.wait_for_url("**/manage/partners**")
    row = phone.locator(f"#partner-{pending}")
    assert await row.get_by_text("ООО «Новичок»").is_visible()
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "manager-queue.png"), full_page=True)
    await row.get_by_role("button", name="Одобрить", exact=True).click()
    await row.get_by_text("Активен").wait_for()
    assert await row.get_by_role("button", name="Одобрить", exact=True).count() == 0
    await phone.screenshot(path=str(tmp_path / "manager-approved.png"), full_page=True)
    status = await Partner.select(Partner.status).where(Partner.id == pending).first()
    assert status["status"] == PartnerStatus.ACTIVE


async def test_login_works_without_javascript(live_server, chromium_path, tmp_path):
    from playwright.async_api import async_playwright

    from tests.browser.conftest import CHROMIUM_FLAGS, PHONE

    manager = await f.user(Role.MANAGER)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        context = await browser.new_context(viewport=PHONE, java_script_enabled=False, locale="ru-RU")
        page = await context.new_page()
        await _sign_in(page, live_server, await f.email_of(manager))
        await page.wait_for_url("**/dashboard")
        assert await page.get_by_text("заявок партнёров на проверку").is_visible()
        await browser.close()
