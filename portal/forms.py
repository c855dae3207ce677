"""Small, shared helpers for parsing form input into clean values.

One place parses every id, number, amount and text the portal reads from a request:

* ``parse_id`` / ``parse_int`` / ``parse_amount``: ASCII digits only, length-capped before ``int()`` or
  ``Decimal``, bounded (an id is 1..2**31-1, what the id columns hold on both databases); amounts are read in the
  user's locale ("45,990.00" in English, "45 990,00" in Russian) into integer kopecks or points, exactly.
* ``clean_text``: no NUL or other control characters (PostgreSQL refuses NUL in text), NFC, bounded.
  ``portal.web.input`` applies it to every form value, query value and path parameter of every request.
* ``Field`` and ``clean``: a form declares its fields once (kind, required, bounds, messages), so that a
  parser is a declaration plus the few rules that tie fields together.

Each helper returns the cleaned value or records a translated message in an errors dict. Domain packages
build their forms from these (``forms.py``). This module imports no domain.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, parse_decimal

from portal.i18n import N_, get_locale
from portal.i18n import gettext as _

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Primary keys are Piccolo's Serial: INTEGER (int4) on PostgreSQL, so no id above 2**31-1 can exist (SQLite's
# INTEGER is 64-bit). Larger ids are refused here, before a driver overflows; other whole numbers may use
# the full 64 bits (BIGINT columns), within each field's own bounds.
MAX_ID = 2**31 - 1
MAX_INT = 2**63 - 1
MAX_TEXT = 50_000  # the longest value any form takes (a list of serials); longer is cut to MAX_TEXT + 1
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")
_ID = re.compile(r"[0-9]{1,19}")
# Every C0/C1 control but tab, newline and carriage return, lone surrogates and the two non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_AMOUNT_CHARS = re.compile(r"[0-9.,'+\- \xa0\u202f\u2009₽]{1,40}")
_SPACES = re.compile("[ \xa0\u202f\u2009']")
_CURRENCY = re.compile(r"[\s\xa0\u202f]*(?:₽|RUB|руб\.?)[\s\xa0\u202f]*$", re.IGNORECASE)  # as format_money writes it
_PLAIN_AMOUNT = re.compile(r"[+-]?[0-9]{1,15}([.,][0-9]+)?")
# The form each language's pages write a sum in, read without Babel (~30 µs a call): whole units, or one
# decimal sign of the language and at most two decimals. Anything else goes through Babel as before.
_OWN_AMOUNT = {"ru": re.compile(r"([0-9]{1,15})(?:,([0-9]{1,2}))?"), "en": re.compile(r"([0-9]{1,15})(?:\.([0-9]{1,2}))?")}


def clean_text(value: Any, *, multiline: bool = True, limit: int = MAX_TEXT) -> str:
    """Text as the database can keep it: no control characters (tab and line breaks only in a multi-line
    value), composed to NFC, at most ``limit + 1`` characters (so a length check still sees it is too long)."""
    text = value if isinstance(value, str) else str(value if value is not None else "")
    if not text.isascii() or _CONTROL.search(text):
        text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    if not multiline and ("\n" in text or "\r" in text or "\t" in text):
        text = _LINE_BREAKS.sub(" ", text)
    return text[: limit + 1] if len(text) > limit else text


def parse_id(raw: Any) -> int | None:
    """An object id: ASCII digits, 1..MAX_ID; anything else (``"²"``, 25 digits, -1) is None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not _ID.fullmatch(text):
            return None
        value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_ids(values: Collection[Any]) -> list[int]:
    """The valid ids of a multi-valued field (checkboxes), in order, each once."""
    return list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))


def parse_int(raw: Any, *, min_value: int = -MAX_INT, max_value: int = MAX_INT) -> int | None:
    """A whole number typed by a person ("1 000" too): ASCII digits with an optional sign, within bounds."""
    text = _SPACES.sub("", str(raw if raw is not None else "").strip())
    if not _ASCII_INT.fullmatch(text):
        return None
    value = int(text)
    return value if min_value <= value <= max_value else None


