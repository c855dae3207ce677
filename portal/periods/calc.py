"""Reporting period arithmetic: which period a date falls in, and a period's days. Pure.

Codes: "2026-11" for a month, "2026-Q4" for a quarter.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHLY, QUARTERLY = "monthly", "quarterly"


@dataclass(frozen=True)
class Span:
    code: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def days_elapsed(self, today: dt.date) -> int:
        """Days of the period that have passed, today included (0 before it starts)."""
        if today < self.starts_on:
            return 0
        return min(self.days, (today - self.starts_on).days + 1)

    def days_left(self, today: dt.date) -> int:
        return self.days - self.days_elapsed(today)

    def next(self) -> Span:
        return span_of(self.ends_on + dt.timedelta(days=1), self.kind)

    def previous(self) -> Span:
        return span_of(self.starts_on - dt.timedelta(days=1), self.kind)


def span_of(day: dt.date, kind: str = MONTHLY) -> Span:
    if kind == QUARTERLY:
        quarter = (day.month - 1) // 3
        start = dt.date(day.year, quarter * 3 + 1, 1)
        end_month = quarter * 3 + 3
        end = dt.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
        return Span(f"{day.year}-Q{quarter + 1}", QUARTERLY, start, end)
    start = day.replace(day=1)
    end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return Span(f"{day.year}-{day.month:02d}", MONTHLY, start, end)


_CODE = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


def parse_code(code: str) -> Span | None:
    """The period a code names, or None if it names none."""
    match = _CODE.match(code.strip())
    if not match:
        return None
    year = int(match.group(1))
    if match.group(2):
        return span_of(dt.date(year, int(match.group(2)), 1), MONTHLY)
    return span_of(dt.date(year, (int(match.group(3)) - 1) * 3 + 1, 1), QUARTERLY)
