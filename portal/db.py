"""Database plumbing: the engine choice, write transactions and the clock.

Owns how a transaction is opened on each database. It must never hold
business rules: services decide what to write, this module only how.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

    from portal.settings import DatabaseSettings


def make_engine(db: DatabaseSettings) -> Engine:
    if db.is_postgres:
        return PostgresEngine(config={"dsn": db.url}, log_queries=False)
    db.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: a writer waits for the lock instead of failing at once.
    return SQLiteEngine(path=str(db.sqlite_path), timeout=30)


def engine() -> Engine:
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf is part of the project
        raise RuntimeError("piccolo_conf.DB is not configured")
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def write_transaction():
    """A transaction for writes.

    On SQLite it is IMMEDIATE: a deferred transaction that later upgrades to a
    write lock fails at once with "database is locked" under concurrency.
    Nested calls join the outer transaction (Piccolo's allow_nested).
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def prepare_sqlite(path: str) -> None:
    """Persistent SQLite settings: WAL lets readers run beside the writer."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


def is_unique_violation(exc: BaseException) -> bool:
    """True when a write failed on a UNIQUE constraint, on either database."""
    import sqlite3

    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, UniqueViolationError)
