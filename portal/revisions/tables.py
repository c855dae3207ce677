"""Piccolo tables of data revisions. Only database triggers and portal.revisions.services write them."""

from __future__ import annotations

from piccolo.columns import BigInt
from piccolo.table import Table


class DataRevision(Table, tablename="data_revision"):
    """How many committed changes touched a partner's data (scope = partner id; 0 = reference data).

    On SQLite the triggers bump the row in the writing transaction itself. On PostgreSQL they only
    append to data_touch, and the row is bumped right after the commit (see services.flush): taking a
    row lock inside every writing transaction could deadlock two transactions touching two partners.
    """

    scope = BigInt(primary_key=True)
    rev = BigInt(default=0)


class DataTouch(Table, tablename="data_touch"):
    """PostgreSQL only: a committed change whose revision is not bumped yet. While a partner has one,
    pages are rendered afresh and not kept, so a cached page is never older than the data."""

    scope = BigInt(index=True)
