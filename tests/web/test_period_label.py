"""Reporting periods are shown as people say them, in the page's language."""

from __future__ import annotations

from portal import i18n


def test_a_month_reads_as_its_name_and_year_in_both_languages():
    assert i18n.format_period("2026-11", "ru") == "Ноябрь 2026"
    assert i18n.format_period("2026-11", "en") == "November 2026"
    assert i18n.format_period("2027-01", "ru") == "Январь 2027"


def test_a_quarter_reads_as_a_quarter():
    assert "2026" in i18n.format_period("2026-Q4", "ru") and "Q4" not in i18n.format_period("2026-Q4", "ru")
    assert i18n.format_period("2026-Q4", "en") == "4th quarter 2026"


def test_something_that_is_no_period_code_is_left_as_it_is():
    assert i18n.format_period("2026-13", "ru") == "2026-13"
    assert i18n.format_period("", "ru") == ""
