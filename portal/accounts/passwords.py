"""Passwords: hashing with argon2id (always off the event loop) and the rules a new password must meet.

argon2 costs about 0.1 s of CPU by design; running it in a worker thread keeps
the server answering other requests meanwhile.

A new password must be at least PREMIA_PASSWORD_MIN_LENGTH characters (10 by default) and not easy to
guess: zxcvbn (Dropbox's estimator, its Python port) scores it against the 30,000 most common passwords,
English words and names, keyboard patterns, dates and l33t spellings, all shipped inside the package (no
network), and against what the form itself says (the person's name, e-mail, company). A score below 2
("guessable within about 10^6 attempts") is refused, as NIST SP 800-63B asks of a blocklist check.
"""

from __future__ import annotations

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from collections.abc import Iterable, Mapping
from typing import Any

from portal import forms as f
from portal.i18n import gettext as _
from portal.settings import get_settings

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# A valid hash of a random password: verifying against it when the account does
# not exist costs the same time, so response time does not reveal accounts.
_DUMMY_HASH = _hasher.hash("premia-dummy-password-never-matches")

MIN_STRENGTH = 2  # zxcvbn's score, 0..4
_STRENGTH_CHARS = 64  # zxcvbn's matching grows fast with the length; what follows adds strength anyway


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the parameters (tests use a cheap profile; production never calls this)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("premia-dummy-password-never-matches")


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


def _verify(stored: str | None, password: str) -> tuple[bool, bool]:
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    if stored is None:
        return False, False
    return True, _hasher.check_needs_rehash(stored)


async def verify_password(stored: str | None, password: str) -> tuple[bool, bool]:
    """Return (matches, needs_rehash). ``stored=None`` spends the same time and fails."""
    return await anyio.to_thread.run_sync(_verify, stored, password)


def is_easy_to_guess(password: str, user_inputs: Iterable[str] = ()) -> bool:
    """True for a common password or one close to it, or one built from the person's own details."""
    from zxcvbn import zxcvbn

    inputs = [part for value in user_inputs if value for part in str(value).replace("@", " ").split()]
    return zxcvbn(password[:_STRENGTH_CHARS], user_inputs=inputs[:20])["score"] < MIN_STRENGTH


def new_password(data: Mapping[str, Any], name: str, confirm: str, errors: f.Errors,
                 user_inputs: Iterable[str] = ()) -> str:
    """A new password from a form: long enough, repeated alike (when ``confirm`` names a field), not guessable."""
    value = f.new_password(data, name, confirm, errors, min_length=get_settings().security.password_min_length)
    if name not in errors and is_easy_to_guess(value, user_inputs):
        errors.add(name, _("This password is too common or too easy to guess. Try a few unrelated words."))
    return value
