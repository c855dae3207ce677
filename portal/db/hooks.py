"""After-commit hooks: code run after every outermost write transaction commits.

A domain registers its hook at wiring time (``db.on_commit(fn)``), so the database layer imports no
domain. portal.revisions registers its PostgreSQL flush here. A hook runs after the data is durable;
it must not raise (an exception is logged and the next hook still runs) and may open its own
transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
_HOOKS: list[Hook] = []


def on_commit(fn: Hook) -> Hook:
    """Run ``await fn()`` after every outermost write transaction (registering twice registers once)."""
    if fn not in _HOOKS:
        _HOOKS.append(fn)
    return fn


def has_hooks() -> bool:
    return bool(_HOOKS)


async def run_after_commit() -> None:
    for fn in tuple(_HOOKS):
        try:
            await fn()
        except Exception:  # noqa: BLE001 - the transaction is committed; a hook's failure must not undo that answer
            log.warning("after-commit hook %r failed", fn, exc_info=True)


class AfterCommit:
    """A Piccolo transaction that, when it is the outermost one and commits, then runs the hooks."""

    def __init__(self, db, txn) -> None:
        self._outermost = db.current_transaction.get() is None
        self._txn = txn

    async def __aenter__(self):
        return await self._txn.__aenter__()

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        result = await self._txn.__aexit__(exception_type, exception, traceback)
        if self._outermost and exception is None:
            await run_after_commit()
        return result
