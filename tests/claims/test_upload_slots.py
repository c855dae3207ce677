"""Photos sent ahead of the claim form (upload slots): sent once, kept when the form is refused, attached only by
their owner, and cleaned up when left unused."""

from __future__ import annotations

import datetime as dt
import re

import anyio
import pytest

from portal.accounts.roles import Role
from portal.claims import services, uploads
from portal.claims.tables import Claim, ClaimPhoto, ClaimUpload
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.settings import get_settings
from tests import factories as f


def _files_in_media() -> set[str]:
    root = services.media_root()
    return {p.name for p in root.glob("*")} if root.exists() else set()


async def _send_ahead(client, content: bytes, name: str = "photo.jpg"):
    return await f.post_form(client, "/claims/uploads", files={"photos": (name, content, "image/jpeg")})


def _kept_ids(page: str) -> list[int]:
    return [int(v) for v in re.findall(r'name="upload" value="([1-9]\d*)"', page)]


async def test_a_photo_sent_ahead_becomes_the_claims_photo_without_being_sent_again(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    sent = await _send_ahead(client, f.jpeg(640, 480))
    assert sent.status_code == 201
    slot = sent.json()["id"]
    thumb = await client.get(sent.json()["thumb"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    files_after_upload = _files_in_media()
    response = await f.post_form(client, "/claims/new", f.claim_form(product_id) | {"upload": str(slot)})
    assert response.status_code == 303
    photo = await ClaimPhoto.select().first()
    assert (photo["width"], photo["height"]) == (640, 480)
    assert {photo["display_name"], photo["thumb_name"]} <= files_after_upload  # the slot's files, not new ones
    assert _files_in_media() == files_after_upload
    assert await ClaimUpload.count() == 0


async def test_a_serial_typo_keeps_the_photo_sent_with_the_form_and_the_fix_sends_no_file(client):
    """Without JavaScript the full file goes up with the form; a refused form keeps it as a slot."""
    product_id = await f.product(serial_pattern=r"[A-Z]{2}\d{6}")
    await f.login_as(client, Role.PARTNER_STAFF)
    form = f.claim_form(product_id, serials="AB12345")  # one digit short
    refused = await f.post_form(client, "/claims/new", form, files={"photos": ("p.jpg", f.jpeg(seed=5), "image/jpeg")})
    assert refused.status_code == 400
    assert "не соответствует формату" in refused.text
    kept = _kept_ids(refused.text)
    assert len(kept) == 1 and await ClaimUpload.count() == 1
    assert f"/claims/uploads/{kept[0]}/thumb" in refused.text
    fixed = await f.post_form(client, "/claims/new", form | {"serials": "AB123456", "upload": str(kept[0])})
    assert fixed.status_code == 303
    assert await ClaimPhoto.count() == 1 and await ClaimUpload.count() == 0


async def test_a_refused_form_keeps_the_slots_it_carried(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    slot = (await _send_ahead(client, f.jpeg())).json()["id"]
    refused = await f.post_form(client, "/claims/new", f.claim_form(product_id, amount="") | {"upload": str(slot)})
    assert refused.status_code == 400
    assert _kept_ids(refused.text) == [slot]


async def test_someone_elses_slot_is_refused_and_nothing_is_written(client, another_client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    theirs = (await _send_ahead(client, f.jpeg())).json()["id"]
    await f.login_as(another_client, Role.PARTNER_STAFF)
    assert (await another_client.get(f"/claims/uploads/{theirs}/thumb")).status_code == 404
    response = await f.post_form(another_client, "/claims/new", f.claim_form(product_id) | {"upload": str(theirs)})
    assert response.status_code == 400
    assert "больше не хранится" in response.text
    assert await Claim.count() == 0 and await ClaimUpload.count() == 1


async def test_a_retry_of_the_same_form_answers_with_the_first_claim():
    product_id = await f.product()
    dealer = await f.dealer()
    (slot,) = await uploads.store(dealer, [f.jpeg()])
    form = f.claim_form(product_id) | {"upload": [str(slot)]}
    first = await services.submit(dealer, form, [])
    again = await services.submit(dealer, form, [])
    assert (again.claim_id, again.created) == (first.claim_id, False)
    assert await ClaimPhoto.count() == 1


async def test_two_forms_racing_for_one_slot_attach_it_once():
    product_id = await f.product()
    dealer = await f.dealer()
    (slot,) = await uploads.store(dealer, [f.jpeg()])
    outcomes: list[object] = []

    async def send() -> None:
        try:
            outcomes.append(await services.submit(dealer, f.claim_form(product_id) | {"upload": [str(slot)]}, []))
        except ValidationFailed as exc:
            outcomes.append(exc)

    async with anyio.create_task_group() as tg:
        tg.start_soon(send)
        tg.start_soon(send)
    assert sorted(type(o).__name__ for o in outcomes) == ["FormRefused", "Submitted"]
    assert await Claim.count() == 1 and await ClaimPhoto.count() == 1


async def test_an_expired_slot_is_not_attached_and_the_scheduler_deletes_it_with_its_files():
    product_id = await f.product()
    dealer = await f.dealer()
    before = _files_in_media()
    (old,) = await uploads.store(dealer, [f.jpeg(seed=1)])
    (fresh,) = await uploads.store(dealer, [f.jpeg(seed=2)])
    kept_for = get_settings().app.upload_slot_hours
    await ClaimUpload.update({ClaimUpload.created_at: utcnow() - dt.timedelta(hours=kept_for + 1)}).where(
        ClaimUpload.id == old)
    with pytest.raises(ValidationFailed) as refused:
        await services.submit(dealer, f.claim_form(product_id) | {"upload": [str(old)]}, [])
    assert "больше не хранится" in refused.value.errors["photos"]
    from scheduler import jobs

    summary = await jobs.upload_cleanup(utcnow())
    assert '"n": 1' in summary
    assert [r["id"] for r in await ClaimUpload.select(ClaimUpload.id)] == [fresh]
    assert len(_files_in_media() - before) == 2  # the fresh slot's display and thumbnail only


async def test_sending_ahead_refuses_what_the_form_would_refuse(client):
    await f.login_as(client, Role.PARTNER_STAFF)
    fake = await _send_ahead(client, b"<html><script>alert(1)</script></html>", "invoice.jpg")
    assert fake.status_code == 400 and "не похож на фото" in fake.json()["error"]
    empty = await _send_ahead(client, b"", "IMG_0001.jpg")
    assert empty.status_code == 400 and "пустой" in empty.json()["error"]
    assert await ClaimUpload.count() == 0


async def test_editing_a_claim_attaches_photos_sent_ahead():
    product_id = await f.product()
    dealer = await f.dealer()
    claim_id = await f.claim(dealer, product_id)
    (slot,) = await uploads.store(dealer, [f.jpeg(seed=9)])
    await services.edit(dealer, claim_id, f.claim_form(product_id, comment="добавил фото") | {"upload": [str(slot)]},
                        [])
    assert await ClaimPhoto.count().where(ClaimPhoto.claim == claim_id) == 1
    assert await ClaimUpload.count() == 0
