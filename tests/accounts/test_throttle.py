"""The login throttle: attempts reserved before the password is checked, and nobody locks out a known device."""

from __future__ import annotations

import asyncio
import threading

import pytest

from portal.accounts import passwords, services
from portal.accounts.roles import Role
from portal.errors import TooManyAttempts
from portal.settings import get_settings
from tests import factories as f


@pytest.fixture
def verifications(monkeypatch):
    """Counts the argon2 verifications actually run (the costly step the throttle must ration)."""
    count = [0]
    lock = threading.Lock()
    real = passwords._verify

    def counting(stored, password):
        with lock:
            count[0] += 1
        return real(stored, password)

    monkeypatch.setattr(passwords, "_verify", counting)
    return count


async def _attempt(email: str, password: str, ip: str, device: str = "") -> str:
    try:
        await services.authenticate(email, password, ip, device)
    except TooManyAttempts:
        return "throttled"
    except services.LoginFailed:
        return "wrong"
    return "ok"


async def test_a_hundred_simultaneous_wrong_passwords_get_at_most_the_limit_checked(verifications):
    email = await f.email_of(await f.user(Role.ADMIN))
    limit = get_settings().security.login_limit_per_account
    results = await asyncio.gather(*[_attempt(email, f"guess-{n}", "203.0.113.7") for n in range(100)])
    assert verifications[0] <= limit
    assert results.count("wrong") <= limit
    assert results.count("throttled") >= 100 - limit


async def test_two_app_instances_share_one_limit(client, another_client, verifications):
    """Two clients stand in for two hosts on one database: 40 guesses split between them, all at once."""
    email = await f.email_of(await f.user(Role.MANAGER))
    for c in (client, another_client):
        await f.csrf_token(c)

    async def guess(c, n):
        return (await f.post_form(c, "/login", {"email": email, "password": f"guess-{n}"})).status_code

    codes = await asyncio.gather(*[guess(client if n % 2 else another_client, n) for n in range(40)])
    limit = get_settings().security.login_limit_per_account
    assert verifications[0] <= limit
    assert codes.count(400) <= limit and codes.count(429) >= 40 - limit


async def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out():
    email = await f.email_of(await f.user(Role.ADMIN))
    for n in range(10):
        await _attempt(email, f"guess-{n}", "198.51.100.66")
    assert await _attempt(email, "guess-x", "198.51.100.66") == "throttled"
    assert await _attempt(email, f.PASSWORD, "192.0.2.10") == "ok"


async def test_many_addresses_hold_strangers_but_not_a_known_device():
    user_id = await f.user(Role.ADMIN)
    email = await f.email_of(user_id)
    device = services.device_token(user_id)
    wide = get_settings().security.login_limit_account_wide
    for n in range(wide):
        await _attempt(email, f"guess-{n}", f"198.51.100.{n + 1}")
    assert await _attempt(email, f.PASSWORD, "192.0.2.10") == "throttled"  # a new address: held
    assert await _attempt(email, f.PASSWORD, "192.0.2.10", device) == "ok"  # the owner's browser: never held


async def test_an_address_the_owner_signed_in_from_is_not_held_by_the_account_wide_limit():
    user_id = await f.user(Role.ADMIN)
    email = await f.email_of(user_id)
    await services.start_session(user_id, ip="192.0.2.44")
    for n in range(get_settings().security.login_limit_account_wide):
        await _attempt(email, f"guess-{n}", f"198.51.100.{n + 1}")
    assert await _attempt(email, f.PASSWORD, "192.0.2.44") == "ok"


async def test_a_device_token_of_another_user_or_forged_gives_no_exemption():
    user_id = await f.user(Role.ADMIN)
    other_id = await f.user(Role.MANAGER)
    email = await f.email_of(user_id)
    for n in range(get_settings().security.login_limit_account_wide):
        await _attempt(email, f"guess-{n}", f"198.51.100.{n + 1}")
    genuine = services.device_token(user_id)
    forged = genuine.rsplit(".", 1)[0] + ".0123456789abcdef0123456789abcdef"
    for token in (services.device_token(other_id), forged, "garbage"):
        assert await _attempt(email, f.PASSWORD, "192.0.2.10", token) == "throttled"


async def test_a_known_device_is_limited_on_its_own():
    user_id = await f.user(Role.ADMIN)
    email = await f.email_of(user_id)
    device = services.device_token(user_id)
    limit = get_settings().security.login_limit_per_account
    results = [await _attempt(email, f"guess-{n}", "192.0.2.10", device) for n in range(limit + 1)]
    assert results[-1] == "throttled"
    assert await _attempt(email, f.PASSWORD, "192.0.2.11") == "ok"  # other browsers are not affected


async def test_a_success_gives_its_attempt_back():
    email = await f.email_of(await f.user(Role.ADMIN))
    limit = get_settings().security.login_limit_per_account
    for _ in range(limit * 2):  # many good logins in a window never add up to a lock-out
        assert await _attempt(email, f.PASSWORD, "192.0.2.10") == "ok"
    for n in range(limit - 1):
        await _attempt(email, f"guess-{n}", "192.0.2.10")
    assert await _attempt(email, f.PASSWORD, "192.0.2.10") == "ok"


async def test_the_owner_signs_in_from_their_browser_after_someone_on_the_same_network_tried(client, another_client):
    email = await f.email_of(await f.user(Role.MANAGER))
    await f.login(client, email)  # the owner's browser gets the known-device cookie
    await f.post_form(client, "/logout")
    assert client.cookies.get("premia_device")
    for n in range(6):  # another browser behind the same address (the test clients share one)
        await f.post_form(another_client, "/login", {"email": email, "password": f"guess-{n}"})
    blocked = await f.post_form(another_client, "/login", {"email": email, "password": f.PASSWORD})
    assert blocked.status_code == 429
    assert (await f.post_form(client, "/login", {"email": email, "password": f.PASSWORD})).status_code == 303
