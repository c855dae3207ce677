"""Long and bulk work off the event loop that serves pages.

``run_off_loop(fn, *args)`` runs ``await fn(*args)`` on a thread of its own, with its own event loop
and so its own connections (the engines keep their pools, writer connection and write lock per loop),
and awaits the result without blocking the caller's loop. Use it for work that holds the database or the
CPU for long: the period close, big ledger batches, rebuilds, file imports, scheduled jobs.

How it meets the caller's writers. SQLite: the worker's write transactions take BEGIN IMMEDIATE in its
own loop; while the server's loop holds the write lock (a group is open) the worker waits in SQLite's busy
handler on its own connection's thread, and while the worker holds it the server's writers fall back to
pooled connections that wait the same way. Neither side holds an asyncio lock across loops, so they
cannot deadlock. PostgreSQL: the worker's loop gets its own small pool. Called inside a transaction, the
work joins it on the caller's loop instead (a thread would wait for the lock its own caller holds).

The worker starts from a copy of the caller's context (the request's language, say), with no
transaction. Cancelling the caller does not stop work already started: the work is idempotent and
resumable by design (cause keys), and it finishes or fails on its own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from portal.db.engine import engine, in_transaction, is_sqlite

P = ParamSpec("P")
T = TypeVar("T")

PG_POOL_SIZE = 4
LEFTOVER_WAIT_S = 30.0  # tasks the work left behind get this long to end before they are cancelled


async def run_off_loop(fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
    """``await fn(*args, **kwargs)`` on a worker thread with its own event loop; its result or exception."""
    if in_transaction():
        return await fn(*args, **kwargs)
    done: concurrent.futures.Future = concurrent.futures.Future()
    context = contextvars.copy_context()

    def work() -> None:
        if not done.set_running_or_notify_cancel():
            return  # the caller gave up before the thread started
        try:
            result = context.run(asyncio.run, _in_own_loop(fn, args, kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            done.set_exception(exc)
        else:
            done.set_result(result)

    threading.Thread(target=work, name=f"premia-offloop-{getattr(fn, '__name__', 'work')}", daemon=True).start()
    return await asyncio.wrap_future(done)


async def _in_own_loop(fn, args, kwargs):
    from portal.settings import get_settings

    db = engine()
    pg_pool = not is_sqlite() and get_settings().db.pool
    if pg_pool:
        await db.start_connection_pool(min_size=1, max_size=PG_POOL_SIZE)
    try:
        return await fn(*args, **kwargs)
    finally:
        # Tasks the work left behind (a group's COMMIT, say) end before this loop's connections close.
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if others:
            _done, stuck = await asyncio.wait(others, timeout=LEFTOVER_WAIT_S)
            for task in stuck:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
        if is_sqlite():
            await db.close_pool()
        elif pg_pool:
            await db.close_connection_pool()
