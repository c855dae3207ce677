"""The statuses of a claim and the moves between them: spelled here only.

A pure module (no database, no domain imports): the claims services, raw SQL in plans and rewards, the
notifications and the templates import these names.
"""

from __future__ import annotations

from portal.i18n import N_

SUBMITTED, RESUBMITTED = "submitted", "resubmitted"
APPROVED, REJECTED, NEEDS_INFO, WITHDRAWN = "approved", "rejected", "needs_info", "withdrawn"
OPEN = (SUBMITTED, RESUBMITTED)  # waiting for a manager: the partner may still edit or withdraw it

STATUS_LABELS = {
    SUBMITTED: N_("Submitted"),
    RESUBMITTED: N_("Resubmitted"),
    APPROVED: N_("Approved"),
    REJECTED: N_("Declined"),
    NEEDS_INFO: N_("Needs information"),
    WITHDRAWN: N_("Withdrawn"),
}

MOVES = {  # action -> (allowed from, to); a new claim is inserted as SUBMITTED, no move
    "approve": (OPEN, APPROVED),
    "reject": (OPEN, REJECTED),
    "needs_info": (OPEN, NEEDS_INFO),
    "withdraw": (OPEN, WITHDRAWN),
    "resubmit": ((NEEDS_INFO,), RESUBMITTED),
    "revoke": ((APPROVED,), NEEDS_INFO),  # an approval taken back: its accruals are reversed
}
AUDIT_ACTIONS = {"approve": "claim.approved", "reject": "claim.rejected", "needs_info": "claim.needs_info",
                 "withdraw": "claim.withdrawn", "resubmit": "claim.resubmitted", "revoke": "claim.approval_revoked"}
DECISIONS = ("approve", "reject", "needs_info")  # a manager's ruling on an open claim

# SQL fragments for raw queries in other domains (plans, rewards, dashboard)
SQL_OPEN = "('" + "', '".join(OPEN) + "')"
