"""The shared form helpers (portal/forms.py)."""

from __future__ import annotations

import pytest

from portal.forms import parse_rubles


@pytest.mark.parametrize(("raw", "kop"), [
    ("1 234,56", 123456), ("1234.5", 123450), ("12", 1200), ("45\xa0990 ₽", 4599000), ("0,07", 7),
    ("999999999999.99", 99999999999999),
])
def test_a_sum_of_roubles_becomes_kopecks(raw, kop):
    assert parse_rubles(raw) == kop


@pytest.mark.parametrize("raw", ["", "1.234", "1,2,3", "-5", "²", "١٢", "1e3", "1000000000000", "12.", ".5", "abc"])
def test_what_is_not_a_sum_of_money_is_none(raw):
    assert parse_rubles(raw) is None
