"""Domain events the periods domain publishes. Subscribers run in the publisher's transaction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodClosed:
    """A reporting period finished closing (bonuses posted, acts and the payout register made).

    Published once, in the transaction that marks the period closed; the game layer moves tiers and
    leagues on it. A subscriber with heavy work should keep it idempotent (a cause key per period)."""

    code: str
    actor_id: int | None
