"""Badges: rules as data, awarded once (per period where so configured), paid through the ledger."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.errors import ValidationFailed
from portal.gamification import badges
from portal.gamification.tables import BadgeAward, BadgeRule, GameCounter
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.notifications.tables import Notification
from tests import factories as f


async def rule(code: str, kind: str, n: int = 1, points: int = 0, **extra) -> int:
    fields = {"code": code, "name_ru": f"Значок {code}", "name_en": f"Badge {code}", "kind": kind, "n": str(n),
              "scope": extra.pop("scope", "all"), "value": extra.pop("value", ""), "reward_points": str(points),
              "shape": "circle", "colour": "#3366cc", "glyph": "star", "active": "1"}
    for flag in ("per_period", "reverse_on_withdraw"):
        if extra.pop(flag, False):
            fields[flag] = "1"
    return await badges.save_rule(SYSTEM, badges.RuleData.parse(fields | extra))


async def approved(dealer, product_id: int, **overrides) -> int:
    claim_id = await f.claim(dealer, product_id, **overrides)
    await claims.decide(await f.company(), claim_id, "approve")
    return claim_id


async def awards(partner_id: int) -> list[str]:
    rows = await BadgeAward.select(BadgeAward.key).where(BadgeAward.partner == partner_id).order_by(BadgeAward.id)
    return [r["key"] for r in rows]


async def test_the_third_approved_sale_earns_the_badge_and_its_points_once():
    await rule("three", "sales", n=3, points=150)
    dealer = await f.dealer()
    product = await f.product()
    for _ in range(2):
        await approved(dealer, product)
    assert await awards(dealer.partner_id) == []
    await approved(dealer, product)
    await approved(dealer, product)
    assert await awards(dealer.partner_id) == [f"three:{dealer.partner_id}:"]
    badge_points = await Transfer.select(Transfer.amount).where(Transfer.key.like("badge:three:%"))
    assert [t["amount"] for t in badge_points] == [150]
    bell = await Notification.select(Notification.kind, Notification.link).where(Notification.kind == "badge.awarded")
    assert bell == [{"kind": "badge.awarded", "link": "/badges/three"}]


async def test_a_category_count_counts_only_that_category():
    await rule("pumps", "sales", n=2, scope="category", value="pumps")
    dealer = await f.dealer()
    boiler, pump = await f.product(category="boilers"), await f.product(category="pumps")
    await approved(dealer, boiler)
    await approved(dealer, boiler)
    await approved(dealer, pump)
    assert await awards(dealer.partner_id) == []
    await approved(dealer, pump)
    assert await awards(dealer.partner_id) == [f"pumps:{dealer.partner_id}:"]


async def test_first_sale_of_a_new_line_is_not_the_first_sale_ever():
    await rule("new_line", "new_line", scope="category")
    dealer = await f.dealer()
    boiler, pump = await f.product(category="boilers"), await f.product(category="pumps")
    await approved(dealer, boiler)
    await approved(dealer, boiler)
    assert await awards(dealer.partner_id) == []
    await approved(dealer, pump)
    assert await awards(dealer.partner_id) == [f"new_line:{dealer.partner_id}:"]


async def test_a_per_period_badge_is_earned_again_in_the_next_period():
    await rule("monthly", "sales", n=1, points=10, per_period=True)
    dealer = await f.dealer()
    product = await f.product()
    today = dt.date.today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    await approved(dealer, product, sold_on=last_month.isoformat())
    await approved(dealer, product)
    await approved(dealer, product)
    keys = await awards(dealer.partner_id)
    assert len(keys) == 2 and len(set(keys)) == 2


async def test_a_withdrawn_approval_keeps_the_badge_and_its_points_by_default():
    await rule("two", "sales", n=2, points=100)
    dealer = await f.dealer()
    product = await f.product()
    await approved(dealer, product)
    second = await approved(dealer, product)
    await claims.revoke_approval(await f.company(), second, "ошибка в серийном номере")
    assert await awards(dealer.partner_id) == [f"two:{dealer.partner_id}:"]
    paid = await Transfer.select(Transfer.id).where(Transfer.key.like("badge:two:%")).first()
    assert not await Transfer.exists().where(Transfer.reverses == paid["id"])
    counter = await GameCounter.select(GameCounter.value).where(GameCounter.key == f"{dealer.partner_id}:sales:").first()
    assert counter["value"] == 1


async def test_a_withdrawn_approval_reverses_the_points_when_the_rule_says_so():
    await rule("two_back", "sales", n=2, points=100, reverse_on_withdraw=True)
    dealer = await f.dealer()
    product = await f.product()
    await approved(dealer, product)
    second = await approved(dealer, product)
    before = (await ledger.balances(dealer.partner_id))["points_pending"]
    await claims.revoke_approval(await f.company(), second, "дубликат")
    assert await awards(dealer.partner_id) == [f"two_back:{dealer.partner_id}:"]  # the badge stays
    award = await BadgeAward.select(BadgeAward.reversed).first()
    assert award["reversed"] is True
    after = (await ledger.balances(dealer.partner_id))["points_pending"]
    assert before - after >= 100
    # counted again (as a later approval would): the badge is still held, nothing is paid twice
    assert await badges.claim_approved(second) == []
    assert len(await Transfer.select().where(Transfer.key.like("badge:two_back:%"))) == 1


async def test_the_first_prize_order_earns_its_badge():
    from tests.catalog.helpers import give_points, order, prize

    await rule("first_order", "first_order", points=0)
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 300)
    gift = await prize(points=100)
    await order(dealer, gift)
    assert await awards(dealer.partner_id) == [f"first_order:{dealer.partner_id}:"]
    await order(dealer, gift)
    assert await awards(dealer.partner_id) == [f"first_order:{dealer.partner_id}:"]


async def test_fifty_concurrent_qualifying_approvals_award_once_and_pay_once():
    await rule("first_sale", "sales", n=1, points=500)
    dealer = await f.dealer()
    product = await f.product()
    claim_ids = [await f.claim(dealer, product) for _ in range(50)]
    manager = await f.company()

    async def approve(claim_id: int):
        return await claims.decide(manager, claim_id, "approve")

    outcomes = await asyncio.gather(*[approve(c) for c in claim_ids], return_exceptions=True)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert await awards(dealer.partner_id) == [f"first_sale:{dealer.partner_id}:"]
    paid = await Transfer.select(Transfer.amount).where(Transfer.key.like("badge:first_sale:%"))
    assert [t["amount"] for t in paid] == [500]
    counter = await GameCounter.select(GameCounter.value).where(GameCounter.key == f"{dealer.partner_id}:sales:").first()
    assert counter["value"] == 50
    assert (await ledger.verify()).ok


async def test_a_rule_form_refuses_a_bad_colour_and_a_missing_category():
    from portal.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as bad:
        badges.RuleData.parse({"code": "x1", "name_ru": "а", "name_en": "a", "kind": "sales", "scope": "category",
                               "value": "", "shape": "circle", "colour": "red", "glyph": "star"})
    assert set(bad.value.errors) == {"colour", "value"}
    row = await BadgeRule.select().where(BadgeRule.id == await rule("ok1", "streak", n=4)).first()
    assert json.loads(row["condition"]) == {"kind": "streak", "n": 4} and row["event"] == "claim_approved"


async def test_a_streak_badge_comes_with_the_weeks_in_a_row():
    from portal.gamification import streaks

    await rule("streak3", "streak", n=3, points=30)
    dealer = await f.dealer()
    product = await f.product()
    from portal.db import company_today

    today = company_today()
    for weeks_ago in (2, 1):  # two earlier weeks already active
        await streaks.add(dealer.partner_id, streaks.monday(today) - dt.timedelta(weeks=weeks_ago), +1)
    await approved(dealer, product)
    assert await awards(dealer.partner_id) == [f"streak3:{dealer.partner_id}:"]


async def test_complete_claims_count_only_with_photos_and_serials():
    await rule("tidy2", "complete", n=2)
    dealer = await f.dealer()
    product = await f.product()
    await approved(dealer, product, serials="SN-A1")  # no photo
    await approved(dealer, product, serials="SN-A2")
    assert await awards(dealer.partner_id) == []
    await approved(dealer, product, serials="SN-B1", photos=[f.jpeg()])
    assert await awards(dealer.partner_id) == []
    await approved(dealer, product, serials="SN-B2", photos=[f.jpeg(color="#a37")])
    assert await awards(dealer.partner_id) == [f"tidy2:{dealer.partner_id}:"]


@pytest.fixture
def fresh_plans(monkeypatch):
    """plans keeps evaluated periods in memory under a stamp that restarts with each test's fresh database."""
    from portal.plans import services as plans

    monkeypatch.setattr(plans, "_snapshots", {})


