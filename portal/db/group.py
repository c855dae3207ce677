"""SQLite group commit: one process's write transactions share one physical transaction and one COMMIT.

Owns the inline writer connection of each event loop, the asyncio write lock writers queue on, and the
hand-over of an open transaction from one writer to the next. It must never decide what is written;
portal.db.sqlite's transaction calls it.

A write transaction that runs inline is a SAVEPOINT inside one physical transaction. When it ends and
other writers are queued, it hands the open transaction to the next one and waits; the last of the group
COMMITs once (one fsync for all) and tells the others. Each caller still returns only after its work is
durable, and a failed COMMIT fails every member. A member that rolled back undid only its own savepoint.
With group commit off (``PREMIA_SQLITE_GROUP_COMMIT=false``) every transaction is a group of one: it
COMMITs as it ends, and the next writer waits for that COMMIT.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from piccolo.engine.sqlite import dict_factory


COMMIT_BUSY_TIMEOUT_MS = 10_000


def _commit(conn: sqlite3.Connection) -> None:
    """COMMIT, in a thread. The writer connection never waits on the event loop (busy timeout 0: it is only used
    once BEGIN IMMEDIATE succeeded at once), but its COMMIT may still meet a moment's contention on the WAL index
    (another connection opening or checkpointing) and answered "database is locked" under load. Here, off the
    loop, it may wait for that."""
    conn.execute(f"PRAGMA busy_timeout = {COMMIT_BUSY_TIMEOUT_MS}")
    try:
        conn.execute("COMMIT")
    finally:
        conn.execute("PRAGMA busy_timeout = 0")


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


class GroupCommit:
    """The engine's side of group commit (mixed into PooledSQLiteEngine). State is kept per event loop:
    each loop (the server's, an off-loop worker's) has its own writer connection, lock and group."""

    GROUP_MAX = 64
    CLOSE_WAIT_SECONDS = 10.0  # how long closing a loop's writer waits for a COMMIT still running
    group_commit = True

    def _init_group(self, group_commit: bool) -> None:
        self.group_commit = group_commit
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

    def write_lock(self) -> asyncio.Lock:
        loop_id = id(asyncio.get_running_loop())
        lock = self._write_locks.get(loop_id)
        if lock is None:
            lock = self._write_locks[loop_id] = asyncio.Lock()
        return lock

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
        if self.group_commit and self._queued.get(id(loop), 0) > 0 and len(members) < self.GROUP_MAX:
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
                await asyncio.to_thread(_commit, conn)
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

    async def _forget_loop_writers(self, loop_id: int) -> None:
        """Close this loop's writer and drop its lock and queue: a loop's id may be reused by a later one.

        A group's COMMIT may still be running in a thread (a writer that rolled back hands the COMMIT to a
        task nobody awaits); closing the connection under it crashed the process. That task holds the write
        lock until its COMMIT is done, so take the lock first (bounded: a writer that never ended must not
        hang the shutdown)."""
        lock = self._write_locks.get(loop_id)
        if lock is not None:
            try:
                await asyncio.wait_for(lock.acquire(), self.CLOSE_WAIT_SECONDS)
            except asyncio.TimeoutError:
                pass
        for key in [k for k in self._writers if k[0] == loop_id]:
            self._writers.pop(key).conn.close()
        self._write_locks.pop(loop_id, None)
        self._queued.pop(loop_id, None)
        self._groups.pop(loop_id, None)
