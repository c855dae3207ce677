"""The PostgreSQL engine: Piccolo's PostgresEngine with one asyncpg pool per event loop.

Owns how a transaction is opened on PostgreSQL. It must never hold business rules.
"""

from __future__ import annotations

import asyncio

from piccolo.engine.postgres import PostgresEngine



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