async def plan_for(partner_id: int, code: str, goal: int = 1) -> None:
    from portal.plans import services as plans
    from portal.plans.forms import PlanData

    await plans.save_plan(SYSTEM, PlanData.parse({
        "name": "План", "period": code, "audience": "partner", "partner_id": str(partner_id),
        "t0_metric": "units", "t0_goal": str(goal), "t0_bonus_unit": "points", "t0_s0_pct": "100",
        "t0_s0_bonus": "5"}))


async def test_plan_met_two_periods_in_a_row_on_period_close_counted_once_per_period(fresh_plans):
    from portal.periods.calc import span_of

    await rule("plan2", "plan_streak", n=2, points=70)
    dealer = await f.dealer()
    product = await f.product()
    first_of_month = dt.date.today().replace(day=1)
    older = span_of((first_of_month - dt.timedelta(days=40)).replace(day=10))
    last = span_of(first_of_month - dt.timedelta(days=1))
    for span in (older, last):
        await plan_for(dealer.partner_id, span.code)
        await approved(dealer, product, sold_on=span.starts_on.isoformat())
    assert await badges.period_closed(older.code) == 0
    assert await badges.period_closed(older.code) == 0  # a second close of the same period counts nothing
    run = await GameCounter.select(GameCounter.value).where(GameCounter.key == f"{dealer.partner_id}:plan_run:").first()
    assert run["value"] == 1
    assert await badges.period_closed(last.code) == 1
    assert await awards(dealer.partner_id) == [f"plan2:{dealer.partner_id}:"]


