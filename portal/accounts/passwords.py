"""Password hashing with argon2id, always off the event loop.

argon2 costs about 0.1 s of CPU by design; running it in a worker thread keeps
the server answering other requests meanwhile.
"""

from __future__ import annotations

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# A valid hash of a random password: verifying against it when the account does
# not exist costs the same time, so response time does not reveal accounts.
_DUMMY_HASH = _hasher.hash("premia-dummy-password-never-matches")

MIN_LENGTH = 8


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
