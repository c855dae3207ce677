"""Cookie names and the CSRF token across a login."""

from __future__ import annotations

import dataclasses

from litestar.testing import AsyncTestClient

from portal.accounts.roles import Role
from portal.app import create_app
from portal.settings import get_settings
from tests import factories as f


def _names(response) -> set[str]:
    return {h.split("=", 1)[0] for h in response.headers.get_list("set-cookie")}


async def test_secure_cookies_carry_the_host_prefix():
    settings = get_settings()
    secure = dataclasses.replace(settings, security=dataclasses.replace(settings.security, cookie_secure=True))
    email = await f.email_of(await f.user(Role.MANAGER))
    async with AsyncTestClient(app=create_app(secure), base_url="https://testserver.local") as c:
        c.follow_redirects = False
        assert _names(await c.get("/login")) == {"__Host-csrftoken"}
        response = await f.login(c, email)
        assert {"__Host-premia_session", "__Host-csrftoken", "__Host-premia_device"} <= _names(response)
        for header in response.headers.get_list("set-cookie"):
            assert "Secure" in header and "Path=/" in header and "Domain" not in header
        assert (await c.get("/dashboard")).status_code == 200  # the middleware reads the prefixed name
        logout = await f.post_form(c, "/logout")
        assert "__Host-premia_session" in _names(logout)
        assert (await c.get("/dashboard")).status_code == 303


async def test_plain_http_cookies_keep_their_plain_names(client):
    assert _names(await client.get("/login")) == {"csrftoken"}
    response = await f.login(client, await f.email_of(await f.user(Role.MANAGER)))
    assert {"premia_session", "csrftoken", "premia_device"} <= _names(response)


async def test_a_csrf_token_learnt_before_login_is_not_accepted_after_it(client):
    email = await f.email_of(await f.user(Role.MANAGER))
    before = await f.csrf_token(client)
    await f.login(client, email)
    after = client.cookies.get("csrftoken")
    assert after and after != before
    stale = await client.post("/lang", data={"lang": "en", "back": "/dashboard"}, headers={"x-csrftoken": before})
    assert stale.status_code == 403
    fresh = await client.post("/lang", data={"lang": "en", "back": "/dashboard"}, headers={"x-csrftoken": after})
    assert fresh.status_code == 303

