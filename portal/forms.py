"""Small, shared helpers for parsing form input into clean values.

Each helper returns the cleaned value or records a translated message in an
errors dict. Domain packages build their forms from these (``forms.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from portal.i18n import gettext as _

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Errors(dict):
    """field name -> translated message; the first message per field wins."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


def text(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True, max_length: int = 300) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        errors.add(name, _("This field is required."))
    elif len(value) > max_length:
        errors.add(name, _("At most %(n)s characters.", n=max_length))
    return value


def email(data: Mapping[str, Any], name: str, errors: Errors) -> str:
    value = text(data, name, errors, max_length=254).lower()
    if value and not EMAIL_RE.match(value):
        errors.add(name, _("Enter a valid email address."))
    return value


def choice(data: Mapping[str, Any], name: str, errors: Errors, allowed: set[str] | frozenset[str]) -> str:
    value = str(data.get(name) or "").strip()
    if value not in allowed:
        errors.add(name, _("Choose one of the options."))
    return value


def integer(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True) -> int | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        if required:
            errors.add(name, _("This field is required."))
        return None
    try:
        return int(raw)
    except ValueError:
        errors.add(name, _("Enter a whole number."))
        return None


def new_password(data: Mapping[str, Any], name: str, confirm: str, errors: Errors, min_length: int = 8) -> str:
    value = str(data.get(name) or "")
    if len(value) < min_length:
        errors.add(name, _("The password must be at least %(n)s characters long.", n=min_length))
    elif len(value) > 200:
        errors.add(name, _("At most %(n)s characters.", n=200))
    elif confirm and value != str(data.get(confirm) or ""):
        errors.add(confirm, _("The passwords do not match."))
    return value


def parse_rubles(raw: str) -> int | None:
    """'1 234,56' or '1234.56' roubles -> 123456 kopecks; None if it is not a sum of money (ASCII digits only)."""
    text = raw.replace("\xa0", "").replace(" ", "").replace("₽", "").replace(",", ".").strip()
    rubles, dot, kop = text.partition(".")
    if not (1 <= len(rubles) <= 12 and rubles.isascii() and rubles.isdigit()):
        return None
    if dot and not (1 <= len(kop) <= 2 and kop.isascii() and kop.isdigit()):
        return None
    return int(rubles) * 100 + int((kop + "00")[:2])
