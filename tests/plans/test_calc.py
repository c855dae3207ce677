"""The fulfilment function alone: ladders, boundaries, forecasts, and the properties every caller relies on."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from portal.periods.calc import span_of
from portal.plans.calc import Item, Step, Sums, Target, evaluate_plan, evaluate_target, measure

NOVEMBER = span_of(dt.date(2026, 11, 1))
END = dt.date(2026, 11, 30)
BOILER, PUMP = Item(1, "boilers"), Item(2, "pumps")

LADDER = (Step(8000, 1_000), Step(10_000, 3_000), Step(12_000, 3_000, 12_000))


def target(metric: str = "units", goal: int = 100, scope: str = "all", scope_value: str = "",
           unit: str = "points", ladder=LADDER) -> Target:
    return Target("t", "Котлы", metric, scope, scope_value, goal, unit, ladder)


def sales(metric: str, value: int, base: int = 0) -> dict:
    if metric == "units":
        return {BOILER: Sums(quantity=value, points=base, claims=1)}
    if metric == "revenue":
        return {BOILER: Sums(quantity=1, amount_kop=value, points=base, claims=1)}
    return {BOILER: Sums(quantity=1, points=value, claims=1)}


@pytest.mark.parametrize("metric,goal", [("units", 10_000), ("revenue", 1_000_000_00), ("points", 50_000)])
@pytest.mark.parametrize("share_bp,bonus", [(7999, 0), (8000, 1_000), (9999, 1_000), (10_000, 3_000),
                                            (11_999, 3_000)])
def test_ladder_boundaries_pay_exactly_from_the_step(metric, goal, share_bp, bonus):
    got = evaluate_target(target(metric, goal), sales(metric, goal * share_bp // 10_000), NOVEMBER, END)
    assert got.pct_bp == share_bp
    assert got.bonus == bonus


@pytest.mark.parametrize("metric,goal", [("units", 10_000), ("revenue", 1_000_000_00)])
def test_at_120_percent_the_accelerator_adds_a_fifth_of_the_base_accruals(metric, goal):
    got = evaluate_target(target(metric, goal), sales(metric, goal * 12 // 10, base=50_000), NOVEMBER, END)
    assert got.pct_bp == 12_000
    assert got.bonus == 3_000 + 10_000


def test_points_target_accelerates_its_own_points():
    got = evaluate_target(target("points", 50_000), sales("points", 60_000), NOVEMBER, END)
    assert got.bonus == 3_000 + 12_000


def test_a_hair_below_80_percent_of_a_revenue_goal_pays_nothing():
    got = evaluate_target(target("revenue", 1_000_000_00), sales("revenue", 799_999_99), NOVEMBER, END)
    assert (got.pct_bp, got.bonus) == (7999, 0)
    assert got.to_next == 1 and got.next_bonus == 1_000


def test_next_step_says_how_many_more_units():
    got = evaluate_target(target("units", 40), sales("units", 32), NOVEMBER, dt.date(2026, 11, 20))
    assert got.next_step.threshold_bp == 10_000
    assert (got.to_next, got.next_bonus) == (8, 3_000)


def test_forecast_is_the_run_rate_to_the_end_of_the_period():
    got = evaluate_target(target("units", 100), sales("units", 30), NOVEMBER, dt.date(2026, 11, 10))
    assert got.forecast == 90 and got.forecast_pct_bp == 9000
    assert got.forecast_bonus == 1_000 and got.days_left == 20
    assert not got.at_risk


def test_a_slow_start_is_at_risk():
    got = evaluate_target(target("units", 100), sales("units", 20), NOVEMBER, dt.date(2026, 11, 10))
    assert got.forecast == 60 and got.at_risk


def test_scopes_count_only_their_products():
    mixed = {BOILER: Sums(quantity=3), PUMP: Sums(quantity=5), Item(None): Sums(quantity=7)}
    assert measure(target(scope="category", scope_value="boilers"), mixed).quantity == 3
    assert measure(target(scope="products", scope_value="1, 2"), mixed).quantity == 8
    assert measure(target(), mixed).quantity == 15


def test_no_targets_is_no_progress():
    plan = evaluate_plan((), {}, NOVEMBER, END)
    assert plan.targets == () and plan.bonus_points == 0 and not plan.at_risk


def test_awaiting_approval_is_shown_apart_and_pays_nothing():
    got = evaluate_target(target("units", 10), {}, NOVEMBER, END, awaiting={BOILER: Sums(quantity=9)})
    assert (got.achieved, got.awaiting, got.bonus) == (0, 9, 0)


def test_plan_totals_split_points_and_cash():
    plan = evaluate_plan((target("units", 10), target("units", 10, unit="kop")), sales("units", 10), NOVEMBER, END)
    assert (plan.bonus_points, plan.bonus_kop) == (3_000, 3_000)


ladders = st.lists(st.tuples(st.integers(1, 30_000), st.integers(0, 10_000), st.integers(10_000, 20_000)),
                   min_size=1, max_size=4, unique_by=lambda s: s[0]).map(
    lambda steps: tuple(Step(p, b, m) for p, b, m in zip(sorted(s[0] for s in steps), sorted(s[1] for s in steps),
                                                          sorted(s[2] for s in steps))))
sums = st.builds(Sums, st.integers(0, 10_000), st.integers(0, 10**10), st.integers(0, 10**6), st.integers(0, 10**8),
                 st.integers(0, 100))
metrics = st.sampled_from(["units", "revenue", "points"])


@settings(max_examples=300, deadline=None)
@given(metric=metrics, goal=st.integers(1, 10**9), ladder=ladders, before=sums, more=sums,
       unit=st.sampled_from(["points", "kop"]), day=st.integers(1, 30))
def test_more_sales_never_lower_fulfilment_or_bonus(metric, goal, ladder, before, more, unit, day):
    tgt = target(metric, goal, unit=unit, ladder=ladder)
    today = dt.date(2026, 11, day)
    a = evaluate_target(tgt, {BOILER: before}, NOVEMBER, today)
    b = evaluate_target(tgt, {BOILER: before + more}, NOVEMBER, today)
    assert b.pct_bp >= a.pct_bp
    assert b.bonus >= a.bonus
    assert b.forecast_bonus >= a.forecast_bonus


@settings(max_examples=300, deadline=None)
@given(metric=metrics, goal=st.integers(1, 10**9), ladder=ladders)
def test_each_step_is_paid_from_exactly_its_threshold(metric, goal, ladder):
    tgt = target(metric, goal, ladder=ladder)
    for step in ladder:
        needed = -(-goal * step.threshold_bp // 10_000)
        at = evaluate_target(tgt, sales(metric, needed), NOVEMBER, END)
        assert at.pct_bp >= step.threshold_bp and at.step is not None
        assert at.step.threshold_bp >= step.threshold_bp
        if needed > 0:
            below = evaluate_target(tgt, sales(metric, needed - 1), NOVEMBER, END)
            assert below.step is None or below.step.threshold_bp < step.threshold_bp


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from([BOILER, PUMP, Item(None)]), sums), max_size=8))
def test_measure_is_the_sum_of_what_the_scope_counts(parts):
    folded: dict = {}
    for item, s in parts:
        folded[item] = folded.get(item, Sums()) + s
    everything = measure(target(), folded)
    assert everything.quantity == sum(s.quantity for _i, s in parts)
    boilers = measure(target(scope="category", scope_value="boilers"), folded)
    assert boilers.amount_kop == sum(s.amount_kop for i, s in parts if i == BOILER)