def parse_amount(raw: Any, *, places: int = 2, locale: str | None = None, signed: bool = False) -> int | None:
    """A sum typed in the user's language, in minor units: places=2 turns roubles into kopecks, places=0
    reads whole points. "45,990.00" (English), "45 990,00" (Russian) and "45990.00" anywhere are 4599000;
    a third decimal, a letter, an exponent or another script's digits are None. Decimal, never float."""
    text = _CURRENCY.sub("", str(raw if raw is not None else "").strip())
    if not text or not _AMOUNT_CHARS.fullmatch(text):
        return None
    text = _SPACES.sub("", text)  # spaces only ever group digits
    if not signed and text[:1] in "+-":
        return None
    language = str(locale or get_locale())
    own = _OWN_AMOUNT.get(language[:2])
    if own is not None and (match := own.fullmatch(text)) and places >= len(match.group(2) or ""):
        whole, decimals = match.group(1), match.group(2) or ""
        minor = int(whole) * 10 ** places + int((decimals + "0" * places)[:places] or 0)
        return minor if minor <= MAX_INT else None
    value: Decimal | None = None
    try:
        value = parse_decimal(text, language, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        if _PLAIN_AMOUNT.fullmatch(text):  # one "," or "." as the decimal sign, whatever the language
            value = Decimal(text.replace(",", "."))
    if value is None or not value.is_finite():
        return None
    # More decimals typed than the sum has ("45,990" read in Russian is 45.990 roubles) is a grouping typed
    # the other language's way, not a precise sum: refused (amount_message() says why), never rounded.
    if -int(value.as_tuple().exponent) > places:
        return None
    minor = value.scaleb(places)
    if minor != minor.to_integral_value() or abs(minor) > MAX_INT:
        return None
    return int(minor)


_AMBIGUOUS = re.compile(r"[0-9]{1,3}[.,][0-9]{3}")


def amount_message(raw: Any, places: int = 2) -> str | None:
    """Why a sum that parse_amount refused was refused, when it can say more than "enter an amount":
    "45.990" or "45,990" may be a thousands group or three decimals, so the person is asked to write it
    the page's way. None when there is nothing more specific to say."""
    text = _SPACES.sub("", _CURRENCY.sub("", str(raw if raw is not None else "").strip()))
    if not _AMBIGUOUS.fullmatch(text):
        return None
    thousands = format_decimal(int(text[:-4] + text[-3:]), locale=get_locale())
    if places:
        return _("“%(value)s” can be read two ways: write %(thousands)s for thousands, or at most two digits "
                 "after “%(sign)s” for kopecks.", value=text, thousands=thousands,
                 sign=get_decimal_symbol(get_locale()))
    return _("“%(value)s” can be read two ways: points are whole, write %(thousands)s.", value=text,
             thousands=thousands)


class Errors(dict):
    """field name -> translated message; the first message per field wins."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


# --- declared fields ------------------------------------------------------------------------------------

TEXT, EMAIL, CHOICE, INT, AMOUNT, DATE, BOOL, ID = "text", "email", "choice", "int", "amount", "date", "bool", "id"
_TRUE = frozenset({"1", "on", "true", "yes", "да"})


@dataclass(frozen=True)
class Field:
    """One form field, declared once: what it holds, whether it must be given, its bounds and its messages.

    Messages are msgids (mark them with ``N_``); they are translated when a form is parsed. ``message`` is
    said when the value cannot be read (or breaks ``pattern``), ``range_message`` when it is outside
    ``min_value``..``max_value`` (it may use ``%(min)s`` and ``%(max)s``). An empty optional field is
    ``default``.
    """

    kind: str = TEXT
    required: bool = True
    max_length: int = 300
    multiline: bool = False
    min_value: int | None = None
    max_value: int | None = None
    places: int = 2  # amounts: 2 reads roubles into kopecks, 0 reads whole points
    choices: Collection[str] = ()
    pattern: str | None = None
    message: str = ""
    range_message: str = ""
    required_message: str = N_("This field is required.")
    default: Any = None

    def clean(self, data: Mapping[str, Any], name: str, errors: Errors) -> Any:
        raw = clean_text(data.get(name), multiline=self.multiline).strip()
        if self.kind == BOOL:
            return raw.lower() in _TRUE
        if not raw:
            if self.required:
                errors.add(name, _(self.required_message))
            return self.default if self.default is not None else ("" if self.kind in (TEXT, EMAIL, CHOICE) else None)
        if self.kind in (TEXT, EMAIL, CHOICE) and len(raw) > self.max_length:
            errors.add(name, _("At most %(n)s characters.", n=self.max_length))
            return self.default if self.default is not None else ""
        value = self._read(raw)
        if value is None:
            if self.kind == AMOUNT and (specific := amount_message(raw, self.places)):
                errors.add(name, specific)
                return self.default
            errors.add(name, _(self.message or _DEFAULT_MESSAGES[self.kind], n=self.max_length))
            return self.default
        if isinstance(value, int) and not (
                (self.min_value is None or value >= self.min_value)
                and (self.max_value is None or value <= self.max_value)):
            errors.add(name, self._range_error())
            return self.default
        return value

    def _read(self, raw: str) -> Any:
        if self.kind in (TEXT, EMAIL, CHOICE):
            if self.kind == EMAIL:
                raw = raw.lower()
                return raw if EMAIL_RE.match(raw) else None
            if self.kind == CHOICE:
                return raw if raw in self.choices else None
            return raw if self.pattern is None or re.fullmatch(self.pattern, raw) else None
        if self.kind == INT:
            return parse_int(raw)
        if self.kind == ID:
            return parse_id(raw)
        if self.kind == AMOUNT:
            return parse_amount(raw, places=self.places, signed=(self.min_value or 0) < 0)
        if self.kind == DATE:
            try:
                return dt.date.fromisoformat(raw) if len(raw) <= 10 else None
            except ValueError:
                return None
        raise ValueError(f"unknown field kind {self.kind!r}")

    def _range_error(self) -> str:
        def shown(bound: int | None) -> str:
            if bound is None:
                return ""
            if self.kind == AMOUNT:
                return format_decimal(Decimal(bound).scaleb(-self.places), locale=get_locale())
            return str(bound)

        message = self.range_message or N_("Enter a number from %(min)s to %(max)s.")
        return _(message, min=shown(self.min_value), max=shown(self.max_value))


_DEFAULT_MESSAGES = {
    TEXT: N_("At most %(n)s characters."),
    EMAIL: N_("Enter a valid email address."),
    CHOICE: N_("Choose one of the options."),
    INT: N_("Enter a whole number."),
    ID: N_("Choose one of the options."),
    AMOUNT: N_("Enter an amount, e.g. 45 990,00."),
    DATE: N_("Enter a date."),
}


def clean(fields: Mapping[str, Field], data: Mapping[str, Any], errors: Errors, prefix: str = "") -> dict[str, Any]:
    """Every declared field's clean value (``prefix`` names a repeated group's slot, e.g. "t0_")."""
    return {name: field.clean(data, prefix + name, errors) for name, field in fields.items()}


FORM_TOKEN = Field(required=False, max_length=64, pattern=r"[A-Za-z0-9_-]{16,64}")


def form_token(data: Mapping[str, Any], name: str = "token") -> str | None:
    """A form's idempotency token (``secrets.token_urlsafe``), or None when missing or not one of ours."""
    return FORM_TOKEN.clean(data, name, Errors()) or None


def text(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True, max_length: int = 300,
         multiline: bool = False) -> str:
    value = clean_text(data.get(name), multiline=multiline).strip()
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


def choice(data: Mapping[str, Any], name: str, errors: Errors, allowed: Collection[str]) -> str:
    value = clean_text(data.get(name), multiline=False, limit=200).strip()
    if value not in allowed:
        errors.add(name, _("Choose one of the options."))
    return value


def integer(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True,
            min_value: int = -MAX_ID, max_value: int = MAX_ID) -> int | None:
    """A whole number that fits an INTEGER column (int4 on PostgreSQL) unless other bounds are given."""
    raw = clean_text(data.get(name), multiline=False, limit=100).strip()
    if not raw:
        if required:
            errors.add(name, _("This field is required."))
        return None
    value = parse_int(raw, min_value=min_value, max_value=max_value)
    if value is None:
        errors.add(name, _("Enter a whole number."))
    return value


def new_password(data: Mapping[str, Any], name: str, confirm: str, errors: Errors, min_length: int = 8) -> str:
    value = clean_text(data.get(name), multiline=False, limit=1000)
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
