"""Domain events the catalogue publishes. Subscribers run in the publisher's transaction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrderPlaced:
    """A partner placed a prize order (its points are reserved). The game layer counts first orders."""

    order_id: int
    partner_id: int
    user_id: int
    points: int
