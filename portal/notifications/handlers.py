"""What the bell reacts to. Registered once by the app and the CLI (portal.wiring)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.i18n import N_
from portal.notifications.services import notify_partner

if TYPE_CHECKING:  # the claims publish, the bell listens: wired in portal.wiring, never imported here
    from portal.claims.events import ClaimApprovalRevoked, ClaimDecided

_MESSAGES = {
    "approved": N_("Claim #%(claim)s was approved."),
    "rejected": N_("Claim #%(claim)s was rejected."),
    "needs_info": N_("Claim #%(claim)s needs more information."),
}


async def on_claim_decided(event: ClaimDecided) -> None:
    await notify_partner(event.partner_id, f"claim.{event.status}", _MESSAGES[event.status],
                         {"claim": event.claim_id}, link=f"/claims/{event.claim_id}")


async def on_approval_revoked(event: ClaimApprovalRevoked) -> None:
    await notify_partner(event.partner_id, "claim.revoked",
                         N_("The approval of claim #%(claim)s was withdrawn: %(reason)s"),
                         {"claim": event.claim_id, "reason": event.reason}, link=f"/claims/{event.claim_id}")
