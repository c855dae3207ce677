"""Who may call what: every registered route, with every role and anonymously.

Each route needs a row here; test_every_route_has_a_row fails for a new route
without one. Statuses are the real outcome with an empty form: 400 means the
request got past the guards and was refused by validation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.accounts import services as accounts
from portal.accounts.forms import ApiTokenForm, InvitationForm
from portal.accounts.roles import PartnerStatus, Role
from portal.app import create_app
from portal.audit.services import SYSTEM
from tests import factories as f

ROLES = ("anon", "partner_staff", "partner_admin", "manager", "finance", "admin")
ANY = {"*": 200}
LOGIN = {"anon": 303, "*": 200}


def only(*roles: str, ok: int = 200, anon: int = 303) -> dict:
    return {"anon": anon, "*": 403} | {r: ok for r in roles}


MANAGERS = ("manager", "admin")
PARTNERS = ("partner_staff", "partner_admin")

# (method, route path) -> (expected status per role, path parameters by world attribute)
TABLE: dict[tuple[str, str], tuple[dict, dict]] = {
    ("GET", "/"): ({"*": 302}, {}),
    ("GET", "/dashboard"): (LOGIN, {}),
    ("GET", "/healthz"): (ANY, {}),
    ("GET", "/readyz"): (ANY, {}),
    ("GET", "/metrics"): ({"*": 404}, {}),  # loopback or PREMIA_METRICS_TOKEN only (tests/web/test_probes.py)
    ("GET", "/login"): ({"anon": 200, "*": 302}, {}),
    ("POST", "/login"): ({"*": 400}, {}),
    ("POST", "/logout"): ({"*": 303}, {}),
    ("POST", "/lang"): ({"*": 303}, {}),
    ("GET", "/account/password"): (LOGIN, {}),
    ("POST", "/account/password"): ({"anon": 303, "*": 400}, {}),
    ("GET", "/register"): (ANY, {}),
    ("POST", "/register"): ({"*": 400}, {}),
    ("GET", "/register/done"): (ANY, {}),
    ("GET", "/invite/{token:str}"): (ANY, {"token": "invitation_token"}),
    ("POST", "/invite/{token:str}"): ({"*": 400}, {"token": "invitation_token"}),
    ("GET", "/team"): (only("partner_admin"), {}),
    ("POST", "/team/invitations"): (only("partner_admin", ok=400), {}),
    ("POST", "/team/invitations/{invitation_id:int}/revoke"): (only("partner_admin", ok=303),
                                                               {"invitation_id": "invitation_id"}),
    ("GET", "/manage/partners"): (only(*MANAGERS), {}),
    ("POST", "/manage/partners/{partner_id:int}/approve"): (only(*MANAGERS, ok=303), {"partner_id": "pending_id"}),
    ("POST", "/manage/partners/{partner_id:int}/reject"): (only(*MANAGERS, ok=303), {"partner_id": "pending_id"}),
    ("GET", "/admin/partners"): (only("admin"), {}),
    ("GET", "/admin/partners/new"): (only("admin"), {}),
    ("POST", "/admin/partners/new"): (only("admin", ok=400), {}),
    ("GET", "/admin/partners/{partner_id:int}"): (only("admin"), {"partner_id": "partner_id"}),
    ("POST", "/admin/partners/{partner_id:int}/deactivate"): (only("admin", ok=303), {"partner_id": "pending_id"}),
    ("POST", "/admin/partners/{partner_id:int}/reactivate"): (only("admin", ok=303),
                                                              {"partner_id": "deactivated_id"}),
    ("GET", "/admin/users"): (only("admin"), {}),
    ("GET", "/admin/users/new"): (only("admin"), {}),
    ("POST", "/admin/users/new"): (only("admin", ok=400), {}),
    ("POST", "/admin/users/{user_id:int}/deactivate"): (only("admin", ok=303), {"user_id": "victim_id"}),
    ("POST", "/admin/users/{user_id:int}/activate"): (only("admin", ok=303), {"user_id": "victim_id"}),
    ("GET", "/admin/tokens"): (only("admin"), {}),
    ("POST", "/admin/tokens"): (only("admin", ok=400), {}),
    ("POST", "/admin/tokens/{token_id:int}/revoke"): (only("admin", ok=303), {"token_id": "api_token_id"}),
    ("GET", "/admin/audit"): (only("admin"), {}),
    ("GET", "/admin/products"): (only("admin"), {}),
    ("GET", "/admin/products/new"): (only("admin"), {}),
    ("POST", "/admin/products/new"): (only("admin", ok=400), {}),
    ("GET", "/admin/products/{product_id:int}"): (only("admin"), {"product_id": "product_id"}),
    ("POST", "/admin/products/{product_id:int}"): (only("admin", ok=400), {"product_id": "product_id"}),
    ("POST", "/admin/products/import"): (only("admin", ok=400), {}),
    ("GET", "/admin/job-types"): (only("admin"), {}),
    ("POST", "/admin/job-types"): (only("admin", ok=400), {}),
    ("GET", "/claims/items"): (only(*PARTNERS), {}),
    ("GET", "/claims"): (only(*PARTNERS), {}),
    ("GET", "/claims/new"): (only(*PARTNERS), {}),
    ("GET", "/claims/earn"): (only(*PARTNERS), {}),
    ("POST", "/claims/new"): (only(*PARTNERS, ok=400), {}),
    ("POST", "/claims/uploads"): (only(*PARTNERS, ok=400), {}),
    ("GET", "/claims/uploads/{upload_id:int}/thumb"): (only(*PARTNERS, ok=404), {"upload_id": "=1"}),
    ("GET", "/claims/{claim_id:int}"): (only(*PARTNERS), {"claim_id": "claim_id"}),
    ("GET", "/claims/{claim_id:int}/edit"): (only(*PARTNERS), {"claim_id": "claim_id"}),
    ("POST", "/claims/{claim_id:int}/edit"): (only(*PARTNERS, ok=400), {"claim_id": "claim_id"}),
    ("POST", "/claims/{claim_id:int}/withdraw"): (only(*PARTNERS, ok=303), {"claim_id": "claim_id"}),
    ("POST", "/claims/{claim_id:int}/resubmit"): (only(*PARTNERS, ok=400), {"claim_id": "claim_id"}),
    ("GET", "/review"): (only(*MANAGERS), {}),
    ("GET", "/review/export/{fmt:str}"): (only(*MANAGERS), {"fmt": "=csv"}),
    ("GET", "/review/{claim_id:int}"): (only(*MANAGERS), {"claim_id": "claim_id"}),
    ("POST", "/review/{claim_id:int}/decide"): (only(*MANAGERS, ok=400), {"claim_id": "claim_id"}),
    ("POST", "/review/bulk-approve"): (only(*MANAGERS), {}),
    ("POST", "/review/{claim_id:int}/revoke"): (only(*MANAGERS, ok=400), {"claim_id": "claim_id"}),
    ("GET", "/review/import"): (only(*MANAGERS), {}),
    ("POST", "/review/import"): (only(*MANAGERS, ok=400), {}),
    ("GET", "/review/import/{report:str}"): (only(*MANAGERS, ok=404), {"report": "=0123456789abcdef0123456789abcdef.csv"}),
    ("GET", "/media/claims/{photo_id:int}/{size:str}"): (LOGIN, {"photo_id": "photo_id", "size": "=thumb"}),
    ("GET", "/notifications"): (LOGIN, {}),
    ("POST", "/notifications/read"): ({"*": 303}, {}),
    ("GET", "/dashboard/balances"): (only(*PARTNERS), {}),
    ("GET", "/live"): (LOGIN, {}),
    ("GET", "/claims/{claim_id:int}/status"): (only(*PARTNERS), {"claim_id": "claim_id"}),
    ("GET", "/sw.js"): (ANY, {}),
    ("GET", "/offline"): (ANY, {}),
    ("GET", "/points"): (only(*PARTNERS), {}),
    ("GET", "/points/export.csv"): (only(*PARTNERS), {}),
    ("GET", "/finance/adjust"): (only("finance", "admin"), {}),
    ("POST", "/finance/adjust"): (only("finance", "admin", ok=400), {}),
    ("GET", "/admin/rewards"): (only("admin"), {}),
    ("GET", "/admin/rewards/new"): (only("admin"), {}),
    ("POST", "/admin/rewards/new"): (only("admin", ok=400), {}),
    ("GET", "/admin/rewards/{rule_key:str}"): (only("admin"), {"rule_key": "rule_key"}),
    ("POST", "/admin/rewards/{rule_key:str}"): (only("admin", ok=400), {"rule_key": "rule_key"}),
    ("GET", "/admin/tiers"): (only("admin"), {}),
    ("GET", "/admin/tiers/{code:str}"): (only("admin"), {"code": "=gold"}),
    ("POST", "/admin/tiers/{code:str}"): (only("admin", ok=400), {"code": "=gold"}),
    ("GET", "/manage/engagement"): (only(*MANAGERS), {}),
    ("GET", "/manage/engagement/{key:str}/export/{fmt:str}"): (only(*MANAGERS), {"key": "=tiers", "fmt": "=csv"}),
    ("GET", "/badges"): (only(*PARTNERS), {}),
    ("GET", "/dashboard/badges"): (only(*PARTNERS), {}),
    ("GET", "/dashboard/game"): (only(*PARTNERS), {}),
    ("GET", "/badges/{code:str}"): (only(*PARTNERS, ok=404), {"code": "=no_such_badge"}),
    ("GET", "/admin/badges"): (only("admin"), {}),
    ("GET", "/admin/badges/new"): (only("admin"), {}),
    ("POST", "/admin/badges/new"): (only("admin", ok=400), {}),
    ("GET", "/admin/badges/{rule_id:int}"): (only("admin", ok=404), {"rule_id": "=999999"}),
    ("POST", "/admin/badges/{rule_id:int}"): (only("admin", ok=400), {"rule_id": "=999999"}),
    ("GET", "/manage/plans"): (only(*MANAGERS), {}),
    ("GET", "/manage/plans/new"): (only(*MANAGERS), {}),
    ("POST", "/manage/plans/new"): (only(*MANAGERS, ok=400), {}),
    ("GET", "/manage/plans/{plan_key:str}"): (only(*MANAGERS), {"plan_key": "plan_key"}),
    ("POST", "/manage/plans/{plan_key:str}"): (only(*MANAGERS, ok=400), {"plan_key": "plan_key"}),
    ("GET", "/manage/fulfilment"): (only(*MANAGERS, "finance"), {}),
    ("GET", "/manage/fulfilment/export/{fmt:str}"): (only(*MANAGERS, "finance"), {"fmt": "=xlsx"}),
    ("GET", "/manage/contests"): (only(*MANAGERS), {}),
    ("GET", "/manage/contests/new"): (only(*MANAGERS), {}),
    ("POST", "/manage/contests/new"): (only(*MANAGERS, ok=400), {}),
    ("GET", "/manage/contests/{contest_id:int}"): (only(*MANAGERS), {"contest_id": "contest_id"}),
    ("GET", "/manage/contests/{contest_id:int}/edit"): (only(*MANAGERS), {"contest_id": "contest_id"}),
    ("POST", "/manage/contests/{contest_id:int}/edit"): (only(*MANAGERS, ok=400), {"contest_id": "contest_id"}),
    ("POST", "/manage/contests/{contest_id:int}/start"): (only(*MANAGERS, ok=409), {"contest_id": "contest_id"}),
    ("POST", "/manage/contests/{contest_id:int}/cancel"): (only(*MANAGERS, ok=303), {"contest_id": "contest_id"}),
    ("GET", "/manage/contests/{contest_id:int}/export/{fmt:str}"): (only(*MANAGERS), {"contest_id": "contest_id",
                                                                                    "fmt": "=xlsx"}),
    ("GET", "/contests"): (only(*PARTNERS), {}),
    ("GET", "/contests/{contest_id:int}"): (only(*PARTNERS), {"contest_id": "contest_id"}),
    ("GET", "/dashboard/plan"): (only(*PARTNERS), {}),
    ("GET", "/leaderboard"): (only(*PARTNERS, *MANAGERS), {}),
    ("GET", "/leaderboard/export/{fmt:str}"): (only(*PARTNERS, *MANAGERS), {"fmt": "=csv"}),
    ("POST", "/leaderboard/privacy"): (only("partner_admin", ok=303), {}),
    ("GET", "/catalog"): (only(*PARTNERS), {}),
    ("GET", "/catalog/prizes/{prize_id:int}"): (only(*PARTNERS), {"prize_id": "prize_id"}),
    ("POST", "/catalog/cart"): (only(*PARTNERS, ok=404), {}),
    ("GET", "/catalog/cart"): (only(*PARTNERS), {}),
    ("POST", "/catalog/cart/{line_id:int}"): (only(*PARTNERS, ok=303), {"line_id": "=1"}),
    ("POST", "/catalog/checkout"): (only(*PARTNERS, ok=400), {}),
    ("GET", "/catalog/orders"): (only(*PARTNERS), {}),
    ("GET", "/catalog/orders/{order_id:int}"): (only(*PARTNERS), {"order_id": "order_id"}),
    ("POST", "/catalog/orders/{order_id:int}/cancel"): (only(*PARTNERS), {"order_id": "order_id"}),  # unconfirmed: asks
    ("GET", "/catalog/orders/{order_id:int}/cancel"): (only(*PARTNERS), {"order_id": "order_id"}),
    ("POST", "/catalog/orders/{order_id:int}/approve"): (only("partner_admin", ok=409), {"order_id": "order_id"}),
    ("POST", "/catalog/orders/{order_id:int}/decline"): (only("partner_admin", ok=409), {"order_id": "order_id"}),
    ("POST", "/catalog/policy"): (only("partner_admin", ok=303), {}),
    ("GET", "/media/prizes/{name:str}"): ({"anon": 303, "*": 404}, {"name": "=0123456789abcdef0123456789abcdef.webp"}),
    ("GET", "/admin/prizes"): (only("admin"), {}),
    ("GET", "/admin/prizes/new"): (only("admin"), {}),
    ("POST", "/admin/prizes/new"): (only("admin", ok=400), {}),
    ("POST", "/admin/prizes/import"): (only("admin", ok=400), {}),
    ("GET", "/admin/prizes/{prize_id:int}"): (only("admin"), {"prize_id": "prize_id"}),
    ("POST", "/admin/prizes/{prize_id:int}"): (only("admin", ok=400), {"prize_id": "prize_id"}),
    ("POST", "/admin/prizes/{prize_id:int}/{action:str}"): (only("admin", ok=303),
                                                            {"prize_id": "prize_id", "action": "=hide"}),
    ("GET", "/manage/orders"): (only(*MANAGERS), {}),
    ("POST", "/manage/orders/confirm"): (only(*MANAGERS), {}),
    ("POST", "/manage/orders/{order_id:int}/{action:str}"): (only(*MANAGERS, ok=303),
                                                             {"order_id": "order_id", "action": "=confirm"}),
    ("GET", "/manage/orders/export/{fmt:str}"): (only(*MANAGERS), {"fmt": "=csv"}),
    ("GET", "/finance"): (only("finance", "admin"), {}),
    ("GET", "/finance/periods/{code:str}"): (only("finance", "admin"), {"code": "=2026-10"}),
    ("GET", "/finance/periods/{code:str}/progress"): (only("finance", "admin"), {"code": "=2026-10"}),
    ("GET", "/finance/periods/{code:str}/preview"): (only("finance", "admin"), {"code": "=2026-10"}),
    ("POST", "/finance/periods/{code:str}/close"): (only("finance", "admin", ok=409), {"code": "current_period"}),
    ("GET", "/finance/periods/{code:str}/acts.zip"): (only("finance", "admin"), {"code": "=2026-10"}),
    ("GET", "/finance/acts/{act_id:int}"): (only("finance", "admin", ok=404), {"act_id": "=999999"}),
    ("POST", "/finance/periods/{code:str}/acts/{partner_id:int}/regenerate"): (
        only("finance", "admin", ok=404), {"code": "=2026-10", "partner_id": "partner_id"}),
    ("GET", "/finance/payouts/{code:str}"): (only("finance", "admin"), {"code": "=2026-10"}),
    ("POST", "/finance/payouts/{code:str}"): (only("finance", "admin", ok=404), {"code": "=2026-10"}),
    ("POST", "/finance/payouts/{code:str}/build"): (only("finance", "admin", ok=404), {"code": "=2026-10"}),
    ("GET", "/finance/payouts/{code:str}/export/{fmt:str}"): (only("finance", "admin"), {"code": "=2026-10",
                                                                                        "fmt": "=csv"}),
    ("GET", "/acts"): (only(*PARTNERS), {}),
    ("GET", "/acts/{act_id:int}"): (only(*PARTNERS, ok=404), {"act_id": "=999999"}),
    ("GET", "/admin/jobs"): (only("admin"), {}),
    ("POST", "/admin/jobs/{name:str}/run"): (only("admin", ok=404), {"name": "=no_such_job"}),
    ("GET", "/imports/{token:str}"): (only(*MANAGERS, ok=404), {"token": "=0123456789abcdef0123456789abcdef"}),
    ("GET", "/imports/{token:str}/progress"): (only(*MANAGERS, ok=404),
                                               {"token": "=0123456789abcdef0123456789abcdef"}),
    ("GET", "/api/v1/me"): ({"anon": 401, "*": 200}, {}),
    ("GET", "/api/schema"): (ANY, {}),
    ("GET", "/api/schema/openapi.json"): (ANY, {}),
    ("GET", "/api/schema/{path:str}"): (ANY, {"path": "=openapi.json"}),
    ("GET", "/static/{file_path:path}"): (ANY, {"file_path": "=css/app.css"}),
}


def _app_routes() -> set[tuple[str, str]]:
    found = set()
    for route in create_app().routes:
        for method in route.methods - {"OPTIONS", "HEAD"}:
            found.add((method, route.path))
    return found


def test_every_route_has_a_row():
    routes = _app_routes()
    assert routes - TABLE.keys() == set(), "add these routes to the authorization table"
    assert TABLE.keys() - routes == set(), "these rows name routes that no longer exist"


@dataclass
class World:
    partner_id: int
    pending_id: int
    deactivated_id: int
    victim_id: int
    invitation_id: int
    invitation_token: str
    api_token_id: int
    product_id: int
    claim_id: int
    rule_key: str
    plan_key: str
    prize_id: int
    order_id: int
    current_period: str
    photo_id: int
    users: dict[str, int]
    api_tokens: dict[str, str]
    contest_id: int = 0  # a running contest everyone plays


async def build_world() -> World:
    partner_id = await f.partner()
    users = {
        "partner_staff": await f.user(Role.PARTNER_STAFF, partner_id),
        "partner_admin": await f.user(Role.PARTNER_ADMIN, partner_id),
        "manager": await f.user(Role.MANAGER),
        "finance": await f.user(Role.FINANCE),
        "admin": await f.user(Role.ADMIN),
    }
    admin = await accounts.user_for_session(users["partner_admin"])
    token = await accounts.invite(admin, InvitationForm(email="invitee@example.com", role="partner_staff"))
    invitation = await accounts.invitation_for_token(token)
    api_tokens = {role: await accounts.create_api_token(SYSTEM, ApiTokenForm(user_id=uid, name=role))
                  for role, uid in users.items()}
    from portal.accounts.tables import ApiToken
    from portal.claims.tables import ClaimPhoto

    product_id = await f.product()
    staff = await accounts.user_for_session(users["partner_staff"])
    claim_id = await f.claim(staff, product_id, photos=[f.jpeg()])
    from portal.rewards import services as rewards
    from portal.rewards.tables import RewardRule

    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "fixed", "value": "100", "unit": "points",
        "valid_from": "2020-01-01"}))
    from portal.plans import services as plans
    from portal.plans.forms import PlanData
    from portal.plans.tables import Plan
    from portal.periods.services import current_span

    await plans.save_plan(SYSTEM, PlanData.parse({
        "name": "План", "period": current_span().code, "audience": "partner", "partner_id": str(partner_id),
        "t0_metric": "units", "t0_goal": "10", "t0_bonus_unit": "points", "t0_s0_pct": "100", "t0_s0_bonus": "5"}))
    from tests.catalog.helpers import give_points, order, prize

    prize_id = await prize(points=100)
    await give_points(partner_id, 100)
    order_id = await order(staff, prize_id)
    from portal.gamification import contests
    from portal.gamification.forms_contests import parse as contest_form

    today = current_span().starts_on.isoformat()
    contest_id = await contests.create(SYSTEM, contest_form({"name": "Конкурс", "starts_on": today, "ends_on": today,
                                                             "metric": "units", "p1_amount": "100"}))
    await contests.start(SYSTEM, contest_id)
    return World(
        contest_id=contest_id,
        current_period=current_span().code,
        prize_id=prize_id,
        order_id=order_id,
        plan_key=(await Plan.select(Plan.plan_key).first())["plan_key"],
        rule_key=(await RewardRule.select(RewardRule.rule_key).first())["rule_key"],
        product_id=product_id,
        claim_id=claim_id,
        photo_id=(await ClaimPhoto.select(ClaimPhoto.id).first())["id"],
        partner_id=partner_id,
        pending_id=await f.partner(status=PartnerStatus.PENDING.value),
        deactivated_id=await f.partner(status=PartnerStatus.DEACTIVATED.value),
        victim_id=await f.user(Role.PARTNER_STAFF, partner_id),
        invitation_id=invitation["id"],
        invitation_token=token,
        api_token_id=(await ApiToken.select(ApiToken.id).where(ApiToken.name == "manager").first())["id"],
        users=users,
        api_tokens=api_tokens,
    )


def _path(route: str, params: dict[str, str], world: World) -> str:
    path = route
    for name, source in params.items():
        value = source[1:] if source.startswith("=") else getattr(world, source)
        start = path.index("{" + name)
        end = path.index("}", start) + 1
        path = path[:start] + str(value) + path[end:]
    return path


CASES = [(method, route, role) for (method, route) in TABLE for role in ROLES]


@pytest.mark.parametrize(("method", "route", "role"), CASES, ids=[f"{m} {r} {ro}" for m, r, ro in CASES])
async def test_route_answers_each_role_as_expected(client, method, route, role):
    expected_by_role, params = TABLE[(method, route)]
    expected = expected_by_role.get(role, expected_by_role.get("*"))
    world = await build_world()
    headers = {}
    if role != "anon":
        if route.startswith("/api/"):
            headers["Authorization"] = f"Bearer {world.api_tokens[role]}"
        else:
            await f.login(client, await f.email_of(world.users[role]))
    path = _path(route, params, world)
    if method == "GET":
        response = await client.get(path, headers=headers)
    else:
        response = await f.post_form(client, path, {}, headers=headers)
    assert response.status_code == expected, f"{method} {path} as {role}: {response.status_code}"
