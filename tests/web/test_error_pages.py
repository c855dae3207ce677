"""Error pages speak the user's language and keep the navigation, whether the path exists or not."""

from __future__ import annotations

import pytest

from portal.accounts.roles import Role
from tests import factories as f


@pytest.mark.parametrize("path", ["/no-such-page", "/claims/999999", "/admin/users"])
async def test_an_error_page_keeps_the_language_and_the_menu(client, path):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_ADMIN, partner_id)
    client.cookies.set("premia_lang", "en")
    response = await client.get(path)
    assert response.status_code in (403, 404)
    assert '<html lang="en">' in response.text
    assert "Not found" in response.text or "No access" in response.text
    assert 'href="/claims/new"' in response.text  # the dealer's menu is there
    assert "Log out" in response.text


async def test_an_unknown_page_is_in_russian_by_default_and_offers_sign_in_to_a_stranger(client):
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.text
    assert "Не найдено" in response.text
    assert 'href="/login"' in response.text


async def test_an_unknown_page_follows_the_browser_language_of_a_stranger(client):
    response = await client.get("/no-such-page", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "Not found" in response.text
