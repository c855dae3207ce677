"""Reporting periods. Only portal.periods writes them."""

from __future__ import annotations

from piccolo.columns import Date, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Period(Table, tablename="period"):
    """A month or quarter of the program: open -> closing -> closed."""

    code = Varchar(length=10, unique=True, help_text='"2026-11" or "2026-Q4"')
    kind = Varchar(length=10, default="monthly")
    starts_on = Date()
    ends_on = Date()
    status = Varchar(length=10, default="open", index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)
