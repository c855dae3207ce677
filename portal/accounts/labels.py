"""The accounts' template labels and filters: regions, roles, partner types and statuses."""

from __future__ import annotations

from jinja2 import Environment

from portal.accounts.regions import REGIONS
from portal.accounts.roles import PartnerType, Role
from portal.accounts.services import PARTNER_STATUS_LABELS
from portal.i18n import N_
from portal.web.templating import label, options

ROLE_LABELS = {
    Role.PARTNER_STAFF.value: N_("Partner staff"),
    Role.PARTNER_ADMIN.value: N_("Partner administrator"),
    Role.MANAGER.value: N_("Manager"),
    Role.FINANCE.value: N_("Finance"),
    Role.ADMIN.value: N_("Administrator"),
}

PARTNER_TYPE_LABELS = {
    PartnerType.DEALER.value: N_("Dealer"),
    PartnerType.INSTALLER.value: N_("Installer"),
}


def register(env: Environment) -> None:
    env.filters.update(region=label(REGIONS), role=label(ROLE_LABELS), partner_type=label(PARTNER_TYPE_LABELS),
                       partner_status=label(PARTNER_STATUS_LABELS))
    env.globals.update(
        REGIONS=REGIONS, ROLE_LABELS=ROLE_LABELS, PARTNER_TYPE_LABELS=PARTNER_TYPE_LABELS,
        PARTNER_STATUS_LABELS=PARTNER_STATUS_LABELS, region_options=options(REGIONS),
        partner_type_options=options(PARTNER_TYPE_LABELS), role_options=options(ROLE_LABELS),
        partner_status_options=options(PARTNER_STATUS_LABELS))
