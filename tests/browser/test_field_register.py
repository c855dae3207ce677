"""Registering a sale in the field: a 375×667 phone on slow 3G with a 4× slower CPU, a 12-megapixel photo.

The target (issue #16): from the dashboard to the claim pending in at most 8 taps (asserted) and 30 s (printed
and written for bench/field_register.py, never asserted: no timed tests). A field error after the photo went up
keeps the photo, and the fixed form does not send it again.
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.claims import services
from portal.claims.tables import Claim, ClaimPhoto, ClaimUpload
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 375, "height": 667}
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4


def camera_photo(path: Path, width: int = 4000, height: int = 3000) -> Path:
    """A 12-megapixel photo-like JPEG (smooth light and colour with sensor noise), 3-5 MB as a phone writes."""
    light = Image.linear_gradient("L").resize((width, height))
    scene = Image.merge("RGB", (light, light.rotate(90).resize((width, height)),
                                Image.radial_gradient("L").resize((width, height))))
    noisy = Image.blend(scene, Image.effect_noise((width, height), 24).convert("RGB"), 0.25)
    buf = io.BytesIO()
    noisy.save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return path


async def _slow_phone(browser):
    context = await browser.new_context(viewport=SMALL_PHONE, is_mobile=True, has_touch=True, locale="ru-RU")
    page = await context.new_page()
    return context, page


async def _throttle(page) -> None:
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def _record(seconds: float, taps: int, photo_bytes: int, sent_bytes: int) -> None:
    line = {"name": "field.register_s", "value": round(seconds, 1), "unit": "s", "taps": taps,
            "photo_mb": round(photo_bytes / 1e6, 2), "photo_sent_kb": round(sent_bytes / 1e3)}
    print(json.dumps(line, ensure_ascii=False))
    target = os.environ.get("PREMIA_FIELD_REGISTER_OUT")
    if target:
        Path(target).write_text(json.dumps(line) + "\n")


async def test_a_sale_with_two_serials_and_a_12_mp_photo_on_slow_3g_takes_at_most_8_taps(live_server, browser,
                                                                                           tmp_path):
    await f.product(name="Котёл Термо 24", sku="TT-K24", serial_pattern=r"TT-\d{6}")
    await f.product(name="Бойлер 100 л", sku="TT-B100")
    dealer = await f.user(Role.PARTNER_STAFF, await f.partner(legal_name="ООО «Тепломаркет»"))
    photo = camera_photo(tmp_path / "IMG_20261130_101500.jpg")
    context, page = await _slow_phone(browser)
    try:
        await _sign_in(page, live_server, await f.email_of(dealer))
        await page.wait_for_url("**/dashboard")
        uploads: list[int] = []

        async def measure(request) -> None:
            if request.url.endswith("/claims/uploads"):
                uploads.append(int(await request.header_value("content-length") or 0))

        page.on("requestfinished", measure)
        await _throttle(page)
        taps = 0
        started = time.monotonic()

        await page.get_by_role("link", name="Зарегистрировать продажу").first.click()
        taps += 1
        await page.get_by_label("Котёл Термо 24 (TT-K24)").check()
        taps += 1
        await page.get_by_label("Количество").fill("2")
        taps += 1
        await page.get_by_role("textbox", name="Серийные номера").fill("TT-100001\nTT-100002")
        taps += 1
        await page.get_by_label("Сумма, ₽").fill("91 980")
        taps += 1
        await page.locator("input[type=file][name=photos]").set_input_files(str(photo))
        taps += 1
        submit = page.get_by_role("button", name="Зарегистрировать", exact=True)
        await expect(submit).to_be_disabled()  # while the photo is shrunk and sent, with its progress shown
        await expect(page.locator(".upload-progress progress")).to_be_visible()
        await expect(page.locator(".kept-photos li.kept")).to_have_count(1, timeout=60_000)  # on the server
        await submit.click()
        taps += 1
        await page.get_by_text("Зарегистрировано. Менеджер скоро проверит.").wait_for(timeout=120_000)
        seconds = time.monotonic() - started

        assert await _fits_the_screen(page)
        await page.screenshot(path=str(tmp_path / "registered-on-slow-3g.png"), full_page=True)
    finally:
        await context.close()
    claim = await Claim.select().first()
    assert claim["status"] == "submitted" and claim["serials"] == "TT-100001\nTT-100002"
    stored = await ClaimPhoto.select().first()
    assert Image.open(services.media_root() / stored["display_name"]).size == (1600, 1200)
    assert len(uploads) == 1 and 20_000 < uploads[0] < 1_000_000  # shrunk in the browser: not the 3+ MB original
    _record(seconds, taps, photo.stat().st_size, uploads[0])
    assert taps <= 8


async def test_a_field_error_keeps_the_photo_already_sent_and_the_fix_does_not_send_it_again(live_server, phone,
                                                                                              tmp_path):
    product_id = await f.product(name="Котёл Термо 24", sku="TT-K24", serial_pattern=r"TT-\d{6}")
    await f.claim(await f.dealer(), product_id, serials="TT-000777")  # someone else's: only the server knows
    dealer = await f.user(Role.PARTNER_STAFF, await f.partner())
    photo = tmp_path / "invoice.jpg"
    photo.write_bytes(f.jpeg(1200, 900, seed=7))
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    sent: list[str] = []

    async def measure(request) -> None:
        if request.method == "POST":
            size = await request.header_value("content-length")  # None when the service worker sent it
            if size is None and request.post_data_buffer is not None:
                size = len(request.post_data_buffer)
            sent.append(f"{request.method} {request.url} {size}")

    phone.on("requestfinished", measure)

    await phone.goto(live_server + "/claims/new")
    await phone.get_by_label("Котёл Термо 24 (TT-K24)").check()
    await phone.get_by_role("textbox", name="Серийные номера").fill("TT-000777")
    await phone.get_by_label("Сумма, ₽").fill("45 990")
    await phone.locator("input[type=file][name=photos]").set_input_files(str(photo))
    kept = phone.locator(".kept-photos li.kept")
    await expect(kept).to_have_count(1)
    await phone.get_by_role("button", name="Зарегистрировать", exact=True).click()

    await phone.get_by_text("Серийный номер TT-000777 уже зарегистрирован в программе.").wait_for()
    await expect(kept).to_have_count(1)  # the re-shown form lists the photo as kept, with its thumbnail
    await expect(kept.get_by_text("Сохранено")).to_be_visible()
    assert await kept.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert await phone.locator("input[type=file][name=photos]").evaluate("i => i.files.length") == 0
    await phone.screenshot(path=str(tmp_path / "photo-kept-after-error.png"), full_page=True)

    await phone.get_by_role("textbox", name="Серийные номера").fill("TT-000778")
    await phone.get_by_role("button", name="Зарегистрировать", exact=True).click()
    await phone.get_by_text("Зарегистрировано. Менеджер скоро проверит.").wait_for()

    assert sum("/claims/uploads" in s for s in sent) == 1  # the photo went up once
    final = [s for s in sent if "/claims/new" in s][-1]
    assert int(final.rsplit(" ", 1)[1]) < 5_000  # the fixed form carried the slot's id, not the picture
    mine = await Claim.select().where(Claim.serials == "TT-000778").first()
    assert await ClaimPhoto.count().where(ClaimPhoto.claim == mine["id"]) == 1
    assert await ClaimUpload.count() == 0


async def test_serials_are_checked_as_typed_and_a_repeat_is_caught_before_sending(live_server, phone):
    await f.product(name="Котёл Термо 24", sku="TT-K24", serial_pattern=r"TT-\d{6}")
    dealer = await f.user(Role.PARTNER_STAFF, await f.partner())
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/claims/new")
    await phone.get_by_label("Котёл Термо 24 (TT-K24)").check()
    serials = phone.get_by_role("textbox", name="Серийные номера")
    live = phone.locator("#serials-live")
    await serials.fill("TT-12345\n")  # one digit short, and the dealer moved on to the next line
    await expect(live).to_have_text("Серийный номер TT-12345 не соответствует формату этого товара.")
    await serials.fill("TT-123456\ntt-123456")
    await expect(live).to_have_text("Один и тот же серийный номер введён дважды.")
    await phone.get_by_label("Количество").fill("2")
    await phone.get_by_label("Сумма, ₽").fill("45 990")
    await phone.get_by_role("button", name="Зарегистрировать", exact=True).click()
    await expect(live).to_be_visible()
    assert phone.url.endswith("/claims/new") and await Claim.count() == 0  # nothing was sent
    await serials.fill("TT-123456\nTT-123457")
    await expect(live).to_be_hidden()
    await phone.get_by_role("button", name="Зарегистрировать", exact=True).click()
    await phone.get_by_text("Зарегистрировано. Менеджер скоро проверит.").wait_for()


async def test_a_photo_picked_offline_waits_and_goes_with_the_form(live_server, phone, tmp_path):
    """What the offline queue relies on: PremiaClaimForm.pendingPhotos(form) gives the shrunk photo not sent yet,
    and a plain submit once online carries it as "photos"."""
    await f.product(name="Бойлер 100 л", sku="TT-B100")
    dealer = await f.user(Role.PARTNER_STAFF, await f.partner())
    photo = camera_photo(tmp_path / "offline.jpg", 2400, 1800)
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/claims/new")
    await phone.get_by_label("Бойлер 100 л (TT-B100)").check()
    await phone.get_by_label("Сумма, ₽").fill("12 000")
    await phone.context.set_offline(True)
    await phone.locator("input[type=file][name=photos]").set_input_files(str(photo))
    await expect(phone.locator(".kept-photos li.waiting")).to_have_count(1)
    pending = await phone.evaluate("""() => PremiaClaimForm.pendingPhotos(document.querySelector('form.claim-form'))
                                          .map(f => [f.name, f.type, f.size])""")
    assert len(pending) == 1 and pending[0][1] == "image/jpeg" and pending[0][2] < photo.stat().st_size
    assert pending[0][0] == "offline.jpg"
    await phone.context.set_offline(False)
    await phone.get_by_role("button", name="Зарегистрировать", exact=True).click()
    await phone.get_by_text("Зарегистрировано. Менеджер скоро проверит.").wait_for()
    stored = await ClaimPhoto.select().first()
    assert Image.open(services.media_root() / stored["display_name"]).size == (1600, 1200)
    assert await ClaimUpload.count() == 0


async def test_the_picker_starts_with_the_dealers_usual_products_and_its_options_never_overlap(live_server, phone):
    long_name = "Котёл настенный газовый двухконтурный с закрытой камерой сгорания и погодозависимой автоматикой"
    products = [await f.product(name=f"{long_name} {n}", sku=f"TT-LONG-{n}") for n in range(8)]
    usual = await f.product(name="Яблоко раздора", sku="ZZ-1")  # last by name: never among the first otherwise
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    colleague = await f.current(await f.user(Role.PARTNER_STAFF, partner_id))
    for _ in range(3):
        await f.claim(colleague, usual)
    await f.claim(colleague, products[0])  # the last one registered: chosen already
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/claims/new")
    labels = [t.strip() for t in await phone.locator("#item-options .choice").all_inner_texts()]
    assert labels[0].startswith(long_name) and labels[1].startswith("Яблоко раздора")
    boxes = [await c.bounding_box() for c in await phone.locator("#item-options .choice").all()]
    for upper, lower in zip(boxes, boxes[1:]):
        assert upper["y"] + upper["height"] <= lower["y"] + 0.5  # one under the other, never on top
    options = phone.locator("#item-options")
    assert await options.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # no scroll box in the page
    assert await _fits_the_screen(phone)
