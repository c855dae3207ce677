"""Media storage: a photo uploaded through one host is served by every host (S3-compatible store), and a
missing file is a 404, never a 500."""

from __future__ import annotations

import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

from portal.accounts.roles import Role
from portal.claims import services as claims
from portal.claims.tables import ClaimPhoto
from portal.media.storage import MediaMissing, S3Storage, using
from portal.settings import MediaSettings
from tests import factories as f

BUCKET = "premia-media"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3-compatible HTTP server on loopback (moto's server speaks S3's REST wire protocol)."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _settings(endpoint: str) -> MediaSettings:
    return MediaSettings(backend="s3", s3_endpoint=endpoint, s3_bucket=BUCKET, s3_access_key="premia",
                         s3_secret_key="premia-secret", s3_region="us-east-1", s3_prefix="media/")


@pytest.fixture
def s3(s3_endpoint):
    raw = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="premia",
                       aws_secret_access_key="premia-secret", region_name="us-east-1")
    raw.create_bucket(Bucket=BUCKET)
    store = S3Storage(_settings(s3_endpoint))
    with using(store):
        yield raw
    for obj in raw.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        raw.delete_object(Bucket=BUCKET, Key=obj["Key"])
    raw.delete_bucket(Bucket=BUCKET)


async def _submit_with_photo(client) -> dict:
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    data = f.claim_form(product_id)
    response = await f.post_form(client, "/claims/new", data,
                                 files={"photos": ("photo.jpg", f.jpeg(60, 40), "image/jpeg")})
    assert response.status_code == 303
    return await ClaimPhoto.select().first()


async def test_a_photo_lands_in_the_shared_store_and_any_host_serves_it(client, s3, s3_endpoint):
    local_before = set(claims.media_root().glob("*")) if claims.media_root().exists() else set()
    photo = await _submit_with_photo(client)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {f"media/claims/{photo['display_name']}", f"media/claims/{photo['thumb_name']}"}
    # nothing of it on this host's disk: another host could not have served it from there
    assert (set(claims.media_root().glob("*")) if claims.media_root().exists() else set()) == local_before

    # another host: its own client of the same store reads the same bytes the route serves
    other_host = S3Storage(_settings(s3_endpoint))
    stored = other_host.get(f"claims/{photo['display_name']}").data
    served = await client.get(f"/media/claims/{photo['id']}/display")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.content == stored and stored.startswith(b"\xff\xd8")


async def test_a_photo_missing_from_the_store_is_a_404(client, s3):
    photo = await _submit_with_photo(client)
    s3.delete_object(Bucket=BUCKET, Key=f"media/claims/{photo['thumb_name']}")
    assert (await client.get(f"/media/claims/{photo['id']}/thumb")).status_code == 404
    assert (await client.get(f"/media/claims/{photo['id']}/display")).status_code == 200


async def test_a_photo_missing_from_the_local_disk_is_a_404(client):
    photo = await _submit_with_photo(client)
    (claims.media_root() / photo["display_name"]).unlink()
    assert (await client.get(f"/media/claims/{photo['id']}/display")).status_code == 404


def test_keys_cannot_climb_out_of_the_store(tmp_path):
    from portal.media.storage import LocalStorage

    store = LocalStorage(tmp_path / "media")
    (tmp_path / "secret").write_bytes(b"x")
    for key in ("../secret", "claims/../../secret", "/etc/passwd", "claims//x", ""):
        with pytest.raises(MediaMissing):
            store.get(key)


async def test_a_photo_sent_ahead_lives_in_the_shared_store_until_the_cleanup_deletes_it(client, s3):
    import datetime as dt

    from portal.claims.tables import ClaimUpload
    from portal.db import utcnow
    from scheduler import jobs

    await f.login_as(client, Role.PARTNER_STAFF)
    sent = await f.post_form(client, "/claims/uploads", files={"photos": ("p.jpg", f.jpeg(60, 40), "image/jpeg")})
    assert sent.status_code == 201
    assert (await client.get(sent.json()["thumb"])).status_code == 200  # served from the bucket
    slot = await ClaimUpload.select().first()
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert {f"media/claims/{slot['display_name']}", f"media/claims/{slot['thumb_name']}"} <= keys
    from portal.settings import get_settings

    kept_for = dt.timedelta(hours=get_settings().app.upload_slot_hours + 1)
    await ClaimUpload.update({ClaimUpload.created_at: utcnow() - kept_for}).where(ClaimUpload.id == slot["id"])
    await jobs.upload_cleanup(utcnow())
    assert not s3.list_objects_v2(Bucket=BUCKET).get("Contents")
