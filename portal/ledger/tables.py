"""Ledger tables. Only portal.ledger writes them; transfers are never updated or deleted (database triggers refuse
it), and a partner account's balance never goes below zero (a CHECK or trigger: see the ledger's migrations)."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Partner


class Account(Table, tablename="ledger_account"):
    """One balance in one unit: a partner's points_available, the company's points_issued, …"""

    owner_key = Varchar(length=80, unique=True, help_text='"p:<partner id>:<code>" or "c:<code>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, null=True, index=True)
    code = Varchar(length=40)
    unit = Varchar(length=10, help_text="points or kop")
    balance = BigInt(default=0, help_text="Cached sum of the transfers; updated in the transfer's transaction")
    non_negative = Boolean(default=False, help_text="A partner's balance: a debit below zero is refused")


class Transfer(Table, tablename="ledger_transfer"):
    """An immutable movement of ``amount`` from one account to another, keyed by its cause."""

    key = Varchar(length=120, unique=True, help_text='Cause key, e.g. "claim:123:accrual:points"')
    debit_account = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    credit_account = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    amount = BigInt(help_text="Always positive, in the accounts' unit")
    unit = Varchar(length=10)
    kind = Varchar(length=30, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, null=True, index=True)
    reverses = ForeignKey(references="self", on_delete=OnDelete.restrict, null=True, unique=True,
                          help_text="The transfer this one corrects; UNIQUE: reversed at most once")
    detail = JSON(default="{}", help_text="Why this amount: rule version, multipliers, reason")
    actor_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class Lot(Table, tablename="ledger_lot"):
    """Points that became available together; spent oldest first, expiring on ``expires_on``."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    transfer = ForeignKey(references=Transfer, on_delete=OnDelete.restrict, unique=True)
    points = BigInt()
    remaining = BigInt(index=True)
    expires_on = Date(index=True)
    expiries = Integer(default=0, help_text="Expiry transfers so far: a voided order can hand points back later")


class Shortfall(Table, tablename="ledger_shortfall"):
    """A correction the balance could not absorb (points already spent): for finance to settle."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    transfer = ForeignKey(references=Transfer, on_delete=OnDelete.restrict, unique=True)
    amount = BigInt()
    unit = Varchar(length=10)
    created_at = Timestamptz(default=TimestamptzNow())
    settled = Boolean(default=False)


class LotUse(Table, tablename="ledger_lot_use"):
    """How much of which lot a transfer took (negative: gave back, when a reservation is voided)."""

    lot = ForeignKey(references=Lot, on_delete=OnDelete.restrict, index=True)
    transfer = ForeignKey(references=Transfer, on_delete=OnDelete.restrict, index=True)
    amount = BigInt()
