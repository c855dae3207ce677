"""Password rules, changing one's password, and sessions that end when left idle."""

from __future__ import annotations

import time

import pytest

from portal.accounts import passwords
from portal.accounts.roles import Role
from portal.accounts.tables import User, UserSession
from portal.audit.tables import AuditEntry
from portal.demo import DEMO_PASSWORD
from tests import factories as f
from tests.accounts.test_joining import registration


@pytest.mark.parametrize("common", ["password123", "qwertyuiop", "1234567890", "iloveyou12", "Passw0rd!!",
                                    "qwerty12345"])
def test_common_passwords_are_refused(common):
    assert passwords.is_easy_to_guess(common)


@pytest.mark.parametrize("good", [DEMO_PASSWORD, f.PASSWORD, "long-enough-1", "лодка-окно-сорок"])
def test_the_demo_and_everyday_passphrases_are_accepted(good):
    assert not passwords.is_easy_to_guess(good)


async def test_registration_refuses_a_short_or_common_password_with_a_russian_message(client):
    short = await f.post_form(client, "/register/", registration(password="abc-12345", password_confirm="abc-12345"))
    assert short.status_code == 400 and "Пароль должен быть не короче 10 символов." in short.text
    common = await f.post_form(client, "/register/", registration(password="password123",
                                                                  password_confirm="password123"))
    assert common.status_code == 400 and "слишком распространён" in common.text
    own_name = await f.post_form(client, "/register/", registration(password="petr@example.com",
                                                                    password_confirm="petr@example.com"))
    assert own_name.status_code == 400 and "слишком распространён" in own_name.text
    assert await User.count() == 0


async def _change(client, current: str, new: str, confirm: str | None = None):
    return await f.post_form(client, "/account/password", {"current_password": current, "password": new,
                                                           "password_confirm": new if confirm is None else confirm})


async def test_every_user_changes_their_password_and_other_sessions_end(client, another_client):
    user_id = await f.user(Role.PARTNER_STAFF)
    email = await f.email_of(user_id)
    await f.login(client, email)
    await f.login(another_client, email)  # the same person on another device (or a thief)
    page = await client.get("/account/password")
    assert page.status_code == 200 and "Сменить пароль" in page.text
    old_session = client.cookies.get("premia_session")
    done = await _change(client, f.PASSWORD, "river-stone-lantern-9")
    assert done.status_code == 303
    assert client.cookies.get("premia_session") != old_session  # the token rotates
    assert (await client.get("/dashboard")).status_code == 200  # this browser stays signed in
    assert (await another_client.get("/dashboard")).status_code == 303  # the other one is out
    assert await UserSession.count().where(UserSession.user == user_id) == 1
    assert await AuditEntry.exists().where(AuditEntry.action == "user.password_changed")
    await f.post_form(client, "/logout")
    refused = await f.post_form(client, "/login", {"email": email, "password": f.PASSWORD})
    assert refused.status_code == 400
    await f.login(client, email, "river-stone-lantern-9")


async def test_password_change_needs_the_current_password_and_a_good_new_one(client):
    await f.login_as(client, Role.MANAGER)
    wrong = await _change(client, "not-my-password", "river-stone-lantern-9")
    assert wrong.status_code == 400 and "Текущий пароль указан неверно." in wrong.text
    weak = await _change(client, f.PASSWORD, "qwertyuiop")
    assert weak.status_code == 400 and "слишком распространён" in weak.text
    mismatch = await _change(client, f.PASSWORD, "river-stone-lantern-9", "river-stone-lantern-8")
    assert mismatch.status_code == 400 and "Пароли не совпадают." in mismatch.text


async def test_guessing_the_current_password_through_a_stolen_session_is_limited(client):
    await f.login_as(client, Role.ADMIN)
    codes = [(await _change(client, f"guess-{n}-xyz", "river-stone-lantern-9")).status_code for n in range(7)]
    assert codes[-1] == 429
    assert (await _change(client, f.PASSWORD, "river-stone-lantern-9")).status_code == 429


async def test_a_session_left_idle_ends(client):
    user_id = await f.user(Role.MANAGER)
    await f.login(client, await f.email_of(user_id))
    assert (await client.get("/dashboard")).status_code == 200
    from portal.settings import get_settings

    idle = get_settings().security.session_idle
    await UserSession.update({UserSession.last_seen_epoch: int(time.time()) - idle - 5}).where(
        UserSession.user == user_id)
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_last_use_is_written_at_most_once_a_minute(client):
    user_id = await f.user(Role.MANAGER)
    await f.login(client, await f.email_of(user_id))
    a_while_ago = int(time.time()) - 30
    await UserSession.update({UserSession.last_seen_epoch: a_while_ago}).where(UserSession.user == user_id)
    await client.get("/dashboard")
    row = await UserSession.select(UserSession.last_seen_epoch).where(UserSession.user == user_id).first()
    assert row["last_seen_epoch"] == a_while_ago  # under a minute: no write
    await UserSession.update({UserSession.last_seen_epoch: a_while_ago - 60}).where(UserSession.user == user_id)
    await client.get("/dashboard")
    row = await UserSession.select(UserSession.last_seen_epoch).where(UserSession.user == user_id).first()
    assert row["last_seen_epoch"] >= int(time.time()) - 5  # older than a minute: brought up to date
