"""Connects domain events to their subscribers. Called by create_app() and the CLI; idempotent."""

from __future__ import annotations

from portal import events


def wire() -> None:
    from portal.claims.events import ClaimDecided
    from portal.notifications.handlers import on_claim_decided
    from portal.rewards.services import on_claim_decided as accrue_on_decision

    events.subscribe(ClaimDecided, accrue_on_decision)
    events.subscribe(ClaimDecided, on_claim_decided)
