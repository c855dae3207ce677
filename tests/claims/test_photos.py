"""Photos go through Pillow: checked by content, re-encoded, stripped, and served only to who may see them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.accounts.roles import Role
from portal.claims import services
from portal.claims.tables import Claim, ClaimFlag, ClaimPhoto
from portal.errors import ValidationFailed
from tests import factories as f


def _files_in_media() -> set[str]:
    root = services.media_root()
    return {p.name for p in root.glob("*")} if root.exists() else set()


async def _upload(client, product_id, content: bytes, name: str = "photo.jpg", **overrides):
    data = f.claim_form(product_id, **overrides)
    return await f.post_form(client, "/claims/new", data, files={"photos": (name, content, "image/jpeg")})


async def test_photo_is_turned_upright_and_loses_its_exif_and_gps(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    # 60×40 landscape pixels, tagged "rotate 90° clockwise to view" (orientation 6): upright it is 40×60.
    response = await _upload(client, product_id, f.jpeg(60, 40, orientation=6))
    assert response.status_code == 303
    photo = await ClaimPhoto.select().first()
    stored = Image.open(services.media_root() / photo["display_name"])
    assert stored.size == (40, 60)
    assert not stored.getexif()  # no orientation, no GPS, nothing
    assert (photo["width"], photo["height"]) == (40, 60)


async def test_a_decompression_bomb_is_refused_before_decoding_and_the_form_is_kept(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    before = _files_in_media()
    response = await _upload(client, product_id, f.png_bomb(), name="bomb.png", comment="не потеряйте меня")
    assert response.status_code == 400
    assert "Изображение слишком большое" in response.text
    assert "не потеряйте меня" in response.text
    assert await Claim.count() == 0 and _files_in_media() == before


async def test_an_html_file_renamed_jpg_is_refused(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    response = await _upload(client, product_id, b"<html><script>alert(1)</script></html>", name="invoice.jpg")
    assert response.status_code == 400
    assert "Этот файл не похож на фото" in response.text
    assert await Claim.count() == 0


async def test_a_script_tail_after_a_png_does_not_survive_re_encoding(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    response = await _upload(client, product_id, f.png(tail=b"<script>alert(1)</script>"), name="x.png")
    assert response.status_code == 303
    photo = await ClaimPhoto.select().first()
    for name in (photo["display_name"], photo["thumb_name"]):
        data = (services.media_root() / name).read_bytes()
        assert b"<script>" not in data
        assert data.endswith(b"\xff\xd9")  # a JPEG we wrote, ending at its end marker


async def test_one_byte_over_the_cap_gets_a_413_and_keeps_the_form(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    cap = services.max_upload_bytes()
    oversize = f.jpeg() + b"\0" * (cap + 1 - len(f.jpeg()))
    assert len(oversize) == cap + 1
    response = await _upload(client, product_id, oversize, amount="12 345,00")
    assert response.status_code == 413
    assert "Фото больше 15 МБ." in response.text
    assert "12 345,00" in response.text
    assert await Claim.count() == 0


async def test_the_same_photo_on_another_claim_is_flagged_not_refused():
    product_id = await f.product()
    photo = f.jpeg(seed=3)
    first = await f.claim(await f.dealer(), product_id, photos=[photo])
    # Re-saved at another quality: different bytes, same picture.
    resaved = io.BytesIO()
    Image.open(io.BytesIO(photo)).save(resaved, "JPEG", quality=60)
    second = await f.claim(await f.dealer(), product_id, photos=[resaved.getvalue()])
    kinds = {(row["claim"], row["kind"]) for row in await ClaimFlag.select(ClaimFlag.claim, ClaimFlag.kind)}
    assert kinds == {(first, "duplicate_photo"), (second, "duplicate_photo")}
    assert await Claim.count() == 2


async def test_photos_are_served_to_the_owner_and_managers_only(client, another_client):
    product_id = await f.product()
    partner_id = await f.partner()
    await f.claim(await f.dealer(partner_id), product_id, photos=[f.jpeg()])
    photo_id = (await ClaimPhoto.select(ClaimPhoto.id).first())["id"]
    await f.login_as(client, Role.PARTNER_ADMIN, partner_id)
    own = await client.get(f"/media/claims/{photo_id}/display")
    assert own.status_code == 200 and own.headers["content-type"] == "image/jpeg"
    assert own.headers["x-content-type-options"] == "nosniff"
    await f.login_as(another_client, Role.PARTNER_ADMIN)
    assert (await another_client.get(f"/media/claims/{photo_id}/display")).status_code == 404
    manager = await f.user(Role.MANAGER)
    await f.post_form(another_client, "/logout")
    await f.login(another_client, await f.email_of(manager))
    assert (await another_client.get(f"/media/claims/{photo_id}/thumb")).status_code == 200


def _huge_flat_png(width: int = 6000, height: int = 6000) -> bytes:
    """36 megapixels of one colour: a few kB to send, a second of a worker's time to decode."""
    buf = io.BytesIO()
    Image.new("1", (width, height), 1).save(buf, "PNG")
    return buf.getvalue()


async def test_a_few_small_high_pixel_pngs_are_refused_before_any_is_decoded(client, monkeypatch):
    from portal.media import images

    def must_not_decode(*args, **kwargs):
        raise AssertionError("a picture was decoded")

    monkeypatch.setattr(images, "process", must_not_decode)
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    png = _huge_flat_png()
    assert len(png) < 100_000
    files = [("photos", (f"p{n}.png", png, "image/png")) for n in range(3)]  # 108 MP together, 36 MP each
    response = await f.post_form(client, "/claims/new", f.claim_form(product_id, comment="не потеряйте меня"),
                                 files=files)
    assert response.status_code == 400
    assert "не более 100 мегапикселей" in response.text and "не потеряйте меня" in response.text
    assert await Claim.count() == 0


async def test_a_claim_takes_at_most_ten_photos_counting_those_it_has():
    product_id = await f.product()
    dealer, manager = await f.dealer(), await f.company()
    photos = [f.jpeg(40 + n, 30) for n in range(11)]
    before = _files_in_media()
    with pytest.raises(ValidationFailed) as refused:
        await services.submit(dealer, f.claim_form(product_id), photos)
    assert "не более 10 фото" in refused.value.errors["photos"]
    assert await Claim.count() == 0 and _files_in_media() == before
    claim_id = (await services.submit(dealer, f.claim_form(product_id), photos[:10])).claim_id
    await services.decide(manager, claim_id, "needs_info", text="Нужен чек")
    with pytest.raises(ValidationFailed) as refused:
        await services.resubmit(dealer, claim_id, "вот чек", [photos[10]])
    assert "не более 10 фото" in refused.value.errors["photos"]
    assert await ClaimPhoto.count().where(ClaimPhoto.claim == claim_id) == 10
