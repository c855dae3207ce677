"""Attempt counters (logins, registrations) and the known-device token, shared by every worker and host.

An attempt is *reserved* before the work it guards (argon2 costs ~0.5 s of CPU in production), by one
atomic upsert on the login_throttle row that increments the counter and returns it. Concurrent attempts
therefore see distinct numbers, so at most ``limit`` of them per window go on, whatever the number of
workers and hosts. Checking first and counting after the verification let 35 of 100 simultaneous wrong
passwords through against a limit of 5. A success releases what it reserved.

It never decides who may log in: portal.accounts.services does, and says which keys count.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from portal.accounts.tables import LoginThrottle
from portal.db import write as db_write, write_transaction
from portal.settings import get_settings

_RESERVE = (
    "INSERT INTO login_throttle (key, window_no, failures) VALUES ({}, {}, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN login_throttle.window_no = excluded.window_no "
    "THEN login_throttle.failures + 1 ELSE 1 END, window_no = excluded.window_no "
    "RETURNING failures"
)
_RELEASE = (
    "UPDATE login_throttle SET failures = failures - 1 "
    "WHERE key = {} AND window_no = {} AND failures > 0"
)


def window_no(seconds: int, now: float | None = None) -> int:
    return int(now if now is not None else time.time()) // max(1, seconds)


async def reserve(limits: list[tuple[str, int]], window: int) -> str | None:
    """Count one attempt on each key in turn; returns the first key whose limit is now exceeded, else None.

    Keys after a refused one are not counted: an attacker held at their per-address limit cannot go on
    raising the account-wide counter that strangers to the account share.
    """
    for key, limit in limits:
        async with write_transaction():
            rows = await db_write(_RESERVE, key[:300], window)
        if rows[0]["failures"] > limit:
            return key
    return None


async def release(keys: list[str], window: int) -> None:
    """Give back one reserved attempt per key (a success is not a failure)."""
    async with write_transaction():
        for key in keys:
            await db_write(_RELEASE, key[:300], window)


async def clear(keys: list[str]) -> None:
    await LoginThrottle.delete().where(LoginThrottle.key.is_in([k[:300] for k in keys]))


# --- the known-device token (OWASP "device cookies") --------------------------------

def _device_sig(user_id: int, nonce: str) -> str:
    key = get_settings().security.secret_key.encode()
    return hmac.new(key, f"premia-device:{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def device_token(user_id: int) -> str:
    """A signed token saying "this browser once signed in as this user"; set at each successful login."""
    nonce = secrets.token_urlsafe(12)
    return f"{user_id}.{nonce}.{_device_sig(user_id, nonce)}"


def device_id(token: str, user_id: int) -> str | None:
    """The device's nonce if the token is genuine and was issued to this user, else None."""
    parts = (token or "").split(".")
    if len(parts) != 3 or parts[0] != str(user_id):
        return None
    if not hmac.compare_digest(parts[2], _device_sig(user_id, parts[1])):
        return None
    return parts[1]
