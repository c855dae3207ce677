"""The manager's review on a phone (390×844): zoom a photo, reject (the reason appears), approve and next."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.claims.tables import Claim
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in

pytestmark = pytest.mark.browser


async def test_a_manager_zooms_rejects_and_approves_and_moves_on(live_server, phone, tmp_path):
    product_id = await f.product(name="Котёл Термо 24")
    dealer = await f.dealer(await f.partner(legal_name="ООО «Тепломаркет»"))
    older = await f.claim(dealer, product_id, photos=[f.jpeg(1200, 900, color="#a33")])
    newer = await f.claim(dealer, product_id, photos=[f.jpeg(1200, 900, color="#3a7")])
    manager = await f.user(Role.MANAGER)
    await _sign_in(phone, live_server, await f.email_of(manager))
    await phone.wait_for_url("**/dashboard")
    await expect(phone.locator('[data-tile="review-open"] .stat-value')).to_have_text("2")

    await phone.goto(live_server + f"/review/{newer}")
    overlay = phone.locator(".zoom-overlay")
    await expect(overlay).to_be_hidden()
    await phone.locator(".zoomable").first.click()  # tap to zoom
    await expect(overlay).to_be_visible()
    shown = await overlay.locator("img").evaluate("i => i.getBoundingClientRect().width")
    assert shown > 390  # larger than the phone's screen: pan and pinch inside
    await phone.screenshot(path=str(tmp_path / "review-zoom.png"))
    await overlay.get_by_role("link", name="Закрыть").click()
    await expect(overlay).to_be_hidden()

    reason = phone.get_by_label("Причина отклонения")
    await expect(reason).to_be_hidden()  # not before choosing reject
    await phone.get_by_text("Отклонить", exact=True).click()
    await expect(reason).to_be_visible()
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "review-reject.png"), full_page=True)

    await phone.get_by_role("button", name="Одобрить и дальше").click()
    await phone.wait_for_url(f"**/review/{older}?after={newer}")
    await expect(phone.get_by_role("status")).to_contain_text(f"№{newer}")
    assert (await Claim.select(Claim.status).where(Claim.id == newer).first())["status"] == "approved"

    await phone.get_by_text("Отклонить", exact=True).click()
    await phone.get_by_role("button", name="Отправить", exact=True).click()  # no reason yet
    await expect(phone.locator(".reject-reason .field-error")).to_be_visible()
    await expect(phone.get_by_label("Причина отклонения")).to_be_visible()  # still chosen after the error
    await phone.get_by_label("Причина отклонения").select_option("duplicate")
    await phone.get_by_role("button", name="Отправить", exact=True).click()
    await phone.wait_for_url(f"**/review/{older}")
    assert (await Claim.select(Claim.status).where(Claim.id == older).first())["status"] == "rejected"
    await phone.screenshot(path=str(tmp_path / "review-done.png"), full_page=True)
