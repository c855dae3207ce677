"""The core act on a phone: register a sale with a photo from the camera, then a manager approves it."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.claims import services
from portal.claims.tables import Claim, ClaimPhoto
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in

pytestmark = pytest.mark.browser


async def test_dealer_registers_a_sale_with_a_camera_photo_and_a_manager_approves(live_server, phone, tmp_path,
                                                                                     another_phone):
    await f.product(name="Котёл Термо 24", sku="TT-K24", serial_pattern=r"TT-\d{6}")
    await f.product(name="Бойлер 100 л", sku="TT-B100")
    partner_id = await f.partner(legal_name="ООО «Тепломаркет»")
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    photo = tmp_path / "camera.jpg"
    photo.write_bytes(f.jpeg(60, 40, orientation=6))

    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/claims/new")
    await phone.get_by_placeholder("Начните вводить название или артикул").fill("термо")
    await expect(phone.get_by_label("Бойлер 100 л (TT-B100)")).to_have_count(0)  # the list narrowed as we typed
    choice = phone.get_by_label("Котёл Термо 24 (TT-K24)")
    await choice.check()
    await phone.get_by_role("textbox", name="Серийные номера").fill("tt-654321")
    await phone.get_by_label("Сумма, ₽").fill("45 990")
    camera = phone.locator("input[type=file][capture=environment]")
    await camera.set_input_files(str(photo))
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "claim-form.png"), full_page=True)
    await phone.get_by_role("button", name="Зарегистрировать", exact=True).click()
    await phone.get_by_text("Зарегистрировано. Менеджер скоро проверит.").wait_for()
    await phone.screenshot(path=str(tmp_path / "claim-registered.png"), full_page=True)

    claim = await Claim.select().first()
    assert claim["serials"] == "TT-654321" and claim["amount_kop"] == 4599000
    stored = await ClaimPhoto.select().first()
    assert Image.open(services.media_root() / stored["display_name"]).size == (40, 60)

    manager = await f.user(Role.MANAGER)
    await _sign_in(another_phone, live_server, await f.email_of(manager))
    await another_phone.wait_for_url("**/dashboard")
    await another_phone.goto(live_server + f"/review/{claim['id']}")
    await another_phone.get_by_role("button", name="Одобрить", exact=True).click()
    await another_phone.locator(".tag.claim-approved").first.wait_for()
    await another_phone.screenshot(path=str(tmp_path / "manager-approved-claim.png"), full_page=True)

    await phone.goto(live_server + "/claims/")
    assert await phone.locator(".tag.claim-approved").count() == 1
    assert await phone.locator(".bell .badge").inner_text() == "1"


async def test_the_dealers_balance_moves_without_a_reload_when_a_manager_approves(live_server, phone, another_phone):
    from portal.audit.services import SYSTEM
    from portal.rewards import services as rewards

    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "per_unit", "value": "300", "unit": "points",
        "valid_from": "2020-01-01"}))
    product_id = await f.product(name="Котёл")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id)
    claim_id = await f.claim(await f.current(dealer), product_id, quantity="2")
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    pending = phone.locator('[data-balance="points_pending"]')
    assert await pending.inner_text() == "0"
    await phone.evaluate("window.__sameDocument = true")  # survives only if the page is never reloaded

    manager = await f.user(Role.MANAGER)
    await _sign_in(another_phone, live_server, await f.email_of(manager))
    await another_phone.wait_for_url("**/dashboard")
    await another_phone.goto(live_server + f"/review/{claim_id}")
    await another_phone.get_by_role("button", name="Одобрить", exact=True).click()
    await another_phone.locator(".tag.claim-approved").first.wait_for()

    await expect(pending).to_have_text("600", timeout=20_000)
    assert await phone.evaluate("window.__sameDocument === true")
