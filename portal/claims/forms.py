"""The claim form: what a dealer types on a phone, checked with messages in their language."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal import forms as f
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.forms import parse_rubles

MAX_QUANTITY = 1000
MAX_AMOUNT_KOP = 50_000_000_00  # 50 million roubles in one registration is a typo, not a sale
MAX_AGE_DAYS = 366


def normalise_serial(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


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
        key = str(data.get("idempotency_key") or "").strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key):
            errors.add("__all__", _("The form has expired. Go back, reload the page and try again."))
        if item is None:
            errors.add("item", _("Choose a product or a job type from the list."))
        quantity = f.integer(data, "quantity", errors)
        if quantity is not None and not 1 <= quantity <= MAX_QUANTITY:
            errors.add("quantity", _("The quantity must be from 1 to %(max)s.", max=MAX_QUANTITY))
        serials = [normalise_serial(s) for s in re.split(r"[\n,;]+", str(data.get("serials") or "")) if s.strip()]
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
        sold_on = None
        raw_date = str(data.get("sold_on") or "").strip()
        try:
            sold_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.add("sold_on", _("Enter the date of the sale or installation."))
        if sold_on is not None:
            if sold_on > today:
                errors.add("sold_on", _("The date cannot be in the future."))
            elif (today - sold_on).days > MAX_AGE_DAYS:
                errors.add("sold_on", _("The date is more than a year ago."))
        amount = parse_rubles(str(data.get("amount") or ""))
        if amount is None:
            errors.add("amount", _("Enter the amount in roubles, e.g. 45 990,00."))
        elif not 0 < amount <= MAX_AMOUNT_KOP:
            errors.add("amount", _("The amount must be above zero and at most %(max)s roubles.",
                                   max=f"{MAX_AMOUNT_KOP // 100:,}".replace(",", " ")))
        phone = f.text(data, "customer_phone", errors, required=False, max_length=40)
        if phone and not re.fullmatch(r"[+\d\s()\-]{5,40}", phone):
            errors.add("customer_phone", _("Enter a phone number, e.g. +7 900 123-45-67."))
        values = {
            "customer_name": f.text(data, "customer_name", errors, required=False, max_length=200),
            "customer_city": f.text(data, "customer_city", errors, required=False, max_length=100),
            "comment": f.text(data, "comment", errors, required=False, max_length=2000),
        }
        if errors:
            raise ValidationFailed(dict(errors))
        assert quantity is not None and sold_on is not None and amount is not None and item is not None
        return cls(item_key=str(data.get("item")), quantity=quantity, serials=serials, sold_on=sold_on,
                   amount_kop=amount, customer_phone=phone, idempotency_key=key, **values)
