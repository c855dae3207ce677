"""Domain events the claims domain publishes. Subscribers run in the publisher's transaction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimDecided:
    """A manager ruled on a claim. Rewards accrue on "approved"; notifications tell the partner."""

    claim_id: int
    partner_id: int
    status: str  # approved | rejected | needs_info
    actor_id: int


@dataclass(frozen=True)
class ClaimApprovalRevoked:
    """A manager took an approval back (the claim returns to the partner). Rewards reverse the accruals."""

    claim_id: int
    partner_id: int
    actor_id: int
    reason: str
