"""The claim form: what a dealer types on a phone, checked with messages in their language."""

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

MAX_QUANTITY = 1000
MAX_AMOUNT_KOP = 50_000_000_00  # 50 million roubles in one registration is a typo, not a sale
MAX_AGE_DAYS = 366


def normalise_serial(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


MAX_SERIAL = 100  # the serial column's length

KEY = f.Field(max_length=64, pattern=r"[A-Za-z0-9_-]{16,64}")
FIELDS = {
    "quantity": f.Field(f.INT, min_value=1, max_value=MAX_QUANTITY,
                        range_message=N_("The quantity must be from 1 to %(max)s.")),
    "serials": f.Field(required=False, max_length=f.MAX_TEXT, multiline=True),
    "sold_on": f.Field(f.DATE, required_message=N_("Enter the date of the sale or installation."),
                       message=N_("Enter the date of the sale or installation.")),
    "amount": f.Field(f.AMOUNT, min_value=1, max_value=MAX_AMOUNT_KOP,
                      required_message=N_("Enter the amount in roubles, e.g. 45 990,00."),
                      message=N_("Enter the amount in roubles, e.g. 45 990,00."),
                      range_message=N_("The amount must be above zero and at most %(max)s roubles.")),
    "customer_phone": f.Field(required=False, max_length=40, pattern=r"(?a)[+\d\s()\-]{5,40}",
                              message=N_("Enter a phone number, e.g. +7 900 123-45-67.")),
    "customer_name": f.Field(required=False, max_length=200),
    "customer_city": f.Field(required=False, max_length=100),
    "comment": f.Field(required=False, max_length=2000, multiline=True),
}


@dataclass(frozen=True)
class ClaimForm:
    item_key: str
    quantity: int
    serials: list[str]
    sold_on: dt.date
    amount_kop: int
    customer_name: str
    customer_city: str
    customer_phone: str
    comment: str
    idempotency_key: str

    @classmethod
    def parse(cls, data: Mapping[str, Any], item: dict | None, today: dt.date) -> ClaimForm:
        errors = f.Errors()
        key_errors = f.Errors()
        key = KEY.clean(data, "idempotency_key", key_errors)
        if key_errors:
            errors.add("__all__", _("The form has expired. Go back, reload the page and try again."))
        if item is None:
            errors.add("item", _("Choose a product or a job type from the list."))
        values = f.clean(FIELDS, data, errors)
        quantity, sold_on = values["quantity"], values["sold_on"]
        serials = _serials(values.pop("serials"), item, quantity, errors)
        if sold_on is not None:
            if sold_on > today:
                errors.add("sold_on", _("The date cannot be in the future."))
            elif (today - sold_on).days > MAX_AGE_DAYS:
                errors.add("sold_on", _("The date is more than a year ago."))
        if errors:
            raise ValidationFailed(dict(errors))
        assert quantity is not None and sold_on is not None and item is not None
        return cls(item_key=f.clean_text(data.get("item"), multiline=False, limit=100), serials=serials,
                   amount_kop=values.pop("amount"), idempotency_key=key, **values)


def _serials(raw: str, item: dict | None, quantity: int | None, errors: f.Errors) -> list[str]:
    """One serial per unit, each matching the product's pattern (if it has one), none twice."""
    serials = [normalise_serial(s) for s in re.split(r"[\n,;]+", raw) if s.strip()]
    too_long = next((s for s in serials if len(s) > MAX_SERIAL), None)
    if too_long is not None:
        errors.add("serials", _("A serial number has at most %(n)s characters.", n=MAX_SERIAL))
    pattern = (item or {}).get("serial_pattern") or ""
    if item is not None and item.get("kind") == "product" and pattern:
        if quantity is not None and len(serials) != quantity:
            errors.add("serials", _("Enter one serial number per unit: %(n)s expected, %(got)s given.",
                                    n=quantity, got=len(serials)))
        bad = [s for s in serials if not re.fullmatch(pattern, s)]
        if bad:
            errors.add("serials", _("Serial %(serial)s does not match this product's format.", serial=bad[0]))
    if len(set(serials)) != len(serials):
        errors.add("serials", _("The same serial number is entered twice."))
    return serials
