"""Security defaults a user never sees but always relies on."""

from __future__ import annotations

import dataclasses

from litestar.testing import AsyncTestClient

from portal.accounts.roles import Role
from portal.app import create_app
from portal.settings import get_settings
from tests import factories as f


async def test_pages_carry_strict_security_headers(client):
    response = await client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_error_pages_and_static_files_carry_them_too(client):
    assert (await client.get("/no-such-page")).headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors" in (await client.get("/static/css/app.css")).headers["content-security-policy"]


async def test_pages_have_no_inline_scripts(client):
    page = await client.get("/login")
    assert "<script>" not in page.text and "onclick=" not in page.text
    assert '<script src="/static/js/htmx.min.js?v=' in page.text  # fingerprinted: portal/web/assets.py


async def test_form_post_without_csrf_token_is_refused(client):
    user_id = await f.user(Role.MANAGER)
    await client.get("/login")
    response = await client.post("/login", data={"email": await f.email_of(user_id), "password": f.PASSWORD})
    assert response.status_code == 403
    assert "Форма устарела" in response.text


async def test_htmx_request_with_the_header_token_passes_csrf(client):
    user_id = await f.user(Role.MANAGER)
    token = await f.csrf_token(client)
    response = await client.post("/login", data={"email": await f.email_of(user_id), "password": f.PASSWORD},
                                 headers={"x-csrftoken": token, "HX-Request": "true"})
    assert response.status_code == 303


async def test_csrf_token_is_in_the_body_for_htmx(client):
    page = await client.get("/login")
    assert f'hx-headers=\'{{"x-csrftoken": "{client.cookies.get("csrftoken")}"}}\'' in page.text


async def test_unknown_host_is_refused(client):
    response = await client.get("/login", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["x-content-type-options"] == "nosniff"


def _app_serving(*hosts: str):
    settings = get_settings()
    return create_app(dataclasses.replace(settings, security=dataclasses.replace(
        settings.security, allowed_hosts=list(hosts))))


async def test_wildcard_host_names_are_served_and_their_look_alikes_refused():
    async with AsyncTestClient(app=_app_serving("*.premia.example"), base_url="http://a.premia.example") as c:
        assert (await c.get("/login")).status_code == 200
        assert (await c.get("/login", headers={"host": "premia.example.evil"})).status_code == 400


async def test_a_host_listed_with_its_port_is_served():
    async with AsyncTestClient(app=_app_serving("127.0.0.1:8123"), base_url="http://127.0.0.1:8123") as c:
        assert (await c.get("/login")).status_code == 200


async def test_upstream_litestar_still_compares_the_host_with_its_port():
    """Litestar 2.25.0 matches the Host header port included (upstream issue 4869), so a server on a port
    other than 80/443 lists "name:port" (settings' defaults, `make run`, the browser tests and the bench).
    When this fails upstream strips the port again: the ":port" entries can go."""
    async with AsyncTestClient(app=_app_serving("127.0.0.1"), base_url="http://127.0.0.1:8123") as c:
        assert (await c.get("/login")).status_code == 400


async def test_cookies_are_secure_httponly_and_lax_by_default():
    settings = get_settings()
    secure = dataclasses.replace(settings, security=dataclasses.replace(settings.security, cookie_secure=True))
    user_id = await f.user(Role.MANAGER)
    async with AsyncTestClient(app=create_app(secure), base_url="https://testserver.local") as c:
        c.follow_redirects = False
        first = await c.get("/login")
        csrf_cookie = first.headers["set-cookie"]
        assert "Secure" in csrf_cookie and "HttpOnly" in csrf_cookie and "SameSite=lax" in csrf_cookie
        response = await f.post_form(c, "/login", {"email": await f.email_of(user_id), "password": f.PASSWORD})
        session_cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith("__Host-premia_session=")][0]
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie


async def test_sessions_live_in_a_store_another_app_instance_reads(app, client):
    """A second app instance (another worker) accepts the session the first one created."""
    user_id = await f.user(Role.MANAGER)
    await f.login(client, await f.email_of(user_id))
    async with AsyncTestClient(app=create_app(), base_url="http://testserver.local") as other_worker:
        other_worker.follow_redirects = False
        other_worker.cookies.set("premia_session", client.cookies.get("premia_session"), domain="testserver.local")
        assert (await other_worker.get("/dashboard")).status_code == 200
