"""Keeping the catalogue: prizes, their pictures, imports, and what partners see on the shelf."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from catalog import services
from catalog.markdown import render
from catalog.tables import Prize, PrizeImage
from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from tests import factories as f
from tests.catalog.helpers import give_points, prize


def media_files() -> list:
    root = services.media_root()
    return sorted(root.iterdir()) if root.exists() else []


def prize_form(**over) -> dict:
    return {"code": "CAP-1", "name": "Кепка", "category": "Мерч", "points": "500", "stock": "10",
            "variants": "S: 3\nM: 4", "description": "**Хлопок**"} | over


async def test_an_admin_adds_a_prize_with_a_photo_and_gets_three_webp_renditions(client):
    await f.login_as(client, Role.ADMIN)
    response = await f.post_form(client, "/admin/prizes/new", prize_form(),
                                 files={"images": ("cap.jpg", f.jpeg(1600, 1200, orientation=6), "image/jpeg")})
    assert response.status_code == 303, response.text
    image = await PrizeImage.select().first()
    assert (image["full_width"], image["full_height"]) == (900, 1200)  # turned upright, then fitted
    assert image["thumb_width"] <= 240 and image["card_width"] <= 480
    for name in (image["thumb_name"], image["card_name"], image["full_name"]):
        with Image.open(services.media_root() / name) as stored:
            assert stored.format == "WEBP" and not stored.info.get("exif")
    served = await client.get(f"/media/prizes/{image['card_name']}")
    assert served.headers["content-type"] == "image/webp" and served.headers["x-content-type-options"] == "nosniff"


async def test_bad_pictures_are_refused_with_a_reason_and_nothing_is_stored(client):
    before = media_files()
    await f.login_as(client, Role.ADMIN)
    cases = [
        (f.png_bomb(), 400, "мегапикселей"),
        (b"MZ\x90\x00 not a picture at all" * 50, 400, "не похож на фото"),
        (f.jpeg(64, 48) + b"\0" * (16 * 1024 * 1024), 413, "больше"),
    ]
    for n, (payload, status, words) in enumerate(cases):
        response = await f.post_form(client, "/admin/prizes/new", prize_form(code=f"BAD-{n}"),
                                     files={"images": ("photo.jpg", payload, "image/jpeg")})
        assert response.status_code == status, (n, response.status_code)
        assert words in response.text.lower()
    assert await Prize.count() == 0 and await PrizeImage.count() == 0
    assert media_files() == before


async def test_one_bad_picture_among_good_ones_stores_none_of_them(client):
    before = media_files()
    await f.login_as(client, Role.ADMIN)
    response = await f.post_form(client, "/admin/prizes/new", prize_form(), files=[
        ("images", ("a.jpg", f.jpeg(), "image/jpeg")), ("images", ("b.jpg", f.png_bomb(), "image/jpeg"))])
    assert response.status_code == 400
    assert await PrizeImage.count() == 0 and media_files() == before


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buf.getvalue()


async def test_import_takes_good_rows_with_their_images_and_reports_the_bad_ones_by_line(client):
    table = ("code;category;name;points;stock;variants;images\n"
             "HOOD-1;Мерч;Худи;2500;;\"S: 5; M: 5\";hood.jpg\n"
             "DRILL-1;Инструмент;Дрель;;3;;\n"
             "KETTLE-1;Техника;Чайник;4000;2;;missing.jpg\n"
             "BOMB-1;Техника;Бомба;100;1;;bomb.png\n"
             "CUP-1;Мерч;Кружка;300;;;\n").encode("utf-8")
    archive = _zip({"pics/hood.jpg": f.jpeg(300, 200), "bomb.png": f.png_bomb()})
    before = len(media_files())
    await f.login_as(client, Role.ADMIN)
    response = await f.post_form(client, "/admin/prizes/import", {}, files={
        "file": ("prizes.csv", table, "text/csv"), "images_zip": ("images.zip", archive, "application/zip")})
    assert response.status_code == 400
    assert "Строка 3 (DRILL-1)" in response.text and "Строка 4 (KETTLE-1)" in response.text
    assert "Строка 5 (BOMB-1)" in response.text
    codes = sorted(r["code"] for r in await Prize.select(Prize.code))
    assert codes == ["CUP-1", "HOOD-1"]
    assert await PrizeImage.count() == 1 and len(media_files()) == before + 3


async def test_the_shelf_shows_what_each_prize_still_needs_and_filters_what_is_affordable(client):
    partner_id = await f.partner()
    await give_points(partner_id, 1000)
    await prize(points=800, name="Кружка")
    await prize(points=2500, name="Худи")
    await prize(points=100, name="Скрытый", hidden="1")
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    shelf = await client.get("/catalog/?sort=dear")
    text = shelf.text
    assert text.index("Худи") < text.index("Кружка") and "Скрытый" not in text
    assert "ещё нужно 1\u00a0500 баллов" in text
    affordable = await client.get("/catalog/?affordable=1")
    assert "Кружка" in affordable.text and "Худи" not in affordable.text
    found = await client.get("/catalog/?q=худ")
    assert "Худи" in found.text and "Кружка" not in found.text


async def test_prize_pictures_carry_their_size_so_the_page_does_not_jump(client):
    prize_id = await prize(points=100)
    await services.add_images(SYSTEM, prize_id, [f.jpeg(800, 600)])
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    shelf = await client.get("/catalog/")
    assert 'width="480" height="360"' in shelf.text


def test_descriptions_render_markdown_but_never_html_or_script_links():
    html = str(render("**Хлопок** <script>alert(1)</script> [клик](javascript:alert(1)) [сайт](https://example.com)"))
    assert "<strong>Хлопок</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and 'href="https://example.com"' in html


def _damaged_zip() -> bytes:
    """hood.jpg stored with a wrong CRC (a byte of its data flipped after writing); lamp.jpg marked encrypted."""
    picture = f.jpeg(300, 200)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("hood.jpg", picture)
        archive.writestr("lamp.jpg", picture)
    data = bytearray(buf.getvalue())
    at = data.index(picture[100:120])
    data[at] ^= 0xFF
    # the "encrypted" bit of lamp.jpg's central directory entry, the last one (zipfile clears it when writing)
    data[data.rindex(b"PK\x01\x02") + 8] |= 0x1
    return bytes(data)


async def test_a_damaged_or_encrypted_picture_in_the_zip_is_reported_on_its_line_not_a_500(client):
    table = ("code;category;name;points;stock;variants;images\n"
             "HOOD-1;Мерч;Худи;2500;;;hood.jpg\n"
             "LAMP-1;Мерч;Лампа;900;;;lamp.jpg\n"
             "CUP-1;Мерч;Кружка;300;;;\n").encode("utf-8")
    await f.login_as(client, Role.ADMIN)
    response = await f.post_form(client, "/admin/prizes/import", {}, files={
        "file": ("prizes.csv", table, "text/csv"),
        "images_zip": ("images.zip", _damaged_zip(), "application/zip")})
    assert response.status_code == 400
    assert "Строка 2 (HOOD-1)" in response.text and "Строка 3 (LAMP-1)" in response.text
    assert [r["code"] for r in await Prize.select(Prize.code)] == ["CUP-1"]
    assert await PrizeImage.count() == 0
