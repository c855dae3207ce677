"""The PostgreSQL engine: Piccolo's PostgresEngine with one asyncpg pool per event loop.

Owns how a transaction is opened on PostgreSQL. It must never hold business rules.
"""

from __future__ import annotations

import asyncio

from piccolo.engine.postgres import PostgresEngine

from portal.db.hooks import run_after_commit


class LoopPostgresEngine(PostgresEngine):
    """Piccolo's PostgresEngine with one connection pool per event loop.

    asyncpg connections belong to the loop that opened them. A server has one
    loop, but tests, the CLI, the scheduler's threads and off-loop workers
    (portal.db.offloop) have several; each gets its own pool instead of
    borrowing a connection from another loop.
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


class PostgresWrite:
    """Piccolo's PostgreSQL transaction, then (outermost only, after a commit) the after-commit hooks
    (portal.db.hooks: the data revision flush of portal.revisions is one)."""

    def __init__(self, db: PostgresEngine) -> None:
        self._outermost = db.current_transaction.get() is None
        self._txn = db.transaction()

    async def __aenter__(self):
        return await self._txn.__aenter__()

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        result = await self._txn.__aexit__(exception_type, exception, traceback)
        if self._outermost and exception is None:
            await run_after_commit()
        return result
