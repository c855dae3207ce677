"""Database plumbing: the engine choice, write transactions, work off the event loop, and the clock.

Owns how a transaction is opened on each database. It must never hold business rules (services decide
what to write, this package only how) and imports no domain: domains hook in through ``on_commit``.

- ``engine``:   which engine serves the process, ``write_transaction()``
- ``sqlite``:   the SQLite engine (pool per loop, inline reads and writes)
- ``group``:    SQLite group commit (``PREMIA_SQLITE_GROUP_COMMIT``)
- ``postgres``: the PostgreSQL engine (a pool per loop)
- ``hooks``:    after-commit hooks
- ``offloop``:  ``run_off_loop()`` for long and bulk work
- ``sql``:      raw ``read``/``write`` with ``{}`` placeholders, ``utcnow``, ``company_today``, …
"""

from __future__ import annotations

from portal.db.engine import engine, in_transaction, is_sqlite, make_engine, write_transaction
from portal.db.group import GroupCommit
from portal.db.hooks import on_commit
from portal.db.offloop import run_off_loop
from portal.db.postgres import LoopPostgresEngine
from portal.db.sql import company_today, is_unique_violation, prepare_sqlite, read, utcnow, write
from portal.db.sqlite import PooledSQLiteEngine

__all__ = [
    "GroupCommit", "LoopPostgresEngine", "PooledSQLiteEngine", "company_today", "engine", "in_transaction",
    "is_sqlite", "is_unique_violation", "make_engine", "on_commit", "prepare_sqlite", "read", "run_off_loop",
    "utcnow", "write", "write_transaction",
]
