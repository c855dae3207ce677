"""Catalogue input: the prize form (also one row of an import) and the checkout form."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.errors import ValidationFailed
from portal.forms import Errors
from portal.i18n import gettext as _

PHONE_RE = re.compile(r"^\+?[\d\s()\-]{7,20}$")


def _int_or_none(raw: str) -> int | None:
    raw = raw.replace(" ", "").replace("\xa0", "")
    return int(raw) if raw.isdigit() else None


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
        errors = Errors()
        get = lambda name: str(data.get(name) if data.get(name) is not None else "").strip()  # noqa: E731
        code = get("code")
        if not code:
            errors.add("code", _("This field is required."))
        elif not re.fullmatch(r"[\w\-.]{1,60}", code):
            errors.add("code", _("Letters, digits, dashes and dots only, up to 60."))
        name = get("name")
        if not name:
            errors.add("name", _("This field is required."))
        category = get("category")
        if not category:
            errors.add("category", _("This field is required."))
        points = _int_or_none(get("points"))
        if not points:
            errors.add("points", _("Enter the cost: whole points above zero."))
        raw_stock = get("stock")
        stock = _int_or_none(raw_stock) if raw_stock else None
        if raw_stock and stock is None:
            errors.add("stock", _("Enter a whole number, or leave empty for unlimited."))
        variants = []
        for line in get("variants").replace(";", "\n").replace("|", "\n").splitlines():
            if not line.strip():
                continue
            vname, _sep, vstock = line.partition(":")
            vname, vstock = vname.strip()[:60], vstock.strip()
            value = _int_or_none(vstock) if vstock else None
            if not vname or (vstock and value is None):
                errors.add("variants", _("One variant per line: name, colon, stock (e.g. “L: 10”)."))
                break
            if any(v[0] == vname for v in variants):
                errors.add("variants", _("Variant “%(name)s” is listed twice.", name=vname))
                break
            variants.append((vname, value))
        dates = {}
        for field in ("active_from", "active_to"):
            raw = get(field)
            dates[field] = None
            if raw:
                try:
                    dates[field] = dt.date.fromisoformat(raw)
                except ValueError:
                    errors.add(field, _("Enter a date."))
        if dates["active_from"] and dates["active_to"] and dates["active_to"] < dates["active_from"]:
            errors.add("active_to", _("The end is before the start."))
        position = _int_or_none(get("position")) or 0
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(code, category[:100], name[:200], get("description")[:20_000], points, stock, tuple(variants),
                   get("min_tier")[:40], dates["active_from"], dates["active_to"], position,
                   get("hidden").lower() in ("1", "on", "true", "yes", "да"))


@dataclass(frozen=True)
class Delivery:
    recipient: str
    address: str
    phone: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Delivery:
        errors = Errors()
        recipient = str(data.get("recipient") or "").strip()
        address = str(data.get("address") or "").strip()
        phone = str(data.get("phone") or "").strip()
        if not recipient:
            errors.add("recipient", _("This field is required."))
        if len(address) < 10:
            errors.add("address", _("Enter the full delivery address: city, street, building."))
        if not PHONE_RE.match(phone):
            errors.add("phone", _("Enter a phone number, e.g. +7 912 345-67-89."))
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(recipient[:200], address[:1000], phone[:40])
