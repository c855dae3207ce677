"""Sums are read the way the page writes them, in the user's language; an ambiguous one is refused with a
message that says how to write it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from portal import forms
from portal.i18n import format_money, format_points, reset_locale, set_locale


@pytest.fixture
def language():
    tokens = []

    def use(code: str) -> None:
        tokens.append(set_locale(code))

    yield use
    for token in reversed(tokens):
        reset_locale(token)


@pytest.mark.parametrize(("code", "raw", "kop"), [
    ("en", "45,990.00", 4_599_000), ("en", "45,990", 4_599_000), ("en", "45990.5", 4_599_050),
    ("ru", "45 990,00", 4_599_000), ("ru", "45990,00", 4_599_000), ("ru", "45\u202f990,5", 4_599_050),
    ("ru", "45990.00", 4_599_000),
])
def test_the_page_s_own_way_of_writing_a_sum_is_read(language, code, raw, kop):
    language(code)
    assert forms.parse_amount(raw) == kop


@pytest.mark.parametrize(("code", "raw"), [("ru", "45,990"), ("ru", "45.990"), ("en", "45.990"), ("ru", "1,234")])
def test_three_digits_after_one_separator_is_ambiguous_and_refused_with_a_reason(language, code, raw):
    language(code)
    errors = forms.Errors()
    value = forms.Field(forms.AMOUNT).clean({"amount": raw}, "amount", errors)
    assert value is None
    assert forms.parse_amount(raw) is None
    assert "two ways" in errors["amount"] or "двояко" in errors["amount"]


def test_the_ambiguity_message_is_in_russian_for_a_russian_user(language):
    language("ru")
    errors = forms.Errors()
    forms.Field(forms.AMOUNT).clean({"amount": "45,990"}, "amount", errors)
    assert errors["amount"] == ("«45,990» можно прочитать двояко: напишите 45\xa0990, если это тысячи, "
                                "или не больше двух цифр после «,» для копеек.")


def test_a_sum_that_is_plainly_wrong_keeps_the_general_message(language):
    language("ru")
    errors = forms.Errors()
    forms.Field(forms.AMOUNT).clean({"amount": "сорок"}, "amount", errors)
    assert errors["amount"] == "Введите сумму, например 45 990,00."


@settings(max_examples=300, deadline=None)
@given(kop=st.integers(0, 10**13), code=st.sampled_from(["ru", "en"]))
def test_a_sum_as_the_page_shows_it_reads_back_to_the_same_kopecks(kop, code):
    """Round trip: what format_money writes (grouping, decimal sign, ₽), parse_amount reads back exactly."""
    token = set_locale(code)
    try:
        assert forms.parse_amount(format_money(kop, code)) == kop
    finally:
        reset_locale(token)


@settings(max_examples=200, deadline=None)
@given(points=st.integers(0, 10**12), code=st.sampled_from(["ru", "en"]))
def test_points_as_the_page_shows_them_read_back(points, code):
    token = set_locale(code)
    try:
        shown = format_points(points, code)
        assert forms.parse_amount(shown, places=0) == points, shown
    finally:
        reset_locale(token)
