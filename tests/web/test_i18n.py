"""Languages and locale formatting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from portal import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def _extracted_msgids() -> set:
    found = set()
    methods = [("portal/**.py", "python"), ("catalog/**.py", "python"), ("scheduler/**.py", "python"),
               ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), method_map=methods,
                                                                   options_map=options, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_user_facing_message_has_a_russian_translation():
    with open(ROOT / "portal/locale/ru/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale="ru")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and (isinstance(m.string, str) or all(m.string)) and not m.fuzzy
    }
    missing = sorted(_extracted_msgids() - translated)
    assert not missing, f"run `make i18n` and translate: {missing}"


def test_money_is_formatted_per_locale():
    assert i18n.format_money(123456, "ru") == "1\xa0234,56\xa0₽"
    assert i18n.format_money(123456, "en") == "1,234.56\xa0RUB"
    assert i18n.format_money(-5, "ru") == "-0,05\xa0₽"


def test_points_and_dates_are_formatted_per_locale():
    assert i18n.format_points(1234567, "ru") == "1\xa0234\xa0567"
    assert i18n.format_points(1234567, "en") == "1,234,567"
    assert i18n.format_date(dt.date(2026, 3, 8), "long", "ru") == "8 марта 2026\u202fг."


def test_datetimes_are_shown_in_the_company_timezone():
    midnight_utc = dt.datetime(2026, 1, 1, 21, 30, tzinfo=dt.timezone.utc)
    assert i18n.format_datetime(midnight_utc, "Europe/Moscow", "short", "ru") == "02.01.2026, 00:30"


def test_accept_language_picks_a_supported_language():
    assert i18n.negotiate("en-GB,en;q=0.9,ru;q=0.8") == "en"
    assert i18n.negotiate("de-DE,de;q=0.9") == "ru"
    assert i18n.negotiate("de;q=0.9,ru;q=0.5,en;q=0.7") == "en"


def test_a_language_the_browser_refuses_is_never_chosen():
    """"q=0" means "not this one" (RFC 9110): the company's default language is used instead."""
    assert i18n.negotiate("en;q=0") == "ru"
    assert i18n.negotiate("fr, en;q=0") == "ru"


def test_language_tags_match_whatever_their_case_or_separator():
    assert i18n.negotiate("EN-us") == "en"
    assert i18n.negotiate("ru_RU, en;q=0.5") == "ru"
    assert i18n.negotiate("zh-Hant-TW, en;q=0.8") == "en"


def test_russian_plurals():
    token = i18n.set_locale("ru")
    try:
        assert [i18n.ngettext("%(num)s person", "%(num)s people", n) for n in (1, 3, 5, 21)] == [
            "1 человек", "3 человека", "5 человек", "21 человек"]
    finally:
        i18n.reset_locale(token)


async def test_browser_language_is_used_until_the_user_chooses(client):
    page = await client.get("/login", headers={"accept-language": "en-US,en;q=0.9"})
    assert "Sign in to Premia" in page.text
    page = await client.get("/login")
    assert "Вход в «Премию»" in page.text


def test_fast_money_and_points_formatting_agrees_with_babel():
    from decimal import Decimal

    from babel.numbers import format_currency, format_decimal

    for kop in (0, 5, -5, 99, 100, 123456, -123456, 100000000, 987654321012):
        assert i18n.format_money(kop, "ru") == format_currency(Decimal(kop) / 100, "RUB", locale="ru")
        assert i18n.format_money(kop, "en") == format_currency(Decimal(kop) / 100, "RUB", format="#,##0.00\xa0¤",
                                                               locale="en", currency_digits=True)
    for points in (0, 7, -7, 1000, 1234567, -1234567):
        for code in ("ru", "en"):
            assert i18n.format_points(points, code) == format_decimal(points, locale=code)
