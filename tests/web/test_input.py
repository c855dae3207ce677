"""Input that must never be a 500: one test per class of defect, on both databases.

Numbers (ids, pages, amounts) are read by portal.forms' parsers; text is cleaned for every request by
portal.web.input and PortalRequest.form(); a body over the limit answers a page that leads back.
"""

from __future__ import annotations

import pytest

from portal import forms
from portal.accounts.roles import Role
from portal.claims.tables import Claim, ClaimSerial
from portal.i18n import reset_locale, set_locale
from tests import factories as f

MAX_ID = forms.MAX_ID  # what an id column holds on both databases (int4 on PostgreSQL)


# --- the parsers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["²", "¹²", "١٢", "9" * 25, "9" * 5000, str(MAX_ID + 1), str(2**63), "0", "-1", "1.0", " ", "",
                                 "1e3", "0x1f", None])
def test_an_id_that_cannot_exist_is_none(raw):
    assert forms.parse_id(raw) is None


def test_an_id_within_bigint_is_read():
    assert forms.parse_id(" 42 ") == 42
    assert forms.parse_id(str(MAX_ID)) == MAX_ID
    assert forms.parse_ids(["3", "²", "3", "9" * 30, "1"]) == [3, 1]


@pytest.mark.parametrize(("locale", "raw", "kop"), [
    ("en", "45,990.00", 4_599_000),
    ("ru", "45 990,00", 4_599_000),
    ("ru", "45\xa0990,00", 4_599_000),
    ("ru", "45990.00", 4_599_000),
    ("en", "45990,5", 4_599_050),  # a decimal comma typed in English still reads as one
    ("en", "1,234", 123_400),  # English grouping
    ("ru", "0,01", 1),
    ("ru", "100 ₽", 10_000),
])
def test_amounts_are_read_in_the_users_language_into_kopecks(locale, raw, kop):
    token = set_locale(locale)
    try:
        assert forms.parse_amount(raw) == kop
    finally:
        reset_locale(token)


@pytest.mark.parametrize("raw", ["1,234", "0,001", "1e5", "NaN", "Infinity", "١٢", "²", "-5", "1.2.3", "сто", "",
                                 "9" * 5000, "12 34 5,6,7"])
def test_what_is_not_a_sum_of_money_is_none(raw):
    token = set_locale("ru")
    try:
        assert forms.parse_amount(raw) is None
    finally:
        reset_locale(token)


def test_points_are_whole_and_a_sign_only_where_asked():
    assert forms.parse_amount("1 000", places=0) == 1000
    assert forms.parse_amount("1,5", places=0) is None
    assert forms.parse_amount("-5", places=0, signed=True) == -5


def test_text_loses_control_characters_and_is_composed_and_bounded():
    assert forms.clean_text("a\x00b\x1bc\u0007") == "abc"
    assert forms.clean_text("e\u0301") == "\u00e9"  # NFC
    assert forms.clean_text("line\r\nnext\ttab") == "line\r\nnext\ttab"
    assert forms.clean_text("line\r\nnext\ttab", multiline=False) == "line next tab"
    assert len(forms.clean_text("x" * 200_000)) == forms.MAX_TEXT + 1


# --- over HTTP ----------------------------------------------------------------------------------------------

async def test_a_nul_byte_in_the_anonymous_login_form_is_an_ordinary_refusal(client):
    response = await f.post_form(client, "/login", {"email": "admin\x00@example.com", "password": "x\x00y"})
    assert response.status_code in (400, 401, 403)


async def test_a_nul_byte_in_a_search_is_a_search(client):
    await f.login_as(client, Role.ADMIN)
    response = await client.get("/admin/partners", params={"q": "Ром\x00ашка", "status": "\x00"})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["9" * 25, str(MAX_ID + 1), "10000000"])
async def test_a_page_that_cannot_exist_is_not_found(client, page):
    await f.login_as(client, Role.PARTNER_STAFF)
    assert (await client.get("/claims", params={"page": page})).status_code == 404


@pytest.mark.parametrize("page", ["²", "-3", "abc", ""])
async def test_a_page_that_is_not_a_number_is_the_first(client, page):
    await f.login_as(client, Role.PARTNER_STAFF)
    assert (await client.get("/claims", params={"page": page})).status_code == 200


async def test_a_filter_by_an_id_that_cannot_exist_is_not_found(client):
    await f.login_as(client, Role.MANAGER)
    assert (await client.get("/review", params={"partner": "9" * 25})).status_code == 404


@pytest.mark.parametrize(("serials", "message"), [("S" * 101, "В серийном номере не больше 100 символов."),
                                                  ("S" * 100_000, "Не больше 50000 символов.")])
async def test_a_serial_longer_than_its_column_is_a_field_message_not_a_stored_value(client, serials, message):
    """A product without a serial pattern took any serial: 100,000 characters were stored on SQLite and
    refused by PostgreSQL's varchar(100) as a 500."""
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    response = await f.post_form(client, "/claims/new", f.claim_form(product_id, serials=serials))
    assert response.status_code == 400
    assert message in response.text
    assert await Claim.count() == 0 and await ClaimSerial.count() == 0


async def test_a_checkout_token_longer_than_its_column_is_replaced(client):
    from tests.catalog.helpers import give_points, prize

    prize_id = await prize(points=10)
    partner_id = await f.partner()
    await give_points(partner_id, 100)
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    assert (await f.post_form(client, "/catalog/cart", {"prize_id": str(prize_id)})).status_code == 303
    response = await f.post_form(client, "/catalog/checkout", {
        "token": "t" * 100_000, "recipient": "Иван", "address": "Москва, ул. Тверская, д. 1",
        "phone": "+7 912 345-67-89"})
    assert response.status_code == 303


async def test_an_adjustment_for_a_partner_that_does_not_exist_is_a_field_message(client):
    await f.login_as(client, Role.FINANCE)
    for partner in ("999999", "9" * 25, "²"):
        response = await f.post_form(client, "/finance/adjust", {"partner_id": partner, "unit": "points",
                                                                 "amount": "5", "reason": "Бонус"})
        assert response.status_code == 400, partner
        assert "Выберите один из вариантов" in response.text


async def test_an_english_user_types_amounts_the_english_way(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    client.cookies.set("premia_lang", "en")
    response = await f.post_form(client, "/claims/new", f.claim_form(product_id, amount="45,990.50"))
    assert response.status_code == 303, response.text
    assert (await Claim.select(Claim.amount_kop).first())["amount_kop"] == 4_599_050


async def test_a_body_over_the_limit_answers_in_the_users_language_with_a_way_back(client):
    await f.login_as(client, Role.ADMIN)
    too_big = b"\0" * (64 * 1024 * 1024 + 1)
    response = await f.post_form(client, "/admin/prizes/new", {"code": "MUG"},
                                 files={"images": ("big.jpg", too_big, "image/jpeg")},
                                 headers={"referer": "http://testserver.local/admin/prizes/new"})
    assert response.status_code == 413
    assert "не больше 64 МБ" in response.text
    assert 'href="/admin/prizes/new"' in response.text
