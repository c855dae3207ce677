"""Reporting periods, their acts and payout registers. Only portal.periods writes them."""

from __future__ import annotations

from piccolo.columns import BigInt, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Partner


class Period(Table, tablename="period"):
    """A month or quarter of the program: open -> closing -> closed. While a close runs, its stage and
    counters here are the progress the finance page and the CLI show."""

    code = Varchar(length=10, unique=True, help_text='"2026-11" or "2026-Q4"')
    kind = Varchar(length=10, default="monthly")
    starts_on = Date()
    ends_on = Date()
    status = Varchar(length=10, default="open", index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    close_stage = Varchar(length=20, default="")
    close_done = Integer(default=0)
    close_total = Integer(default=0)
    close_error = Text(default="")
    close_started_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)


class Act(Table, tablename="act"):
    """One version of a partner's act for a period; regenerating makes a new version, never overwrites."""

    key = Varchar(length=60, unique=True, help_text='"<period>:<partner>:<version>"')
    period = Varchar(length=10, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    version = Integer(default=1)
    number = Varchar(length=40)
    file_name = Varchar(length=200)
    sha256 = Varchar(length=64)
    total_kop = BigInt(default=0)
    points = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class PayoutRegister(Table, tablename="payout_register"):
    period = Varchar(length=10, unique=True)
    status = Varchar(length=10, default="draft", help_text="draft, approved or paid: follows its lines")
    created_at = Timestamptz(default=TimestamptzNow())


class PayoutLine(Table, tablename="payout_line"):
    """Cash one partner is owed for a closed period: draft -> approved -> paid (and back to unpaid)."""

    key = Varchar(length=60, unique=True, help_text='"<period>:<partner>"')
    register = ForeignKey(references=PayoutRegister, on_delete=OnDelete.restrict, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    amount_kop = BigInt()
    status = Varchar(length=10, default="draft", index=True)
    payments = Integer(default=0, help_text="Times marked paid: each payment's transfer key is numbered")
    legal_name = Varchar(length=300)
    inn = Varchar(length=12)
    bank_name = Varchar(length=200, default="")
    bik = Varchar(length=9, default="")
    settlement_account = Varchar(length=20, default="")


class PayoutEvent(Table, tablename="payout_event"):
    line = ForeignKey(references=PayoutLine, on_delete=OnDelete.restrict, index=True)
    from_status = Varchar(length=10)
    to_status = Varchar(length=10)
    actor_id = Integer(null=True, default=None)
    transfer_id = Integer(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())
