"""Connects domain events to their subscribers. Called by create_app() and the CLI; idempotent."""

from __future__ import annotations

from portal import events


def wire() -> None:
    from portal.accounts.events import EmailAlreadyInUse
    from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
    from portal.notifications import handlers as bell
    from portal.plans import services as plans
    from portal.rewards import services as rewards

    events.subscribe(ClaimDecided, rewards.on_claim_decided)
    events.subscribe(ClaimDecided, plans.on_claim_decided)  # after rewards: it reads the accruals
    events.subscribe(ClaimDecided, bell.on_claim_decided)
    events.subscribe(ClaimApprovalRevoked, rewards.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, plans.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, bell.on_approval_revoked)
    events.subscribe(EmailAlreadyInUse, bell.on_email_already_in_use)
