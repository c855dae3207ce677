"""The pictures phones really make are accepted: multi-picture JPEGs (portrait and Ultra HDR), 16-bit greyscale
PNGs (scanner apps), and an empty file is named as such instead of vanishing."""

from __future__ import annotations

import io

from PIL import Image

from portal.accounts.roles import Role
from portal.claims import services
from portal.claims.tables import Claim, ClaimPhoto
from tests import factories as f


def _mpo() -> bytes:
    """What a portrait-mode or Ultra HDR shot is: a JPEG followed by more frames (depth map, gain map)."""
    photo = Image.new("RGB", (120, 90), (200, 40, 40))
    gain_map = Image.new("RGB", (60, 45), (10, 10, 10))
    buf = io.BytesIO()
    photo.save(buf, "MPO", save_all=True, append_images=[gain_map])
    data = buf.getvalue()
    assert Image.open(io.BytesIO(data)).format == "MPO"
    return data


def _grey16() -> bytes:
    """A 16-bit greyscale PNG: a left-to-right ramp from black to nearly white."""
    ramp = Image.new("I;16", (256, 16))
    ramp.putdata([x * 256 for _ in range(16) for x in range(256)])
    buf = io.BytesIO()
    ramp.save(buf, "PNG")
    assert Image.open(io.BytesIO(buf.getvalue())).mode == "I;16"
    return buf.getvalue()


async def _send(client, content: bytes, name: str):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    return await f.post_form(client, "/claims/new", f.claim_form(product_id, comment="не потеряйте меня"),
                             files={"photos": (name, content, "application/octet-stream")})


def _stored(row: dict) -> Image.Image:
    return Image.open(services.media_root() / row["display_name"]).convert("RGB")


async def test_a_portrait_mode_multi_picture_jpeg_is_accepted_as_its_first_frame(client):
    response = await _send(client, _mpo(), "PXL_portrait.jpg")
    assert response.status_code == 303
    photo = await ClaimPhoto.select().first()
    assert (photo["width"], photo["height"]) == (120, 90)  # the photo, not the gain map
    red, green, blue = _stored(photo).getpixel((60, 45))
    assert red > 180 and green < 70 and blue < 70


async def test_a_16_bit_greyscale_png_keeps_its_shades(client):
    response = await _send(client, _grey16(), "scan.png")
    assert response.status_code == 303
    stored = _stored(await ClaimPhoto.select().first())
    left, middle, right = (stored.getpixel((x, 8))[0] for x in (2, 128, 253))
    assert left < 20 and 100 < middle < 160 and right > 235  # a ramp, not a white sheet


async def test_an_empty_file_is_a_field_error_and_the_form_is_kept(client):
    response = await _send(client, b"", "IMG_0042.jpg")
    assert response.status_code == 400
    assert "Файл пустой (0 байт)" in response.text and "не потеряйте меня" in response.text
    assert await Claim.count() == 0


async def test_no_file_picked_is_not_an_error(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    response = await f.post_form(client, "/claims/new", f.claim_form(product_id),
                                 files={"photos": ("", b"", "application/octet-stream")})
    assert response.status_code == 303
    assert await ClaimPhoto.count() == 0
