"""No request a user can type is a 500: every form and every query string, fuzzed.

Walks every POST route and every GET route of the app (the authorization table names them all and the
world they need), logged in with a role that may use it, and sends generated values: NUL bytes, "²",
25- and 5,000-digit numbers, 100,000-character strings, other scripts' digits, empty, negative, dates
that do not exist, plus valid-looking values so that parsers get past their first check. A 5xx fails.

Hypothesis runs derandomized (the same examples every run, so CI never flakes on a new draw) with a few
examples per route; ``PREMIA_FUZZ_EXAMPLES`` raises the count for a longer local hunt.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MAX_ID = 2**31 - 1  # an id column on PostgreSQL is int4
from tests import factories as f
from tests.web.test_authorization import ROLES, TABLE, World, _path, build_world

EXAMPLES = int(os.environ.get("PREMIA_FUZZ_EXAMPLES", "6"))

# Every field name a form or a query string of the portal reads (forms.py, routes.py and templates).
FIELDS = sorted({
    "action", "active_from", "active_to", "address", "affordable", "amount", "audience", "back", "bank_name",
    "bik", "bonus_unit", "category", "claim_ids", "code", "comment", "contact_email", "contact_name",
    "copy_group", "copy_region", "copy_type", "customer_city", "customer_name", "customer_phone", "description",
    "email", "flagged", "full_name", "group", "hidden", "idempotency_key", "inn", "item", "kind", "lang",
    "legal_name", "line_id", "min_tier", "name", "need_approval", "next", "object_type", "actor", "order",
    "order_id", "partner", "partner_group", "partner_id", "partner_type", "password", "password_confirm",
    "period", "phone", "points", "position", "prize_id", "product", "q", "quantity", "reason", "recipient",
    "region", "risk", "role", "scope", "scope_value", "serial_pattern", "serials", "settlement_account", "sku",
    "sold_on", "sort", "status", "stock", "text", "token", "tracking", "unit", "unit_price", "user_id",
    "valid_from", "valid_to", "value", "variant", "variants", "page",
    "name_ru", "name_en", "threshold_points", "colour", "multiplier", "benefits_ru", "benefits_en", "upload",
    "show_name", "metric", "type", "tier", "league",  # the leaderboard's filters and privacy form
} | {f"t{t}_{name}" for t in range(3) for name in ("key", "name", "metric", "scope", "scope_value", "goal",
                                                        "bonus_unit")}
  | {f"t{t}_s{s}_{name}" for t in range(3) for s in range(4) for name in ("pct", "bonus", "mult")}
  | {"starts_on", "ends_on", "regions", "types", "tiers", "leagues", "metric", "threshold", "threshold_unit",
     "threshold_amount"} | {f"p{n}_{name}" for n in range(1, 4) for name in ("unit", "amount")}
  | {"name_ru", "name_en", "description_ru", "description_en", "n", "reward_points", "per_period",
     "reverse_on_withdraw", "shape", "colour", "glyph", "active"})

NASTY = [
    "", " ", "\x00", "a\x00b", "\x00" * 10, "\x1b[31m", "\u202e", "\ufeff", "²", "¹²³", "١٢٣", "𝟙𝟚", "Ⅻ",
    "-1", "0", "1", "2", "-0", "+5", "1_000", "1e5", "1E400", "NaN", "inf", "0x10", "1.5", "1,5", "45 990,00",
    "45,990.00", "45990.00", "1.234,5", "9" * 19, "9" * 25, "9" * 5000, str(MAX_ID), str(MAX_ID + 1), str(2**63),
    str(-MAX_ID - 2), "x" * 100_000, "ю" * 70_000, "a\u0301" * 10, "\ud7ff", "😀" * 50, "2026-10-01",
    "2026-02-30", "9999-12-31", "0001-01-01", "2026-13", "2026-Q5", "2026-Q4", "p:1", "j:1", "p:" + "9" * 25,
    "all", "product", "category", "points", "kop", "units", "revenue", "partner", "group", "copy", "fixed",
    "per_unit", "percent", "approve", "reject", "need_info", "dealer", "on", "true", "<script>", "' OR 1=1 --",
    "%s%s%n", "{0}", "../../etc/passwd", "line\nbreak", "tab\there", "A" * 65, "[", "(a+)+$",
]
VALUE = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str))


def _valid(method: str, route: str, world: World) -> dict[str, str]:
    """A form that passes validation, for the main forms: the fuzz then changes a few of its fields, so that
    nasty values reach the services and the database instead of stopping at the first required field."""
    plan = {"name": "План", "period": world.current_period, "audience": "partner", "partner_id": str(world.partner_id),
            "t0_metric": "units", "t0_goal": "10", "t0_bonus_unit": "points", "t0_s0_pct": "100", "t0_s0_bonus": "5"}
    rule = {"name": "Котлы", "scope": "all", "kind": "fixed", "value": "100", "unit": "points",
            "valid_from": "2020-01-01"}
    prize = {"code": "MUG-1", "name": "Кружка", "category": "Дом", "points": "100", "variants": "S: 1\nL"}
    contest = {"name": "Конкурс", "starts_on": "2026-03-01", "ends_on": "2026-03-31", "metric": "units",
               "threshold": "20", "threshold_amount": "5000", "p1_unit": "kop", "p1_amount": "1000,00"}
    badge = {"code": "fuzz_badge", "name_ru": "Значок", "name_en": "Badge", "kind": "sales", "n": "3", "scope": "all",
             "reward_points": "10", "shape": "circle", "colour": "#336699", "glyph": "star", "active": "1"}
    partner = {"legal_name": "ООО «Тест»", "inn": f.unique_inn(), "region": "Москва", "partner_type": "dealer"}
    forms = {
        "/login": {"email": "admin@example.com", "password": "wrong-password"},
        "/register": partner | {"contact_name": "Иван", "contact_email": "new@example.com",
                                "password": "long-enough-1", "password_confirm": "long-enough-1"},
        "/invite/{token:str}": {"full_name": "Иван", "password": "long-enough-1", "password_confirm": "long-enough-1"},
        "/team/invitations": {"email": "someone@example.com", "role": "partner_staff"},
        "/admin/partners/new": partner,
        "/admin/users/new": {"email": "u@example.com", "full_name": "Иван", "role": "partner_staff",
                             "partner_id": str(world.partner_id), "password": "long-enough-1"},
        "/admin/tokens": {"user_id": str(world.users["manager"]), "name": "CRM"},
        "/admin/products/new": {"sku": "SKU-NEW", "name": "Котёл", "unit_price": "45 990,00"},
        "/admin/products/{product_id:int}": {"sku": "SKU-EDIT", "name": "Котёл", "unit_price": "1"},
        "/admin/job-types": {"code": "J-1", "name": "Монтаж"},
        "/claims/new": f.claim_form(world.product_id),
        "/claims/{claim_id:int}/edit": f.claim_form(world.product_id),
        "/claims/{claim_id:int}/resubmit": {"comment": "Добавил фото"},
        "/review/{claim_id:int}/decide": {"action": "need_info", "text": "Нужен чек", "reason": ""},
        "/review/{claim_id:int}/revoke": {"text": "Ошибка"},
        "/finance/adjust": {"partner_id": str(world.partner_id), "unit": "points", "amount": "5", "reason": "Бонус"},
        "/admin/rewards/new": rule, "/admin/rewards/{rule_key:str}": rule,
        "/manage/plans/new": plan, "/manage/plans/{plan_key:str}": plan,
        "/catalog/cart": {"prize_id": str(world.prize_id), "quantity": "1"},
        "/catalog/checkout": {"recipient": "Иван", "address": "Москва, ул. Тверская, д. 1", "phone": "+7 912 345-67-89"},
        "/admin/prizes/new": prize, "/admin/prizes/{prize_id:int}": prize,
        "/manage/orders/{order_id:int}/{action:str}": {"tracking": "RA123", "reason": "Нет на складе"},
        "/admin/tiers/{code:str}": {"name_ru": "Золото", "name_en": "Gold", "threshold_points": "60000",
                                    "colour": "#b8860b", "multiplier": "1,1", "benefits_ru": "", "benefits_en": ""},
        "/manage/contests/new": contest, "/manage/contests/{contest_id:int}/edit": contest,
        "/admin/badges/new": badge, "/admin/badges/{rule_id:int}": badge,
    }
    return dict(forms.get(route, {})) if method == "POST" else {}


def _role(expected_by_role: dict) -> str:
    """A role that gets past the guards: anonymous for the public pages, else the first allowed one."""
    expected = {r: expected_by_role.get(r, expected_by_role.get("*")) for r in ROLES}
    if expected["anon"] not in (303, 401, 403):
        return "anon"
    return next((r for r in ROLES[1:] if expected[r] not in (302, 403)), "anon")


ROUTES = sorted((method, route) for method, route in TABLE if not route.startswith(("/static/", "/api/schema")))


async def _logged_in(client, world: World, role: str) -> dict:
    if role == "anon":
        return {}
    if (await client.get("/notifications")).status_code != 200:  # a fuzzed /logout or /login ended the session
        client.cookies.clear()
        await f.login(client, await f.email_of(world.users[role]))
    return {}


@pytest.fixture
async def world() -> World:
    return await build_world()


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(draw=st.data(), extra=st.dictionaries(st.text(min_size=1, max_size=10), VALUE, max_size=2))
async def test_no_generated_input_is_a_server_error(client, world, method, route, draw, extra):
    expected_by_role, params = TABLE[(method, route)]
    role = _role(expected_by_role)
    headers = {}
    if route.startswith("/api/"):
        if role != "anon":
            headers["Authorization"] = f"Bearer {world.api_tokens[role]}"
    else:
        await _logged_in(client, world, role)
    path = _path(route, params, world)
    valid = _valid(method, route, world)
    names = st.sampled_from(sorted(valid)) | st.sampled_from(FIELDS) if valid else st.sampled_from(FIELDS)
    data = valid | draw.draw(st.dictionaries(names, VALUE, min_size=1, max_size=3 if valid else 30)) | extra
    if method == "GET":  # a URL is at most a few kilobytes: servers and browsers refuse longer ones
        response = await client.get(path, params={k[:100]: v[:1000] for k, v in data.items()}, headers=headers)
    else:
        response = await f.post_form(client, path, data, headers=headers)
    assert response.status_code < 500, f"{method} {path} as {role} with {data!r:.2000}: {response.status_code}"


INT_ROUTES = sorted((m, r) for m, r in TABLE if ":int}" in r)


@pytest.mark.parametrize(("method", "route"), INT_ROUTES, ids=[f"{m} {r}" for m, r in INT_ROUTES])
async def test_an_id_that_cannot_exist_is_not_found(client, world, method, route):
    """25 digits, 2**63, 2**31 (over PostgreSQL's int4 id) and 0 in a path overflow no database: a 404."""
    expected_by_role, params = TABLE[(method, route)]
    role = _role(expected_by_role)
    await _logged_in(client, world, role)
    for bad in ("9" * 25, str(2**63), str(MAX_ID + 1), "0"):
        int_params = {name: "=" + bad for name in params if "{" + name + ":int}" in route}
        path = _path(route, params | int_params, world)
        response = await (client.get(path) if method == "GET" else f.post_form(client, path, {}))
        assert response.status_code == 404, f"{method} {path} as {role}: {response.status_code}"
