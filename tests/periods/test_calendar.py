"""Which period a day belongs to, monthly and quarterly."""

import datetime as dt

from portal.periods.calc import parse_code, span_of


def test_a_month_runs_from_its_first_to_its_last_day():
    span = span_of(dt.date(2028, 2, 17))
    assert (span.code, span.starts_on, span.ends_on, span.days) == ("2028-02", dt.date(2028, 2, 1),
                                                                    dt.date(2028, 2, 29), 29)
    assert span.next().code == "2028-03" and span.previous().code == "2028-01"
    assert span_of(dt.date(2026, 1, 5)).previous().code == "2025-12"


def test_a_quarter_has_its_three_months():
    span = span_of(dt.date(2026, 11, 23), "quarterly")
    assert (span.code, span.starts_on, span.ends_on) == ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert span.next().code == "2027-Q1"


def test_days_elapsed_and_left_count_today():
    span = span_of(dt.date(2026, 11, 1))
    assert (span.days_elapsed(dt.date(2026, 11, 10)), span.days_left(dt.date(2026, 11, 10))) == (10, 20)
    assert span.days_elapsed(dt.date(2026, 10, 31)) == 0 and span.days_left(dt.date(2026, 12, 5)) == 0


def test_codes_parse_back_and_nonsense_does_not():
    assert parse_code("2026-11") == span_of(dt.date(2026, 11, 1))
    assert parse_code("2026-Q2") == span_of(dt.date(2026, 4, 1), "quarterly")
    assert parse_code("2026-13") is None and parse_code("../etc") is None and parse_code("") is None
