"""The statuses of reporting periods and payout lines, and the moves between them: spelled here only.

A pure module (no database): services, raw SQL and templates import these names.
"""

from __future__ import annotations

from portal.i18n import N_

# --- periods: open -> closing -> closed -----------------------------------------------------------
OPEN, CLOSING, CLOSED = "open", "closing", "closed"
STATUS_LABELS = {OPEN: N_("Open"), CLOSING: N_("Closing"), CLOSED: N_("Closed")}
PERIOD_MOVES = {  # action -> (allowed from, to)
    "close": ((OPEN,), CLOSING),  # the close's lock: nothing dated in the period changes from here on
    "finish": ((CLOSING,), CLOSED),
}
PERIOD_AUDIT = {"close": "period.closing", "finish": "period.closed"}

# --- payout lines: draft -> approved -> paid (and back) -------------------------------------------
DRAFT, APPROVED, PAID = "draft", "approved", "paid"
LINE_LABELS = {DRAFT: N_("Draft"), APPROVED: N_("Approved for payment"), PAID: N_("Paid")}
LINE_MOVES = {  # action -> (allowed from, to)
    "approve": ((DRAFT,), APPROVED),
    "unapprove": ((APPROVED,), DRAFT),
    "pay": ((APPROVED,), PAID),
    "unpay": ((PAID,), APPROVED),
}
