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
from babel.core import negotiate_locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, parse_pattern
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
    """Pick a supported locale from an Accept-Language header.

    The header only gives the order (by its q-values, "q=0" meaning "not this one"); matching a tag such
    as "en-GB" or "ru_RU" to a supported language is Babel's ``negotiate_locale``.
    """
    if not accept_language:
        return default
    return _negotiate(accept_language[:256], default)  # a real header is far shorter; the cache stays small


@lru_cache(maxsize=512)  # a handful of distinct headers: browsers send the same one on every request
def _negotiate(accept_language: str, default: str) -> str:
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag.strip() and weight > 0:
            weighted.append((weight, tag.strip().replace("_", "-")))
    preferred = [tag for _, tag in sorted(weighted, key=lambda w: -w[0])]  # stable: ties keep header order
    chosen = negotiate_locale(preferred, SUPPORTED, sep="-")
    return chosen.lower() if chosen else default  # Babel answers in the header's own case ("EN")


def gettext(message: str, **params: object) -> str:
    text = translations(get_locale()).ugettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(get_locale()).ungettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


_ = gettext


# --- formatting at the edge -------------------------------------------------

@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=None)
def _money_pattern(code: str):
    # English CLDR puts a bare "RUB" before the digits; "1,234.56 RUB" reads better.
    return parse_pattern("#,##0.00\xa0¤" if code == "en" else _locale(code).currency_formats["standard"].pattern)


@lru_cache(maxsize=None)
def _symbols(code: str) -> tuple[str, str, str, str]:
    """(group, decimal, minus, currency suffix) from CLDR, read once per locale."""
    sample = _money_pattern(code).apply(Decimal("-1234.56"), _locale(code), currency="RUB", currency_digits=True)
    numbers = _locale(code).number_symbols.get("latn", _locale(code).number_symbols)
    suffix = sample[sample.rindex("6") + 1:]
    return numbers["group"], numbers["decimal"], numbers["minusSign"], suffix


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


def format_money(amount_kop: int | None, locale: str | None = None) -> str:
    """Kopecks to text: 123456 -> '1 234,56 ₽' in Russian, '1,234.56 RUB' in English.

    Symbols and the currency's place come from CLDR through Babel, read once per
    locale; Babel's own format_currency costs ~0.15 ms a call, and a list page
    shows dozens of sums. A test checks both agree.
    """
    if amount_kop is None:
        return ""
    group, decimal, minus, suffix = _symbols(locale or get_locale())
    value = int(amount_kop)
    rubles, kop = divmod(abs(value), 100)
    return f"{minus if value < 0 else ''}{_group(str(rubles), group)}{decimal}{kop:02d}{suffix}"


def format_points(points: int | None, locale: str | None = None) -> str:
    if points is None:
        return ""
    group, _decimal, minus, _suffix = _symbols(locale or get_locale())
    value = int(points)
    return f"{minus if value < 0 else ''}{_group(str(abs(value)), group)}"


def format_number(value: int | float | Decimal | None, locale: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):  # the common case, without Babel's ~45 µs per call
        return format_points(value, locale)
    return format_decimal(value, locale=locale or get_locale())


def format_hundredths(value: int, locale: str | None = None) -> str:
    """An integer in hundredths as a decimal: 7999 -> '79,99', 8000 -> '80' (exact, no float)."""
    group, decimal, minus, _suffix = _symbols(locale or get_locale())
    whole, frac = divmod(abs(int(value)), 100)
    text = _group(str(whole), group) + (f"{decimal}{frac:02d}".rstrip("0") if frac else "")
    return (minus if value < 0 else "") + text


def format_date(value: dt.date | dt.datetime | None, fmt: str = "medium", locale: str | None = None) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, dt.datetime) else value
    return _format_day(day, fmt, locale or get_locale())


@lru_cache(maxsize=8192)
def _format_day(day: dt.date, fmt: str, code: str) -> str:
    return _babel_format_date(day, format=fmt, locale=_locale(code))


def format_datetime(
    value: dt.datetime | None, tz: str = "Europe/Moscow", fmt: str = "short", locale: str | None = None
) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    if fmt == "short":  # shows minutes only: pages repeat the same minute often
        return _format_minute(value.replace(second=0, microsecond=0), tz, locale or get_locale())
    return _babel_format_datetime(value, format=fmt, tzinfo=_zone(tz), locale=_locale(locale or get_locale()))


@lru_cache(maxsize=8192)
def _format_minute(value: dt.datetime, tz: str, code: str) -> str:
    return _babel_format_datetime(value, format="short", tzinfo=_zone(tz), locale=_locale(code))


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def language_name(code: str) -> str:
    return Locale.parse(code).get_display_name(code).capitalize()


def format_period(code: str | None, locale: str | None = None) -> str:
    """A reporting period's code as people say it: "2026-11" → "Ноябрь 2026" / "November 2026",
    "2026-Q4" → "4-й квартал 2026" / "4th quarter 2026". Anything else comes back as it was."""
    if not code:
        return ""
    return _format_period(str(code), locale or get_locale())


@lru_cache(maxsize=1024)
def _format_period(code: str, lang: str) -> str:
    import re

    match = re.fullmatch(r"(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))", code.strip())
    if not match:
        return code
    year = int(match.group(1))
    if match.group(2):
        text = _babel_format_date(dt.date(year, int(match.group(2)), 1), format="LLLL y", locale=_locale(lang))
    else:
        text = _babel_format_date(dt.date(year, (int(match.group(3)) - 1) * 3 + 1, 1), format="QQQQ y",
                                  locale=_locale(lang))
    return text[:1].upper() + text[1:]
