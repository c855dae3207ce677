"""Scanning a serial number: the camera (a fake one fed a generated QR code) fills the field; the decoding library
is fetched only when "Scan" is pressed."""

from __future__ import annotations

from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.async_api import expect

from portal.accounts.roles import Role
from tests import factories as f
from tests.browser.conftest import CHROMIUM_FLAGS, PHONE
from tests.browser.test_phone_flows import _sign_in

pytestmark = pytest.mark.browser


def fake_camera(path: Path, text: str, width: int = 640, height: int = 480, frames: int = 3) -> Path:
    """A Y4M video (what chromium's fake camera plays, looping) showing a QR code of ``text`` on a white sheet."""
    qr = path.with_suffix(".png")
    segno.make(text, error="m").save(str(qr), scale=8, border=4)
    code = Image.open(qr).convert("L")
    frame = Image.new("RGB", (width, height), (235, 235, 230))
    frame.paste(code.convert("RGB"), ((width - code.width) // 2, (height - code.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    picture = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + picture)
    return path


@pytest.fixture
async def camera_phone(chromium_path, tmp_path):
    from playwright.async_api import async_playwright

    video = fake_camera(tmp_path / "serial.y4m", "TT-424242")
    flags = CHROMIUM_FLAGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path, args=flags, headless=True)
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU",
                                            permissions=["camera"])
        try:
            yield await context.new_page()
        finally:
            await browser.close()


async def test_scanning_a_qr_code_fills_the_serial_field(live_server, camera_phone):
    phone = camera_phone
    await f.product(name="Котёл Термо 24", sku="TT-K24", serial_pattern=r"TT-\d{6}")
    dealer = await f.user(Role.PARTNER_STAFF, await f.partner())
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    fetched: list[str] = []
    phone.on("request", lambda r: fetched.append(r.url))
    await phone.goto(live_server + "/claims/new")
    await phone.get_by_label("Котёл Термо 24 (TT-K24)").check()
    assert not [u for u in fetched if "/vendor/" in u]  # nothing of the decoder until it is needed

    await phone.get_by_role("button", name="Сканировать").click()
    serials = phone.get_by_role("textbox", name="Серийные номера")
    await expect(serials).to_have_value("TT-424242", timeout=30_000)
    await expect(phone.locator(".scanner")).to_have_count(0)  # the camera closed itself
    assert await phone.locator("#serials-live").is_hidden()
    if not await phone.evaluate("'BarcodeDetector' in window"):
        assert [u for u in fetched if u.endswith("/static/js/vendor/zxing-library.min.js")]