async def test_a_missed_plan_breaks_the_run(fresh_plans):
    from portal.periods.calc import span_of

    await rule("plan2", "plan_streak", n=2)
    dealer = await f.dealer()
    product = await f.product()
    first_of_month = dt.date.today().replace(day=1)
    older = span_of((first_of_month - dt.timedelta(days=40)).replace(day=10))
    last = span_of(first_of_month - dt.timedelta(days=1))
    await plan_for(dealer.partner_id, older.code)
    await approved(dealer, product, sold_on=older.starts_on.isoformat())
    await plan_for(dealer.partner_id, last.code, goal=5)
    await approved(dealer, product, sold_on=last.starts_on.isoformat())
    await badges.period_closed(older.code)
    await badges.period_closed(last.code)
    assert await awards(dealer.partner_id) == []


@given(steps=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["approve", "revoke"])), min_size=1, max_size=14))
@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
async def test_kept_counters_equal_a_recount_after_any_approvals_and_withdrawals(steps):
    """Hypothesis: for any sequence of approvals and withdrawals, the counters equal a full recount."""
    from portal.claims.tables import Claim

    dealer = await f.dealer()
    products = [await f.product(category="boilers"), await f.product(category="pumps")]
    manager = await f.company()
    claims_ = [await f.claim(dealer, products[i % 2], serials=f"HY-{dealer.partner_id}-{i}") for i in range(6)]
    for index, action in steps:
        claim_id = claims_[index]
        status = (await Claim.select(Claim.status).where(Claim.id == claim_id).first())["status"]
        if action == "approve" and status == "submitted":
            await claims.decide(manager, claim_id, "approve")
        elif action == "revoke" and status == "approved":
            await claims.revoke_approval(manager, claim_id, "проверка")
    assert await badges.verify_counters() == []


async def test_withdrawing_a_sale_of_another_line_keeps_the_new_line_reward():
    await rule("pumps_first", "new_line", points=150, scope="category", value="pumps", reverse_on_withdraw=True)
    dealer = await f.dealer()
    pump, valve = await f.product(category="pumps"), await f.product(category="valves")
    await approved(dealer, pump)
    other = await approved(dealer, valve)
    await claims.revoke_approval(await f.company(), other, "не тот клапан")
    award = await BadgeAward.select(BadgeAward.reversed).first()
    assert award["reversed"] is False
    assert not await Transfer.exists().where(Transfer.kind == "reversal")


async def test_a_held_badge_cannot_become_once_per_period_and_pay_everyone_again():
    rule_id = await rule("ten_more", "sales", n=1, points=50)
    dealer = await f.dealer()
    await approved(dealer, await f.product())
    fields = {"code": "ten_more", "name_ru": "Значок", "name_en": "Badge", "kind": "sales", "n": "1", "scope": "all",
              "value": "", "reward_points": "50", "shape": "circle", "colour": "#3366cc", "glyph": "star",
              "active": "1", "per_period": "1"}
    with pytest.raises(ValidationFailed):
        await badges.save_rule(SYSTEM, badges.RuleData.parse(fields), rule_id)
    with pytest.raises(ValidationFailed):
        badges.RuleData.parse(fields | {"code": "orders_each", "kind": "first_order"})
