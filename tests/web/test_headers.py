"""HTTP headers a browser and the proxies in between act on: HSTS, no-store for private answers, compression."""

from __future__ import annotations

import dataclasses
import os

from click.testing import CliRunner
from litestar import Litestar, MediaType, Response, get
from litestar.testing import AsyncTestClient

from portal.accounts.roles import Role
from portal.app import create_app
from portal.audit.services import SYSTEM
from portal.periods.close import close_period
from portal.periods.tables import Act
from portal.settings import get_settings
from portal.web.compression import compression_config
from tests import factories as f
from tests.periods.world import finished_period

BR_OR_GZIP = {"accept-encoding": "br, gzip"}


def _no_store(response) -> bool:
    return response.headers.get("cache-control") == "no-store"


async def test_https_sites_tell_browsers_to_stay_on_https():
    settings = get_settings()
    secure = dataclasses.replace(settings, security=dataclasses.replace(settings.security, cookie_secure=True))
    async with AsyncTestClient(app=create_app(secure), base_url="https://testserver.local") as c:
        for path in ("/login", "/static/css/app.css", "/no-such-page"):
            assert (await c.get(path)).headers["strict-transport-security"] == "max-age=31536000"


async def test_plain_http_sites_send_no_hsts(client):
    """A local `make run` over http must not pin the browser to https for a year."""
    assert "strict-transport-security" not in (await client.get("/login")).headers


async def test_a_signed_in_users_pages_are_never_stored(client):
    await f.login_as(client, Role.PARTNER_STAFF)
    for path in ("/dashboard", "/claims/", "/points", "/no-such-claim-page/1"):
        response = await client.get(path)
        assert _no_store(response), (path, response.headers.get("cache-control"))


async def test_exports_are_never_stored(client):
    await f.login_as(client, Role.PARTNER_STAFF)
    export = await client.get("/points/export.csv")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert _no_store(export)


async def test_acts_are_never_stored_nor_compressed_again(client):
    world = await finished_period(partners=1)
    await close_period(world.span.code, SYSTEM)
    act = await Act.select().where(Act.partner == world.partners[0]).first()
    await f.login_as(client, Role.PARTNER_STAFF, world.partners[0])
    pdf = await client.get(f"/acts/{act['id']}", headers=BR_OR_GZIP)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _no_store(pdf)
    assert "content-encoding" not in pdf.headers  # a PDF is compressed already
    await f.login_as(client, Role.FINANCE)
    archive = await client.get(f"/finance/periods/{world.span.code}/acts.zip", headers=BR_OR_GZIP)
    assert archive.content[:2] == b"PK" and _no_store(archive) and "content-encoding" not in archive.headers


async def test_the_logout_answer_is_never_stored(client):
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, "/logout")
    assert response.status_code == 303 and _no_store(response)


async def test_public_static_files_keep_their_caching(client):
    await f.login_as(client, Role.PARTNER_STAFF)
    css = await client.get("/static/css/app.css")
    assert css.status_code == 200 and "cache-control" not in css.headers


async def test_pages_are_compressed_with_brotli_or_gzip(client):
    page = await client.get("/login", headers=BR_OR_GZIP)
    assert page.headers["content-encoding"] == "br" and "Accept-Encoding" in page.headers["vary"]
    assert "<form" in page.text  # httpx decodes it
    page = await client.get("/login", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip" and "<form" in page.text
    plain = await client.get("/login", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and "<form" in plain.text


async def test_compression_can_be_left_to_the_reverse_proxy():
    settings = get_settings()
    off = dataclasses.replace(settings, app=dataclasses.replace(settings.app, compression=False))
    async with AsyncTestClient(app=create_app(off), base_url="http://testserver.local") as c:
        assert "content-encoding" not in (await c.get("/login", headers=BR_OR_GZIP)).headers


async def test_only_text_is_compressed():
    """Litestar 2.25.0 compresses any body; portal.web.compression passes images, PDFs and archives through."""
    noise = os.urandom(4096)

    @get("/photo.jpg", media_type="image/jpeg")
    async def photo() -> Response:
        return Response(noise, media_type="image/jpeg")

    @get("/page", media_type=MediaType.HTML)
    async def page() -> str:
        return "<p>Премия</p>" * 400

    @get("/data.csv")
    async def data() -> Response:
        return Response("claim;serial\n" * 400, media_type="text/csv; charset=utf-8")

    app = Litestar([photo, page, data], compression_config=compression_config())
    async with AsyncTestClient(app=app) as c:
        image = await c.get("/photo.jpg", headers=BR_OR_GZIP)
        assert "content-encoding" not in image.headers and image.content == noise
        assert (await c.get("/page", headers=BR_OR_GZIP)).headers["content-encoding"] == "br"
        assert (await c.get("/data.csv", headers={"accept-encoding": "gzip"})).headers["content-encoding"] == "gzip"


def test_premia_serve_sends_no_server_banner(monkeypatch):
    import uvicorn

    from portal.cli import main

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(main, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen["server_header"] is False


async def test_a_boosted_page_names_its_own_address_so_a_redirected_form_does_not_leave_the_post_url(client):
    """htmx follows a form's 303 inside its request; the page it lands on tells it the address to show."""
    response = await client.get("/login?next=/points", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 200 and response.headers["hx-push-url"] == "/login?next=/points"
    plain = await client.get("/login")
    assert "hx-push-url" not in plain.headers
