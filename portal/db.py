"""Database plumbing: the engine choice, write transactions and the clock.

Owns how a transaction is opened on each database. It must never hold
business rules: services decide what to write, this module only how.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
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


class _Pool:
    """The connections of one event loop to one database file, at most SIZE at a time."""

    def __init__(self, size: int) -> None:
        self.idle: list = []
        self.slots = asyncio.Semaphore(size)


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLiteEngine with a bounded pool of reusable connections.

    Piccolo opens a fresh aiosqlite connection (and its thread) for every query
    outside a transaction, about 3 ms each. Here connections are kept per event
    loop and reused, so a query costs one hop to the connection's thread. The
    pool is bounded: under load, requests wait for a connection instead of each
    opening its own (SQLite gains nothing from more connections than cores).
    """

    __slots__ = ("_pools", "_readers")
    SIZE = 6
    READ_BUSY_TIMEOUT_S = 0.05

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pools: dict[tuple[int, str], _Pool] = {}
        self._readers: dict[tuple[int, str], sqlite3.Connection] = {}

    def _reader(self) -> sqlite3.Connection:
        key = (id(asyncio.get_running_loop()), self.path)
        reader = self._readers.get(key)
        if reader is None:
            kwargs = dict(self.connection_kwargs, timeout=self.READ_BUSY_TIMEOUT_S)
            reader = self._readers[key] = sqlite3.connect(**kwargs)
            reader.row_factory = dict_factory
        return reader

    async def run_querystring(self, querystring, in_pool: bool = False):
        """Reads outside a transaction run inline on the event loop.

        A WAL-mode read of an indexed row takes tens of microseconds, while a
        hop to a connection thread and back costs about 250 µs of CPU. Readers
        in WAL mode do not wait for writers; should one ever meet a lock, it
        falls back to the pooled path. Every query a request makes must be
        bounded (indexes, LIMIT): a scan here would stall the loop, so long
        reports run in a transaction or in a worker.
        """
        if self.current_transaction.get() is None and not self.log_queries:
            query, args = querystring.compile_string(engine_type=self.engine_type)
            if query.lstrip()[:6].upper() == "SELECT":
                try:
                    return self._reader().execute(query, args).fetchall()
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
        return await super().run_querystring(querystring, in_pool=in_pool)

    def _pool(self) -> _Pool:
        key = (id(asyncio.get_running_loop()), self.path)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _Pool(self.SIZE)
        return pool

    async def acquire(self):
        pool = self._pool()
        await pool.slots.acquire()
        if pool.idle:
            return pool.idle.pop()
        try:
            pending = aiosqlite.connect(**self.connection_kwargs)
            # Idle pooled connections must not keep the interpreter alive at exit
            # (aiosqlite's worker thread is non-daemon); they hold no uncommitted work.
            if hasattr(pending, "_thread"):
                pending._thread.daemon = True
            connection = await pending
            connection.row_factory = dict_factory  # type: ignore[assignment]
            await connection.execute("PRAGMA foreign_keys = 1")
        except BaseException:
            pool.slots.release()
            raise
        return connection

    async def release(self, connection) -> None:
        pool = self._pool()
        try:
            if connection.in_transaction:  # a failed statement may leave one open
                await connection.rollback()
            pool.idle.append(connection)
        except Exception:
            await connection.close()
        finally:
            pool.slots.release()

    async def close_pool(self) -> None:
        """Close this loop's idle connections (app shutdown, test teardown)."""
        loop_id = id(asyncio.get_running_loop())
        for key in [k for k in self._pools if k[0] == loop_id]:
            for connection in self._pools.pop(key).idle:
                await connection.close()
        for key in [k for k in self._readers if k[0] == loop_id]:
            self._readers.pop(key).close()

    async def get_connection(self):
        return await self.acquire()

    def transaction(self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True):
        return _PooledSQLiteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        connection = await self.acquire()
        try:
            # One hop to the connection's thread for execute + fetch (a cursor costs three).
            return await connection.execute_fetchall(query, args or [])
        finally:
            await self.release(connection)

    async def _run_in_existing_connection(self, connection, query, args=None, query_type="generic", table=None):
        return await connection.execute_fetchall(query, args or [])


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

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


def is_unique_violation(exc: BaseException) -> bool:
    """True when a write failed on a UNIQUE constraint, on either database."""

    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, UniqueViolationError)


def company_today() -> dt.date:
    """Today in the company's timezone: what "today" means for sales dates and periods."""
    from zoneinfo import ZoneInfo

    from portal.settings import get_settings

    return dt.datetime.now(ZoneInfo(get_settings().app.timezone)).date()
