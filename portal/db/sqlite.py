"""The SQLite engine: Piccolo's SQLiteEngine with a pool of connections per event loop, inline reads,
and write transactions that run inline on the loop and share a COMMIT (portal.db.group).

Owns how a transaction is opened on SQLite. It must never hold business rules.
"""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from portal.db.group import GroupCommit, _InlineConnection  # noqa: F401 - _InlineConnection re-exported


class _PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction, borrowing a pooled connection instead of opening one.

    Write transactions of one process queue on an asyncio lock before BEGIN
    IMMEDIATE. SQLite admits one writer at a time anyway; waiting in the event
    loop is fair and immediate, while waiting in SQLite's busy handler sleeps
    in growing steps (up to 100 ms) and turned a burst of 32 claims into
    second-long tails.

    A transaction that gets SQLite's write lock at once runs inline on the loop
    as a SAVEPOINT of the loop's group (portal.db.group); if another process or
    thread holds the lock, it runs on a pooled connection whose thread waits.
    """

    SAVEPOINT = "premia_txn"
    _write_lock: asyncio.Lock | None = None
    _lock_handed_over = False

    async def __aenter__(self):
        if self._parent is not None:
            return self._parent
        if self.transaction_type != TransactionType.deferred:
            self._write_lock = await self.engine.acquire_write_lock()
        try:
            return await super().__aenter__()
        except BaseException:
            if self._write_lock is not None:
                self._write_lock.release()
            raise

    _inline = False

    async def get_connection(self):
        if self.transaction_type != TransactionType.deferred:
            writer = self.engine.inline_writer()
            try:
                if not writer.conn.in_transaction:
                    # Never waits: a lock held by another process makes this fail at once, and the
                    # transaction then runs on a pooled connection whose thread may wait for it.
                    writer.conn.execute(f"BEGIN {self.transaction_type.value}")
                # else: a group is open (this process holds SQLite's write lock): join it
                writer.conn.execute(f"SAVEPOINT {self.SAVEPOINT}")
                self._inline = True
                return writer
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
        return await self.engine.acquire()

    async def begin(self):
        if not self._inline:
            await super().begin()

    async def commit(self):
        if not self._inline:
            return await super().commit()
        self.connection.conn.execute(f"RELEASE {self.SAVEPOINT}")
        self._committed = True

    async def rollback(self):
        if not self._inline:
            return await super().rollback()
        self.connection.conn.execute(f"ROLLBACK TO {self.SAVEPOINT}")
        self.connection.conn.execute(f"RELEASE {self.SAVEPOINT}")
        self._rolled_back = True

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        if self._inline:
            return await self._exit_inline(exception)
        try:
            await self._finish(exception)
        finally:
            await self.engine.release(self.connection)
            self.engine.current_transaction.reset(self.context)
            if self._write_lock is not None:
                self._write_lock.release()
        return exception is None

    async def _finish(self, exception) -> None:
        """Roll back after an exception, else commit, unless the caller already did either."""
        if exception:
            if not self._rolled_back:
                await self.rollback()
        elif not self._committed and not self._rolled_back:
            await self.commit()

    async def _exit_inline(self, exception) -> bool:
        conn = self.connection.conn
        waiter = None
        try:
            try:
                await self._finish(exception)
            except BaseException as exc:  # the savepoint could not be ended: give up the whole group
                self.engine.fail_group(conn, exc)
                raise
            waiter, self._lock_handed_over = self.engine.end_inline(conn, self._write_lock, joined=self._committed)
        finally:
            self.engine.current_transaction.reset(self.context)
            if self._write_lock is not None and not self._lock_handed_over:
                self._write_lock.release()
        if waiter is not None:
            await waiter
        return exception is None


class _Pool:
    """The connections of one event loop to one database file, at most SIZE at a time."""

    def __init__(self, size: int) -> None:
        self.idle: list = []
        self.slots = asyncio.Semaphore(size)


class PooledSQLiteEngine(GroupCommit, SQLiteEngine):
    """Piccolo's SQLiteEngine with a bounded pool of reusable connections.

    Piccolo opens a fresh aiosqlite connection (and its thread) for every query
    outside a transaction, about 3 ms each. Here connections are kept per event
    loop and reused, so a query costs one hop to the connection's thread. The
    pool is bounded: under load, requests wait for a connection instead of each
    opening its own (SQLite gains nothing from more connections than cores).
    """

    SIZE = 6
    READ_BUSY_TIMEOUT_S = 0.05

    def __init__(self, *args, group_commit: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pools: dict[tuple[int, str], _Pool] = {}
        self._readers: dict[tuple[int, str], sqlite3.Connection] = {}
        self._init_group(group_commit)

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
        if self.reads_inline():
            query, args = querystring.compile_string(engine_type=self.engine_type)
            if query.lstrip()[:6].upper() == "SELECT" and (rows := self.read_inline(query, args)) is not None:
                return rows
        return await super().run_querystring(querystring, in_pool=in_pool)

    def reads_inline(self) -> bool:
        return self.current_transaction.get() is None and not self.log_queries

    def read_inline(self, query: str, args) -> list[dict] | None:
        """A read on the loop's reader connection; None if it met a lock (then take the pooled path)."""
        try:
            return self._reader().execute(query, args).fetchall()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
        return None

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
        """Close this loop's connections and forget its write lock (app shutdown, test teardown, the end of an
        off-loop worker)."""
        loop_id = id(asyncio.get_running_loop())
        for key in [k for k in self._pools if k[0] == loop_id]:
            for connection in self._pools.pop(key).idle:
                await connection.close()
        for key in [k for k in self._readers if k[0] == loop_id]:
            self._readers.pop(key).close()
        await self._forget_loop_writers(loop_id)

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
