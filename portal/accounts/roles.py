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
