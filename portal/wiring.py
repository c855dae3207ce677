"""Connects domain events to their subscribers. Called by create_app() and the CLI; idempotent."""

from __future__ import annotations

from portal import events


def wire() -> None:
    from portal.claims.events import ClaimDecided
    from portal.notifications.handlers import on_claim_decided

    events.subscribe(ClaimDecided, on_claim_decided)
