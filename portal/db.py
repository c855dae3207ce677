"""Database plumbing: the engine choice, write transactions and the clock.

Owns how a transaction is opened on each database. It must never hold
business rules: services decide what to write, this module only how.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from typing import TYPE_CHECKING, Any

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

    from portal.settings import DatabaseSettings


class _InlineConnection:
    """A plain sqlite3 connection with the few awaitable methods Piccolo's transaction calls.

    It runs statements on the event loop itself. It is only used for a write
    transaction that already holds SQLite's write lock (BEGIN IMMEDIATE
    succeeded without waiting), so no statement in it waits for a lock; each
    costs microseconds instead of a ~250 µs hop to a connection thread.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    async def execute(self, sql: str, parameters=()):
        return self.conn.execute(sql, parameters or ())

    async def execute_fetchall(self, sql: str, parameters=()):
        return self.conn.execute(sql, parameters or ()).fetchall()

    async def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    async def close(self) -> None:
        self.conn.close()


class _PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction, borrowing a pooled connection instead of opening one.

    Write transactions of one process queue on an asyncio lock before BEGIN
    IMMEDIATE. SQLite admits one writer at a time anyway; waiting in the event
    loop is fair and immediate, while waiting in SQLite's busy handler sleeps
    in growing steps (up to 100 ms) and turned a burst of 32 claims into
    second-long tails.

    Group commit: a write transaction that runs inline is a SAVEPOINT inside one
    physical transaction. When it ends and other writers are queued, it hands the
    open transaction to the next one and waits; the last of the group COMMITs
    once (one fsync for all) and tells the others. Each caller still returns only
    after its work is durable, and a failed COMMIT fails every member. A member
    that rolled back undid only its own savepoint.
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


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLiteEngine with a bounded pool of reusable connections.

    Piccolo opens a fresh aiosqlite connection (and its thread) for every query
    outside a transaction, about 3 ms each. Here connections are kept per event
    loop and reused, so a query costs one hop to the connection's thread. The
    pool is bounded: under load, requests wait for a connection instead of each
    opening its own (SQLite gains nothing from more connections than cores).
    """

    __slots__ = ("_pools", "_readers", "_write_locks", "_writers", "_queued", "_groups")
    SIZE = 6
    READ_BUSY_TIMEOUT_S = 0.05

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pools: dict[tuple[int, str], _Pool] = {}
        self._readers: dict[tuple[int, str], sqlite3.Connection] = {}
        self._write_locks: dict[int, asyncio.Lock] = {}
        self._writers: dict[tuple[int, str], _InlineConnection] = {}
        self._queued: dict[int, int] = {}  # writers waiting for the write lock, per event loop
        self._groups: dict[int, list] = {}  # ended transactions waiting for their group's COMMIT

    def inline_writer(self) -> _InlineConnection:
        key = (id(asyncio.get_running_loop()), self.path)
        writer = self._writers.get(key)
        if writer is None:
            conn = sqlite3.connect(**dict(self.connection_kwargs, timeout=0, check_same_thread=False))
            conn.row_factory = dict_factory
            conn.execute("PRAGMA foreign_keys = 1")
            # Every grouped transaction is a SAVEPOINT: SQLite copies each page it first changes in one to a
            # sub-journal, a temporary file by default (syscalls on every write, twice the cost of the
            # INSERT itself). In memory it is a few pages a transaction.
            conn.execute("PRAGMA temp_store = MEMORY")
            writer = self._writers[key] = _InlineConnection(conn)
        return writer

    GROUP_MAX = 64

    async def acquire_write_lock(self) -> asyncio.Lock:
        lock = self.write_lock()
        loop = asyncio.get_running_loop()
        self._queued[id(loop)] = self._queued.get(id(loop), 0) + 1
        try:
            await lock.acquire()
        except BaseException:
            # Cancelled while queued: a group may have handed its open transaction to us. If nobody
            # else is queued to take it, commit it now so its members are not left waiting.
            self._queued[id(loop)] -= 1
            if self._queued[id(loop)] == 0:
                loop.create_task(self._commit_leftover())
            raise
        self._queued[id(loop)] -= 1
        return lock

    def end_inline(self, conn: sqlite3.Connection, lock: asyncio.Lock, joined: bool) -> tuple[Any, bool]:
        """A grouped transaction ended (its savepoint released or rolled back), holding the write lock.

        Returns (waiter, handed_over): waiter completes once the work is durable (None: nothing to wait
        for); handed_over means the lock went on (to the next writer, or to the commit task that frees it
        after COMMIT), so the caller must not release it.
        """
        loop = asyncio.get_running_loop()
        members = self._groups.setdefault(id(loop), [])
        if self._queued.get(id(loop), 0) > 0 and len(members) < self.GROUP_MAX:
            if not joined:
                return None, False  # rolled back: nothing of ours is pending; the next writer goes on
            waiter = loop.create_future()
            members.append(waiter)
            lock.release()  # the next writer continues the open transaction
            return waiter, True
        self._groups[id(loop)] = []
        task = loop.create_task(self._commit_group(conn, lock, members))
        if not joined:  # nobody awaits it: a failed COMMIT reaches its members, not the loop's error log
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
        return (asyncio.shield(task) if joined else None), True

    async def _commit_group(self, conn: sqlite3.Connection, lock: asyncio.Lock, members: list) -> None:
        """COMMIT once for the group (the disk wait in a thread), tell every member, then free the lock."""
        try:
            try:
                # The disk wait (fsync, ~0.4 ms here) in a thread: the event loop serves other requests.
                await asyncio.to_thread(conn.execute, "COMMIT")
            except BaseException as exc:
                self.fail_group(conn, exc, members)
                raise
            for waiter in members:
                if not waiter.done():
                    waiter.set_result(None)
        finally:
            lock.release()

    async def _commit_leftover(self) -> None:
        lock = self.write_lock()
        await lock.acquire()
        loop_id = id(asyncio.get_running_loop())
        writer = self._writers.get((loop_id, self.path))
        if writer is None or not writer.conn.in_transaction:
            lock.release()
            return
        members, self._groups[loop_id] = self._groups.get(loop_id, []), []
        await self._commit_group(writer.conn, lock, members)

    def fail_group(self, conn: sqlite3.Connection, exc: BaseException, members: list | None = None) -> None:
        """Roll the physical transaction back and fail every member still waiting for it."""
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if members is None:
            loop_id = id(asyncio.get_running_loop())
            members, self._groups[loop_id] = self._groups.get(loop_id, []), []
        for waiter in members:
            if not waiter.done():
                waiter.set_exception(exc)

    def write_lock(self) -> asyncio.Lock:
        loop_id = id(asyncio.get_running_loop())
        lock = self._write_locks.get(loop_id)
        if lock is None:
            lock = self._write_locks[loop_id] = asyncio.Lock()
        return lock

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
        """Close this loop's idle connections (app shutdown, test teardown)."""
        loop_id = id(asyncio.get_running_loop())
        for key in [k for k in self._pools if k[0] == loop_id]:
            for connection in self._pools.pop(key).idle:
                await connection.close()
        for key in [k for k in self._readers if k[0] == loop_id]:
            self._readers.pop(key).close()
        for key in [k for k in self._writers if k[0] == loop_id]:
            self._writers.pop(key).conn.close()

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


