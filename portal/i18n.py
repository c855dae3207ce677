"""Languages and locale-aware formatting.

Owns the translation catalogues (Babel, gettext) and every formatter of money,
points, numbers and dates. Money and points stay integers everywhere else;
this module is the edge where they become text. It must never decide amounts.

Catalogues are the committed ``.po`` files under ``portal/locale``; they are
compiled in memory at first use, so a fresh checkout needs no build step and a
stale ``.mo`` can never be served.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SUPPORTED = ("ru", "en")
DEFAULT = "ru"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("premia_locale", default=DEFAULT)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet."""
    return message


@lru_cache(maxsize=None)
def translations(locale: str) -> NullTranslations:
    po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def get_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> contextvars.Token:
    if locale not in SUPPORTED:
        locale = DEFAULT
    return _current.set(locale)


def reset_locale(token: contextvars.Token) -> None:
    _current.reset(token)


def negotiate(accept_language: str | None, default: str = DEFAULT) -> str:
    """Pick a supported locale from an Accept-Language header."""
    if not accept_language:
        return default
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        piece = part.strip()
        if not piece:
            continue
        lang, _, q = piece.partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        weighted.append((weight, lang.strip().lower()[:2]))
    for _, lang in sorted(weighted, key=lambda w: -w[0]):
        if lang in SUPPORTED:
            return lang
    return default


def gettext(message: str, **params: object) -> str:
    text = translations(get_locale()).ugettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(get_locale()).ungettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


_ = gettext


# --- formatting at the edge -------------------------------------------------

def format_money(amount_kop: int | None, locale: str | None = None) -> str:
    """Kopecks to text: 123456 -> '1 234,56 ₽' in Russian, 'RUB 1,234.56' in English."""
    if amount_kop is None:
        return ""
    rubles = Decimal(int(amount_kop)) / 100
    loc = locale or get_locale()
    # English CLDR puts a bare "RUB" before the digits; "1,234.56 RUB" reads better.
    fmt = "#,##0.00\xa0¤" if loc == "en" else None
    return format_currency(rubles, "RUB", format=fmt, locale=loc, currency_digits=True)


def format_points(points: int | None, locale: str | None = None) -> str:
    if points is None:
        return ""
    return format_decimal(int(points), locale=locale or get_locale())


def format_number(value: int | float | Decimal | None, locale: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=locale or get_locale())


def format_date(value: dt.date | dt.datetime | None, fmt: str = "medium", locale: str | None = None) -> str:
    if value is None:
        return ""
    return _babel_format_date(value, format=fmt, locale=locale or get_locale())


def format_datetime(
    value: dt.datetime | None, tz: str = "Europe/Moscow", fmt: str = "short", locale: str | None = None
) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return _babel_format_datetime(value, format=fmt, tzinfo=ZoneInfo(tz), locale=locale or get_locale())


def language_name(code: str) -> str:
    return Locale.parse(code).get_display_name(code).capitalize()
