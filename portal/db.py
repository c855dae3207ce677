"""Database plumbing: the engine choice, write transactions and the clock.

Owns how a transaction is opened on each database. It must never hold
business rules: services decide what to write, this module only how.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

    from portal.settings import DatabaseSettings


class _PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction, borrowing a pooled connection instead of opening one."""

    async def get_connection(self):
        return await self.engine.acquire()

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            await self.engine.release(self.connection)
            self.engine.current_transaction.reset(self.context)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLiteEngine with reusable connections.

    Piccolo opens a fresh aiosqlite connection (and its thread) for every query
    outside a transaction, about 3 ms each. Here idle connections are kept per
    event loop and reused, which makes a query cost a thread hop instead.
    Connections are configured once (foreign keys, busy timeout) when opened.
    """

    __slots__ = ("_pools",)
    MAX_IDLE = 8

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pools: dict[tuple[int, str], list] = {}

    def _key(self) -> tuple[int, str]:
        return id(asyncio.get_running_loop()), self.path

    async def acquire(self):
        idle = self._pools.get(self._key())
        if idle:
            return idle.pop()
        pending = aiosqlite.connect(**self.connection_kwargs)
        # Idle pooled connections must not keep the interpreter alive at exit
        # (aiosqlite's worker thread is non-daemon); they hold no uncommitted work.
        if hasattr(pending, "_thread"):
            pending._thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def release(self, connection) -> None:
        if connection.in_transaction:  # a failed statement may leave one open
            await connection.rollback()
        idle = self._pools.setdefault(self._key(), [])
        if len(idle) < self.MAX_IDLE:
            idle.append(connection)
        else:
            await connection.close()

    async def close_pool(self) -> None:
        """Close this loop's idle connections (app shutdown, test teardown)."""
        loop_id = id(asyncio.get_running_loop())
        for key in [k for k in self._pools if k[0] == loop_id]:
            for connection in self._pools.pop(key):
                await connection.close()

    async def get_connection(self):
        return await self.acquire()

    def transaction(self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True):
        return _PooledSQLiteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        connection = await self.acquire()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            await self.release(connection)

    async def _run_in_existing_connection(self, connection, query, args=None, query_type="generic", table=None):
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()


def make_engine(db: DatabaseSettings) -> Engine:
    if db.is_postgres:
        return PostgresEngine(config={"dsn": db.url}, log_queries=False)
    db.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: a writer waits for the lock instead of failing at once.
    return PooledSQLiteEngine(path=str(db.sqlite_path), timeout=30)


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
