"""Which engine serves the process, and the one way to open a write transaction on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from piccolo.engine import engine_finder
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from portal.db.hooks import AfterCommit, has_hooks
from portal.db.postgres import LoopPostgresEngine
from portal.db.sqlite import PooledSQLiteEngine

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

    from portal.settings import DatabaseSettings


def make_engine(db: DatabaseSettings) -> Engine:
    if db.is_postgres:
        return LoopPostgresEngine(config={"dsn": db.url}, log_queries=False)
    db.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: a writer on a pooled connection (another process or thread holds the lock) waits for it
    # in SQLite's busy handler instead of failing at once.
    return PooledSQLiteEngine(path=str(db.sqlite_path), group_commit=db.sqlite_group_commit, timeout=30)


_ENGINE: list[Engine] = []


def engine() -> Engine:
    """piccolo_conf.DB. Found once: Piccolo's engine_finder imports the conf module on every call (~5 µs)."""
    if not _ENGINE:
        found = engine_finder()
        if found is None:  # pragma: no cover - piccolo_conf is part of the project
            raise RuntimeError("piccolo_conf.DB is not configured")
        _ENGINE.append(found)
    return _ENGINE[0]


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def in_transaction() -> bool:
    return engine().current_transaction.get() is not None


def write_transaction():
    """A transaction for writes.

    On SQLite it is IMMEDIATE: a deferred transaction that later upgrades to a
    write lock fails at once with "database is locked" under concurrency.
    Nested calls join the outer transaction (Piccolo's allow_nested). The
    after-commit hooks (portal.db.hooks) run when the outermost one commits.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        txn = db.transaction(transaction_type=TransactionType.immediate)
        return AfterCommit(db, txn) if has_hooks() else txn  # no hooks (the usual case): no wrapper
    return AfterCommit(db, db.transaction())
