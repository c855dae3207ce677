"""INN (Russian taxpayer number) validation by its check digits. Pure functions."""

from __future__ import annotations

import re

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights)) % 11 % 10


# What people type between the digit groups: spaces (also NBSP and thin spaces), dashes and dots.
_SEPARATORS = re.compile(r"[\s\u00a0\u2007\u202f.\-\u2010-\u2015\u2212]+")


def clean_inn(value: str) -> str:
    """The INN as typed, with the separators people put between digit groups removed.

    Cleaning comes before any length check: "5001 0073 2259" is a valid 12-digit INN.
    """
    return _SEPARATORS.sub("", value)


def is_valid_inn(value: str) -> bool:
    """True for a 10-digit (organisation) or 12-digit (sole trader) INN with valid check digits."""
    if not value.isdigit() or len(value) not in (10, 12) or not value.isascii():
        return False
    digits = [int(c) for c in value]
    if len(digits) == 10:
        return _check(digits, _W10) == digits[9]
    return _check(digits, _W12_1) == digits[10] and _check(digits, _W12_2) == digits[11]


def make_inn10(prefix9: str) -> str:
    """Complete nine digits into a valid 10-digit INN (demo data and tests)."""
    digits = [int(c) for c in prefix9]
    return prefix9 + str(_check(digits, _W10))
