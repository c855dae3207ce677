"""Kept pages are never older than the data.

The partner dashboard is kept per data revision (portal/web/pagecache.py). After every kind of change a
partner can see, made by someone else through the services (another worker, the scheduler) or by a
plain statement outside any service, the page served must equal one rendered afresh.
"""

from __future__ import annotations

import datetime as dt
import re

from portal.accounts.roles import Role
from portal.accounts.tables import Partner
from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.ledger import services as ledger
from portal.notifications.services import notify_partner
from portal.periods import services as periods
from portal.plans import services as plans
from portal.plans.forms import PlanData
from portal.revisions import services as revisions
from portal.rewards import services as rewards
from portal.web.pagecache import PAGES
from tests import factories as f
from tests.catalog import helpers as shop


_LIVE_TOKEN = re.compile(r'data-live="[^"]*"')


async def _page(client) -> str:
    """The dashboard without its live token: the token is what /live compares (the revisions as the request saw
    them; on PostgreSQL "-" while a change is still being counted), not data the page shows."""
    response = await client.get("/dashboard")
    assert response.status_code == 200
    return _LIVE_TOKEN.sub('data-live=""', response.text)


async def _served_is_fresh(client) -> str:
    """The page as served (kept, when nothing changed) equals the page rendered from the data now."""
    served = await _page(client)
    PAGES.clear()
    fresh = await _page(client)
    assert served == fresh
    hits = PAGES.hits
    assert await _page(client) == fresh
    assert PAGES.hits == hits + 1, "an unchanged page is served from the cache"
    return fresh


def _plan(period: str, partner_id: int, goal: str) -> PlanData:
    return PlanData.parse({
        "name": "План продаж", "period": period, "audience": "partner", "partner_id": str(partner_id),
        "t0_name": "Котлы", "t0_metric": "units", "t0_goal": goal, "t0_bonus_unit": "points",
        "t0_s0_pct": "100", "t0_s0_bonus": "2000"})


async def test_every_change_a_partner_can_see_shows_at_once(client):
    pid = await f.partner(legal_name="ООО «Тепло»")
    await f.login_as(client, Role.PARTNER_ADMIN, pid)
    staff = await f.dealer(pid)
    manager = await f.company()
    product = await f.product(name="Котёл Термо 24", sku="TT-K24")
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Баллы за котёл", "scope": "all", "kind": "per_unit", "value": "100", "unit": "points",
        "valid_from": "2020-01-01"}))
    code = periods.current_span().code
    plan_id = await plans.save_plan(SYSTEM, _plan(code, pid, "10"))
    page = await _served_is_fresh(client)
    assert "0 %" in page.replace("\xa0", " ")

    today = dt.date.today().isoformat()
    claim_id = await f.claim(staff, product, quantity="3", sold_on=today)  # a colleague registers a sale
    page = await _served_is_fresh(client)
    assert "Ждёт одобрения" in page

    await claims.decide(manager, claim_id, "approve")  # a manager approves it elsewhere
    page = await _served_is_fresh(client)
    assert "30 %" in page.replace("\xa0", " ")

    await ledger.adjust(pid, "points", 5000, "Бонус за выставку", None, cause="test:adjust")  # finance
    page = await _served_is_fresh(client)
    assert "5 000" in page.replace("\xa0", " ").replace("\u202f", " ")

    prize = await shop.prize(points=1200)
    await shop.order(staff, prize)  # points reserved for a colleague's order
    page = await _served_is_fresh(client)
    assert "1 200" in page.replace("\xa0", " ").replace("\u202f", " ")

    await plans.save_plan(SYSTEM, _plan(code, pid, "6"), plan_key=(await plans.plan_for(pid, "", code))["plan_key"])
    page = await _served_is_fresh(client)
    assert "50 %" in page.replace("\xa0", " ")
    assert plan_id

    await f.user(Role.PARTNER_STAFF, pid)  # the team grows
    page = await _served_is_fresh(client)
    assert "3 человека" in page

    await claims.revoke_approval(manager, claim_id, "Нет фото серийного номера")
    page = await _served_is_fresh(client)
    assert "0 %" in page.replace("\xa0", " ")

    await notify_partner(pid, "test", "Your registration was approved.", {})  # the bell
    page = await _served_is_fresh(client)
    assert 'class="badge"' in page

    # a plain statement, outside every service and transaction helper, still shows at once
    await Partner.update({Partner.legal_name: "ООО «Тепло и Свет»"}).where(Partner.id == pid)
    page = await _served_is_fresh(client)
    assert "ООО «Тепло и Свет»" in page


