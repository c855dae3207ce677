"""Connects domain events to their subscribers, and domains to the database's after-commit hooks.
Called by create_app() and the CLI; idempotent."""

from __future__ import annotations

from portal import events


def wire() -> None:
    from portal import db
    from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
    from portal.notifications import handlers as bell
    from portal.plans import services as plans
    from portal.revisions import services as revisions
    from portal.rewards import services as rewards

    if not db.is_sqlite():  # SQLite's triggers bump the revisions inside the writing transaction
        db.on_commit(revisions.flush)

    events.subscribe(ClaimDecided, rewards.on_claim_decided)
    events.subscribe(ClaimDecided, plans.on_claim_decided)  # after rewards: it reads the accruals
    events.subscribe(ClaimDecided, bell.on_claim_decided)
    events.subscribe(ClaimApprovalRevoked, rewards.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, plans.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, bell.on_approval_revoked)
