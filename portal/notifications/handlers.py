"""What the bell reacts to. Registered once by the app and the CLI (portal.wiring)."""

from __future__ import annotations

from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
from portal.claims.statuses import APPROVED, NEEDS_INFO, REJECTED
from portal.i18n import N_
from portal.notifications.services import notify_partner

_MESSAGES = {
    APPROVED: N_("Claim #%(claim)s was approved."),
    REJECTED: N_("Claim #%(claim)s was rejected."),
    NEEDS_INFO: N_("Claim #%(claim)s needs more information."),
}


async def on_claim_decided(event: ClaimDecided) -> None:
    await notify_partner(event.partner_id, f"claim.{event.status}", _MESSAGES[event.status],
                         {"claim": event.claim_id}, link=f"/claims/{event.claim_id}")


async def on_approval_revoked(event: ClaimApprovalRevoked) -> None:
    await notify_partner(event.partner_id, "claim.revoked",
                         N_("The approval of claim #%(claim)s was withdrawn: %(reason)s"),
                         {"claim": event.claim_id, "reason": event.reason}, link=f"/claims/{event.claim_id}")
