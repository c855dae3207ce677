"""What the bell reacts to. Registered once by the app and the CLI (portal.wiring)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.i18n import N_
from portal.notifications.services import notify_partner, notify_user

if TYPE_CHECKING:  # the claims and accounts publish, the bell listens: wired in portal.wiring, never imported here
    from portal.accounts.events import EmailAlreadyInUse
    from portal.claims.events import ClaimApprovalRevoked, ClaimDecided

# Keyed by the claim statuses' values (portal.claims.statuses, not imported: the bell must not import the
# claims package, which reaches the bell through the periods; tests/claims check every decision rings it).
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


_EMAIL_IN_USE = {
    "registration": N_("Someone tried to register the company “%(company)s” with your email address. Nothing was "
                       "changed: your account stays as it is. If it was not you, tell your manager."),
    "invitation": N_("“%(company)s” invited your email address to join their team. Your account already exists, so "
                     "the invitation cannot create another one; ask your manager if you are moving companies."),
}


async def on_email_already_in_use(event: EmailAlreadyInUse) -> None:
    await notify_user(event.user_id, f"account.{event.how}_email_in_use", _EMAIL_IN_USE[event.how],
                      {"company": event.company})
