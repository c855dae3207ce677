"""A tiny in-process event bus.

``publish()`` runs every subscriber inside the caller's transaction, in order,
so a subscriber's writes commit or roll back together with the cause. It must
never do I/O outside the database (mail goes through an outbox).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

Handler = Callable[[Any], Awaitable[None]]

_subscribers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type, handler: Handler) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


async def publish(event: object) -> None:
    for handler in list(_subscribers[type(event)]):
        await handler(event)
