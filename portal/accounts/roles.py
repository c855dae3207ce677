"""Roles and who is on which side of the program.

A pure module: no database, no HTTP. Guards and services both read it.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PARTNER_STAFF = "partner_staff"
    PARTNER_ADMIN = "partner_admin"
    MANAGER = "manager"
    FINANCE = "finance"
    ADMIN = "admin"


PARTNER_ROLES = frozenset({Role.PARTNER_STAFF, Role.PARTNER_ADMIN})
COMPANY_ROLES = frozenset({Role.MANAGER, Role.FINANCE, Role.ADMIN})


class PartnerType(StrEnum):
    DEALER = "dealer"
    INSTALLER = "installer"


class PartnerStatus(StrEnum):
    PENDING = "pending"  # self-registered, waiting for a manager
    ACTIVE = "active"
    REJECTED = "rejected"
    DEACTIVATED = "deactivated"


PARTNER_MOVES = {  # action -> (allowed from, to); self-registration inserts PENDING, an admin's new partner ACTIVE
    "approve": ((PartnerStatus.PENDING.value,), PartnerStatus.ACTIVE.value),
    "reject": ((PartnerStatus.PENDING.value,), PartnerStatus.REJECTED.value),
    "deactivate": ((PartnerStatus.ACTIVE.value, PartnerStatus.PENDING.value), PartnerStatus.DEACTIVATED.value),
    "reactivate": ((PartnerStatus.DEACTIVATED.value,), PartnerStatus.ACTIVE.value),
}
PARTNER_AUDIT = {"approve": "partner.approved", "reject": "partner.rejected", "deactivate": "partner.deactivated",
                 "reactivate": "partner.reactivated"}


def is_partner_role(role: str) -> bool:
    return role in PARTNER_ROLES


def is_company_role(role: str) -> bool:
    return role in COMPANY_ROLES
