"""The statuses of a prize order and the moves between them: spelled here only.

A pure module (no database): the catalogue services, templates and exports import these names.
"""

from __future__ import annotations

from portal.i18n import N_

AWAITING, PLACED, CONFIRMED, SHIPPED, DELIVERED, CANCELLED = (
    "awaiting_approval", "placed", "confirmed", "shipped", "delivered", "cancelled")
STATUS_LABELS = {
    AWAITING: N_("Awaiting your admin's approval"), PLACED: N_("Placed"), CONFIRMED: N_("Confirmed"),
    SHIPPED: N_("Shipped"), DELIVERED: N_("Delivered"), CANCELLED: N_("Cancelled"),
}
PARTNER_CANCELLABLE = (AWAITING, PLACED)
COMPANY_CANCELLABLE = (AWAITING, PLACED, CONFIRMED, SHIPPED)

MOVES = {  # action -> (allowed from, to); an order is inserted as AWAITING or PLACED, no move
    "approve": ((AWAITING,), PLACED),  # the partner's admin lets a staff order through
    "decline": ((AWAITING,), CANCELLED),  # ... or not
    "confirm": ((PLACED,), CONFIRMED),
    "ship": ((CONFIRMED,), SHIPPED),
    "deliver": ((SHIPPED,), DELIVERED),  # the reserved points are spent
    "cancel_own": (PARTNER_CANCELLABLE, CANCELLED),  # the partner, before the order is confirmed
    "cancel": (COMPANY_CANCELLABLE, CANCELLED),  # a manager, until delivery
}
