"""Logging in and out, sessions, rehashing and the login throttle."""

from __future__ import annotations

from argon2 import PasswordHasher

from portal.accounts import passwords
from portal.accounts.roles import PartnerStatus, Role
from portal.accounts.tables import User
from tests import factories as f


async def test_dealer_logs_in_and_sees_their_company(client):
    partner_id = await f.partner(legal_name="ООО «Тепломаркет»")
    user_id = await f.user(Role.PARTNER_ADMIN, partner_id)
    await f.login(client, await f.email_of(user_id))
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "ООО «Тепломаркет»" in page.text


async def test_wrong_password_rerenders_the_form_with_a_russian_message(client):
    user_id = await f.user(Role.MANAGER)
    response = await f.post_form(client, "/login", {"email": await f.email_of(user_id), "password": "nope-nope"})
    assert response.status_code == 400
    assert "Неверный email или пароль." in response.text
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = await f.post_form(client, "/login", {"email": "nobody@example.com", "password": "whatever-1"})
    assert response.status_code == 400
    assert "Неверный email или пароль." in response.text


async def test_session_id_changes_at_login(client):
    await client.get("/login")
    client.cookies.set("premia_session", "attacker-chosen-session-id", domain="testserver.local")
    user_id = await f.user(Role.MANAGER)
    response = await f.login(client, await f.email_of(user_id))
    new_id = response.cookies.get("premia_session")
    assert new_id and new_id != "attacker-chosen-session-id"


async def test_logout_ends_the_session_on_the_server(client):
    user_id = await f.user(Role.MANAGER)
    await f.login(client, await f.email_of(user_id))
    stolen = client.cookies.get("premia_session")
    await f.post_form(client, "/logout")
    client.cookies.set("premia_session", stolen, domain="testserver.local")
    response = await client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_anonymous_visitor_gets_no_session_cookie(client):
    response = await client.get("/login")
    assert "premia_session" not in response.cookies


async def test_login_redirects_back_to_the_page_asked_for_but_never_off_site(client):
    user_id = await f.user(Role.ADMIN)
    email = await f.email_of(user_id)
    response = await f.post_form(client, "/login", {"email": email, "password": f.PASSWORD, "next": "/admin/users"})
    assert response.headers["location"] == "/admin/users"
    await f.post_form(client, "/logout")
    response = await f.post_form(client, "/login",
                                 {"email": email, "password": f.PASSWORD, "next": "https://evil.example/"})
    assert response.headers["location"] == "/dashboard"


async def test_pending_partner_cannot_log_in_until_approved(client):
    partner_id = await f.partner(status=PartnerStatus.PENDING.value)
    user_id = await f.user(Role.PARTNER_ADMIN, partner_id)
    response = await f.post_form(client, "/login", {"email": await f.email_of(user_id), "password": f.PASSWORD})
    assert response.status_code == 403
    assert "ждёт одобрения менеджера" in response.text


async def test_deactivated_user_is_signed_out_at_the_next_request(client, another_client):
    user_id = await f.user(Role.MANAGER)
    await f.login(client, await f.email_of(user_id))
    await f.login_as(another_client, Role.ADMIN)
    await f.post_form(another_client, f"/admin/users/{user_id}/deactivate")
    response = await client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303


async def test_old_password_hash_is_upgraded_at_login(client):
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    user_id = await f.user(Role.FINANCE)
    await User.update({User.password_hash: weak.hash(f.PASSWORD)}).where(User.id == user_id)
    await f.login(client, await f.email_of(user_id))
    stored = (await User.select(User.password_hash).where(User.id == user_id).first())["password_hash"]
    assert "m=512" not in stored
    assert (await passwords.verify_password(stored, f.PASSWORD))[0]


async def test_login_is_throttled_per_account(client):
    user_id = await f.user(Role.MANAGER)
    email = await f.email_of(user_id)
    for _ in range(5):
        response = await f.post_form(client, "/login", {"email": email, "password": "wrong-password"})
        assert response.status_code == 400
    blocked = await f.post_form(client, "/login", {"email": email, "password": f.PASSWORD})
    assert blocked.status_code == 429
    assert "Слишком много неудачных попыток" in blocked.text


async def test_login_throttle_is_shared_between_workers(app, client, another_client):
    """Two clients stand in for two workers: the counter lives in the database, not in a process."""
    user_id = await f.user(Role.MANAGER)
    email = await f.email_of(user_id)
    for c in (client, another_client, client, another_client, client):
        await f.post_form(c, "/login", {"email": email, "password": "wrong-password"})
    blocked = await f.post_form(another_client, "/login", {"email": email, "password": f.PASSWORD})
    assert blocked.status_code == 429


async def test_english_is_available(client):
    await f.post_form(client, "/lang", {"lang": "en", "back": "/login"})
    page = await client.get("/login")
    assert "Sign in to Premia" in page.text
    assert '<html lang="en">' in page.text


async def test_expired_session_no_longer_signs_in(client):
    from portal.accounts.tables import UserSession

    user_id = await f.user(Role.MANAGER)
    await f.login(client, await f.email_of(user_id))
    await UserSession.update({UserSession.expires_epoch: 0}).where(UserSession.user == user_id)
    assert (await client.get("/dashboard")).status_code == 303


async def test_sessions_store_only_a_hash_of_the_cookie(client):
    from portal.accounts.tables import UserSession

    user_id = await f.user(Role.MANAGER)
    await f.login(client, await f.email_of(user_id))
    stored = await UserSession.select(UserSession.key_hash).where(UserSession.user == user_id)
    assert len(stored) == 1 and stored[0]["key_hash"] != client.cookies.get("premia_session")