async def test_a_kept_page_is_the_users_own(client, another_client):
    pid = await f.partner()
    first = await f.user(Role.PARTNER_STAFF, pid, full_name="Анна Первая")
    second = await f.user(Role.PARTNER_STAFF, pid, full_name="Борис Второй")
    await f.login(client, await f.email_of(first))
    await f.login(another_client, await f.email_of(second))
    assert "Анна Первая" in await _page(client)
    page = await _page(another_client)
    assert "Борис Второй" in page and "Анна Первая" not in page


async def test_revisions_move_only_for_the_partner_touched():
    one, two = await f.partner(), await f.partner()
    before = (await revisions.current(one), await revisions.current(two))
    await ledger.adjust(one, "points", 100, "Бонус", None, cause="test:one")
    after = (await revisions.current(one), await revisions.current(two))
    assert after[0].partner > before[0].partner
    assert after[1] == before[1]
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Правило", "scope": "all", "kind": "per_unit", "value": "1", "unit": "points",
        "valid_from": "2020-01-01"}))
    assert (await revisions.current(two)).reference > after[1].reference


async def _shelf(client, query: str = "?sort=cheap&affordable=1") -> str:
    response = await client.get("/catalog/" + query)
    assert response.status_code == 200
    return response.text


async def _shelf_is_fresh(client, query: str = "?sort=cheap&affordable=1") -> str:
    served = await _shelf(client, query)
    PAGES.clear()
    fresh = await _shelf(client, query)
    assert served == fresh
    hits = PAGES.hits
    assert await _shelf(client, query) == fresh
    assert PAGES.hits == hits + 1
    return fresh


async def test_the_kept_shelf_follows_prizes_stock_balance_and_cart(client):
    pid, other = await f.partner(), await f.partner()
    user_id = await f.login_as(client, Role.PARTNER_STAFF, pid)
    me = await f.current(user_id)
    rival = await f.dealer(other)
    await shop.give_points(pid, 2000)
    await shop.give_points(other, 5000)
    drill = await shop.prize(points=1500, stock=1, name="Дрель ударная")
    page = await _shelf_is_fresh(client)
    assert "Дрель ударная" in page

    await shop.prize(points=3000, name="Перфоратор")  # the catalogue grows, but it is not affordable yet
    assert "Перфоратор" not in await _shelf_is_fresh(client)
    await shop.give_points(pid, 1500)  # now it is
    assert "Перфоратор" in await _shelf_is_fresh(client)

    await shop.order(rival, drill)  # another partner takes the last drill
    page = await _shelf_is_fresh(client)
    assert "Дрель ударная" in page  # still shown, now out of stock: the page says so as a fresh one would

    from catalog import services as catalog

    before = await _shelf_is_fresh(client, "")
    await catalog.add_to_cart(me, (await shop.prize(points=10, name="Рулетка")), None, 1)
    assert await _shelf_is_fresh(client, "") != before


async def test_the_polled_partials_show_an_approval_at_once(client):
    """The dashboard polls /dashboard/balances and /dashboard/plan; a kept answer must move with the data."""
    pid = await f.partner()
    staff_id = await f.login_as(client, Role.PARTNER_STAFF, pid)
    staff = await f.current(staff_id)
    manager = await f.company()
    product = await f.product()
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Баллы", "scope": "all", "kind": "per_unit", "value": "250", "unit": "points",
        "valid_from": "2020-01-01"}))
    code = periods.current_span().code
    await plans.save_plan(SYSTEM, _plan(code, pid, "4"))
    claim_id = await f.claim(staff, product, quantity="2", sold_on=dt.date.today().isoformat())
    for _ in range(2):  # the second poll of each is served from the cache
        balances = (await client.get("/dashboard/balances")).text
        plan = (await client.get("/dashboard/plan")).text
    assert PAGES.hits == 2
    assert 'data-balance="points_pending">0<' in balances
    assert 'data-pct="0"' in plan
    await claims.decide(manager, claim_id, "approve")
    assert 'data-balance="points_pending">500<' in (await client.get("/dashboard/balances")).text
    assert 'data-pct="5000"' in (await client.get("/dashboard/plan")).text


def test_the_cache_keeps_to_its_byte_budget_dropping_the_least_recently_used():
    from portal.web.pagecache import PageCache

    cache = PageCache(budget=8000)
    for n in range(10):
        cache.put(n, b"x" * 1000)
        cache.get(0)  # page 0 stays in use
    assert cache.bytes <= 8000 and len(cache) == 8
    assert cache.get(0) is not None and cache.get(1) is None and cache.get(9) is not None
    cache.put("big", b"x" * 1001)  # over an eighth of the budget: not kept
    assert cache.get("big") is None and cache.bytes <= 8000
