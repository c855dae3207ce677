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


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(whole=st.integers(0, 10**15), decimals=st.sampled_from(["", "0", "5", "00", "05", "99", "123"]),
       sign=st.sampled_from([",", "."]), grouped=st.booleans(), language=st.sampled_from(["ru", "en"]),
       places=st.sampled_from([0, 2]))
def test_the_quick_reading_of_a_sum_agrees_with_babel(whole, decimals, sign, grouped, language, places):
    from portal import forms

    digits = f"{whole:,}".replace(",", "\xa0" if language == "ru" else ",") if grouped else str(whole)
    text = digits + (sign + decimals if decimals else "")
    quick = forms.parse_amount(text, locale=language, places=places)
    kept, forms._OWN_AMOUNT = forms._OWN_AMOUNT, {}
    try:
        assert quick == forms.parse_amount(text, locale=language, places=places), text
    finally:
        forms._OWN_AMOUNT = kept
