"""Roles and who is on which side of the program: they live in the shared leaf portal.roles (the web
layer's guards need them, and the web layer imports no domain); this name stays for existing importers."""

from __future__ import annotations

from portal.roles import (  # noqa: F401
    COMPANY_ROLES,
    PARTNER_ROLES,
    PartnerStatus,
    PartnerType,
    Role,
    is_company_role,
    is_partner_role,
)


PARTNER_MOVES = {  # action -> (allowed from, to); self-registration inserts PENDING, an admin's new partner ACTIVE
    "approve": ((PartnerStatus.PENDING.value,), PartnerStatus.ACTIVE.value),
    "reject": ((PartnerStatus.PENDING.value,), PartnerStatus.REJECTED.value),
    "deactivate": ((PartnerStatus.ACTIVE.value, PartnerStatus.PENDING.value), PartnerStatus.DEACTIVATED.value),
    "reactivate": ((PartnerStatus.DEACTIVATED.value,), PartnerStatus.ACTIVE.value),
}
PARTNER_AUDIT = {"approve": "partner.approved", "reject": "partner.rejected", "deactivate": "partner.deactivated",
                 "reactivate": "partner.reactivated"}
