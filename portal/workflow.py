"""One way to change a status: a domain's transitions map, and the compare-and-set that applies it.

Each domain (claims, prize orders, partners, periods, payout lines) declares its own ``Workflow``: the table,
the column that names a row, and its moves, ``action -> (statuses it may start from, status it ends in)``
(django-oscar's ``set_status`` with its pipeline map). The domain's own ``set_status()`` calls ``move()`` and
then writes its event row, its audit entry and its domain event, in the same transaction.

``move()`` reads the row, refuses an action the map does not allow from its status, and then updates it with
``WHERE status = <the status it read>``: of two concurrent moves one wins and the other is refused, so a
decision, a payment or a cancellation happens once. Must be called inside a write transaction.

A shared leaf: it imports no domain and never writes anything but the row's status (and the columns the
caller gives).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

from portal.errors import NotFound

Moves = Mapping[str, tuple[tuple[str, ...], str]]


class Refused(Exception):
    """The row is not in a status the action starts from (or another move won the race to it).

    ``current`` is the row as it is now; the domain turns this into its own user-facing message.
    """

    def __init__(self, action: str, current: dict):
        super().__init__(f"{action} refused from {current.get('status')!r}")
        self.action = action
        self.current = current


@dataclass(frozen=True)
class Moved:
    before: dict  # the row as read, before the move
    after: dict  # the row as the UPDATE left it

    @property
    def old(self) -> str:
        return self.before["status"]

    @property
    def new(self) -> str:
        return self.after["status"]


@dataclass(frozen=True)
class Workflow:
    table: type[Table]
    moves: Moves
    key: str = "id"

    def __post_init__(self) -> None:
        for action, (sources, target) in self.moves.items():
            if not sources or target in sources:
                raise ValueError(f"{self.table._meta.tablename}: move {action!r} must change the status")

    def allows(self, action: str, status: str) -> bool:
        move = self.moves.get(action)
        return move is not None and status in move[0]

    def target(self, action: str) -> str:
        return self.moves[action][1]

    async def move(self, key: Any, action: str, *, where: Any = None, values: Mapping[Column, Any] | None = None,
                   guard: Callable[[dict], Awaitable[None]] | None = None) -> Moved:
        """Apply ``action`` to the row ``key``; ``where`` narrows who may reach it (NotFound otherwise),
        ``values`` are further columns set with the status, ``guard`` may refuse after the row is read.
        Raises KeyError for an action not in the map and Refused when its status does not allow it."""
        sources, target = self.moves[action]
        table = self.table
        condition = getattr(table, self.key) == key
        if where is not None:
            condition &= where
        row = await table.select().where(condition).first()
        if row is None:
            raise NotFound()
        if row["status"] not in sources:
            raise Refused(action, row)
        if guard is not None:
            await guard(row)
        changed = {table.status: target, **(values or {})}
        rows = await table.update(changed).where(condition & (table.status == row["status"])).returning(
            *table.all_columns())
        if not rows:
            now = await table.select().where(condition).first()
            raise Refused(action, now or row)
        return Moved(row, rows[0])
