"""Roles and who is on which side of the program.

A shared leaf: no database, no HTTP, no domain. The web layer's guards and every domain read it
(portal.accounts.roles re-exports it for the accounts' own importers).
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


def is_partner_role(role: str) -> bool:
    return role in PARTNER_ROLES


def is_company_role(role: str) -> bool:
    return role in COMPANY_ROLES