class LoopPostgresEngine(PostgresEngine):
    """Piccolo's PostgresEngine with one connection pool per event loop.

    asyncpg connections belong to the loop that opened them. A server has one
    loop, but tests, the CLI and the scheduler's threads have several; each gets
    its own pool instead of borrowing a connection from another loop.
    """

    @property
    def pool(self):
        try:
            loop_id = id(asyncio.get_running_loop())
        except RuntimeError:
            return None
        return self.__dict__.setdefault("_loop_pools", {}).get(loop_id)

    @pool.setter
    def pool(self, value) -> None:
        try:
            loop_id = id(asyncio.get_running_loop())
        except RuntimeError:
            return  # the constructor's "no pool yet"
        pools = self.__dict__.setdefault("_loop_pools", {})
        if value is None:
            pools.pop(loop_id, None)
        else:
            pools[loop_id] = value


def make_engine(db: DatabaseSettings) -> Engine:
    if db.is_postgres:
        return LoopPostgresEngine(config={"dsn": db.url}, log_queries=False)
    db.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: a writer waits for the lock instead of failing at once.
    return PooledSQLiteEngine(path=str(db.sqlite_path), timeout=30)


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


def write_transaction():
    """A transaction for writes.

    On SQLite it is IMMEDIATE: a deferred transaction that later upgrades to a
    write lock fails at once with "database is locked" under concurrency.
    Nested calls join the outer transaction (Piccolo's allow_nested).
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return _PostgresWrite(db)


class _PostgresWrite:
    """Piccolo's PostgreSQL transaction, then (outermost only, after a commit) the data revision flush:
    the triggers only noted which partners the transaction touched (portal/revisions)."""

    def __init__(self, db: Engine) -> None:
        self._outermost = db.current_transaction.get() is None
        self._txn = db.transaction()

    async def __aenter__(self):
        return await self._txn.__aenter__()

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        result = await self._txn.__aexit__(exception_type, exception, traceback)
        if self._outermost:
            from portal.revisions.services import flush

            await flush()
        return result


_QMARK: dict[str, str] = {}


def _qmark(sql: str) -> str:
    query = _QMARK.get(sql)
    if query is None:
        query = _QMARK[sql] = sql.replace("{}", "?")
    return query


async def read(sql: str, *args) -> list[dict]:
    """A raw read with Piccolo's ``{}`` placeholders, for the queries every request makes.

    On SQLite, outside a transaction, it runs straight on the loop's reader connection: Piccolo's
    query building costs ~40 µs, more than the indexed read itself. Elsewhere it is Piccolo's path.
    """
    db = engine()
    if isinstance(db, PooledSQLiteEngine) and db.reads_inline():
        if (rows := db.read_inline(_qmark(sql), args)) is not None:
            return rows
    from piccolo.querystring import QueryString

    return await db.run_querystring(QueryString(sql, *args))


async def write(sql: str, *args) -> list[dict]:
    """A raw statement with ``{}`` placeholders, in the current write transaction if any (``RETURNING`` rows back).

    On SQLite, in a grouped (inline) transaction, it runs straight on the writer connection, skipping
    Piccolo's query building; elsewhere (PostgreSQL, a pooled SQLite transaction) it is Piccolo's path.
    """
    db = engine()
    txn = db.current_transaction.get()
    if txn is not None and getattr(txn, "_inline", False):
        return txn.connection.conn.execute(_qmark(sql), args).fetchall()
    from piccolo.querystring import QueryString

    return await db.run_querystring(QueryString(sql, *args))


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
