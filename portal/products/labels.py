"""The products' template labels: the product categories the program knows, in words.

A category is free text an admin types; the known codes (the demo's and the import template's) have a label,
and any other category is shown as it was typed.
"""

from __future__ import annotations

from jinja2 import Environment

from portal.i18n import N_
from portal.i18n import gettext as _

CATEGORIES = {
    "boilers": N_("Boilers"), "water_heaters": N_("Water heaters"), "radiators": N_("Radiators"),
    "pumps": N_("Pumps"), "controls": N_("Controls"),
}


def product_category(code: str | None) -> str:
    return _(CATEGORIES[code]) if code in CATEGORIES else (code or "")


def register(env: Environment) -> None:
    env.filters.update(product_category=product_category)
