"""Catalogue input: the prize form (also one row of an import) and the checkout form."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal import forms as f
from portal.errors import ValidationFailed
from portal.i18n import N_
from portal.i18n import gettext as _

PHONE_RE = re.compile(r"(?a)^\+?[\d\s()\-]{7,20}$")
MAX_POINTS = 100_000_000  # a prize's cost, a variant's stock: beyond this it is a typo
MAX_POSITION = 1_000_000

PRIZE_FIELDS = {
    "code": f.Field(max_length=60, pattern=r"[\w\-.]{1,60}",
                    message=N_("Letters, digits, dashes and dots only, up to 60.")),
    "name": f.Field(max_length=200),
    "category": f.Field(max_length=100),
    "description": f.Field(required=False, max_length=20_000, multiline=True),
    "points": f.Field(f.INT, min_value=1, max_value=MAX_POINTS, required_message=N_("Enter the cost: whole points above zero."),
                      message=N_("Enter the cost: whole points above zero."),
                      range_message=N_("Enter the cost: whole points above zero.")),
    "stock": f.Field(f.INT, required=False, min_value=0, max_value=MAX_POINTS,
                     message=N_("Enter a whole number, or leave empty for unlimited."),
                     range_message=N_("Enter a whole number, or leave empty for unlimited.")),
    "variants": f.Field(required=False, max_length=5000, multiline=True),
    "min_tier": f.Field(required=False, max_length=40),
    "active_from": f.Field(f.DATE, required=False),
    "active_to": f.Field(f.DATE, required=False),
    "position": f.Field(f.INT, required=False, min_value=0, max_value=MAX_POSITION, default=0),
    "hidden": f.Field(f.BOOL),
}


@dataclass(frozen=True)
class PrizeData:
    code: str
    category: str
    name: str
    description: str
    points: int
    stock: int | None  # None: unlimited
    variants: tuple[tuple[str, int | None], ...]  # (name, stock)
    min_tier: str
    active_from: dt.date | None
    active_to: dt.date | None
    position: int
    hidden: bool

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> PrizeData:
        errors = f.Errors()
        values = f.clean(PRIZE_FIELDS, data, errors)
        values["variants"] = _variants(values["variants"] or "", errors)
        if values["active_from"] and values["active_to"] and values["active_to"] < values["active_from"]:
            errors.add("active_to", _("The end is before the start."))
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(**values)


def _variants(raw: str, errors: f.Errors) -> tuple[tuple[str, int | None], ...]:
    """One variant per line (or ";" / "|"): "L: 10", or a name alone for unlimited stock."""
    variants: list[tuple[str, int | None]] = []
    for line in raw.replace(";", "\n").replace("|", "\n").splitlines():
        if not line.strip():
            continue
        vname, _sep, vstock = line.partition(":")
        vname, vstock = vname.strip(), vstock.strip()
        value = f.parse_int(vstock, min_value=0, max_value=MAX_POINTS) if vstock else None
        if not vname or len(vname) > 60 or (vstock and value is None):
            errors.add("variants", _("One variant per line: name, colon, stock (e.g. “L: 10”)."))
            break
        if any(v[0] == vname for v in variants):
            errors.add("variants", _("Variant “%(name)s” is listed twice.", name=vname))
            break
        variants.append((vname, value))
    return tuple(variants)


DELIVERY_FIELDS = {
    "recipient": f.Field(max_length=200),
    "address": f.Field(max_length=1000, multiline=True, pattern=r"(?s).{10,}",
                       required_message=N_("Enter the full delivery address: city, street, building."),
                       message=N_("Enter the full delivery address: city, street, building.")),
    "phone": f.Field(max_length=20, pattern=PHONE_RE.pattern, required_message=N_("Enter a phone number, e.g. +7 912 345-67-89."),
                     message=N_("Enter a phone number, e.g. +7 912 345-67-89.")),
}


@dataclass(frozen=True)
class Delivery:
    recipient: str
    address: str
    phone: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Delivery:
        errors = f.Errors()
        values = f.clean(DELIVERY_FIELDS, data, errors)
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(**values)
