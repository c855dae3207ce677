"""Plan fulfilment and bonus ladders: one pure function of (plan version, approved sales).

The partner dashboard, the manager table, the forecast and the period close all call
``evaluate_plan``; none of them has its own arithmetic, so they cannot disagree.
No database, no I/O, integers only:
- percentages are in basis points of a percent (8000 = 80 %), rounded down, so 79.99 % never
  reaches an 80 % step;
- a step pays its fixed bonus, plus an accelerator on the period's base accruals
  (multiplier in basis points: 12000 = ×1.2 pays 20 % of the base on top);
- the highest step reached pays; steps are not added up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from portal.forms import parse_id
from portal.periods.calc import Span

METRICS = ("units", "revenue", "points")
SCOPES = ("all", "category", "products")
UNITS = ("points", "kop")
AT_RISK_BP = 8000  # a forecast under 80 % puts the partner "at risk"
ONE = 10_000


@dataclass(frozen=True)
class Step:
    threshold_bp: int  # reached at this share of the goal (8000 = 80 %)
    bonus: int  # in the target's bonus unit
    multiplier_bp: int = ONE  # 12000: the period's base accruals ×1.2, the extra 20 % paid as bonus


@dataclass(frozen=True)
class Target:
    key: str
    name: str
    metric: str  # units | revenue (kopecks) | points (earned)
    scope: str  # all | category | products
    scope_value: str  # the category, or product ids separated by commas
    goal: int
    bonus_unit: str  # points | kop
    ladder: tuple[Step, ...]

    @classmethod
    def from_dict(cls, data: Mapping) -> Target:
        return cls(data["key"], data["name"], data["metric"], data["scope"], data.get("scope_value", ""),
                   int(data["goal"]), data["bonus_unit"],
                   tuple(sorted((Step(int(s["threshold_bp"]), int(s["bonus"]), int(s.get("multiplier_bp", ONE)))
                                 for s in data["ladder"]), key=lambda s: s.threshold_bp)))

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "metric": self.metric, "scope": self.scope,
                "scope_value": self.scope_value, "goal": self.goal, "bonus_unit": self.bonus_unit,
                "ladder": [{"threshold_bp": s.threshold_bp, "bonus": s.bonus, "multiplier_bp": s.multiplier_bp}
                           for s in self.ladder]}

    @cached_property
    def product_ids(self) -> frozenset[int]:
        return frozenset(i for i in map(parse_id, self.scope_value.replace(" ", "").split(",")) if i is not None)


class Item(NamedTuple):
    """What the sales are of: a product (with its category) or a job with no product."""

    product_id: int | None
    category: str = ""


class Sums(NamedTuple):
    quantity: int = 0
    amount_kop: int = 0
    points: int = 0  # base accruals earned by these sales
    cash_kop: int = 0
    claims: int = 0

    def __add__(self, other: Sums) -> Sums:  # type: ignore[override]
        return Sums(self.quantity + other.quantity, self.amount_kop + other.amount_kop, self.points + other.points,
                    self.cash_kop + other.cash_kop, self.claims + other.claims)

    def value(self, metric: str) -> int:
        return self.quantity if metric == "units" else self.amount_kop if metric == "revenue" else self.points

    def base(self, unit: str) -> int:
        return self.points if unit == "points" else self.cash_kop


def counts(target: Target, item: Item) -> bool:
    if target.scope == "all":
        return True
    if target.scope == "category":
        return item.product_id is not None and item.category == target.scope_value
    return item.product_id is not None and item.product_id in target.product_ids


def measure(target: Target, sales: Mapping[Item, Sums]) -> Sums:
    """The sales a target counts (summed field by field: the manager table calls this 10^4 times a page)."""
    q = a = p = c = n = 0
    for item, sums in sales.items():
        if counts(target, item):
            q += sums[0]
            a += sums[1]
            p += sums[2]
            c += sums[3]
            n += sums[4]
    return Sums(q, a, p, c, n)


def percent_bp(achieved: int, goal: int) -> int:
    return achieved * ONE // goal if goal > 0 else 0


def step_at(target: Target, pct_bp: int) -> Step | None:
    reached = None
    for step in target.ladder:
        if pct_bp >= step.threshold_bp:
            reached = step
    return reached


def bonus_at(step: Step | None, base: int) -> int:
    if step is None:
        return 0
    return step.bonus + base * (step.multiplier_bp - ONE) // ONE


def needed_for(target: Target, step: Step) -> int:
    """The smallest achievement (in the metric's unit) that reaches ``step``."""
    return -(-target.goal * step.threshold_bp // ONE)


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    achieved: int
    pct_bp: int
    step: Step | None
    bonus: int  # secured now, in target.bonus_unit
    awaiting: int  # submitted but not yet approved, in the metric's unit
    forecast: int
    forecast_pct_bp: int
    forecast_bonus: int
    next_step: Step | None
    to_next: int  # how much more reaches next_step
    next_bonus: int
    days_left: int

    @property
    def at_risk(self) -> bool:
        return self.forecast_pct_bp < AT_RISK_BP


@dataclass(frozen=True)
class PlanProgress:
    targets: tuple[TargetProgress, ...]
    bonus_points: int = 0
    bonus_kop: int = 0
    forecast_points: int = 0
    forecast_kop: int = 0
    weakest_pct_bp: int = 0
    weakest_forecast_bp: int = 0
    at_risk: bool = False


def run_rate(value: int, span: Span, today: dt.date) -> int:
    """Current pace × the whole period: what the period ends with if the pace holds."""
    elapsed = span.days_elapsed(today)
    if elapsed == 0:
        return 0
    if elapsed >= span.days:
        return value
    return value * span.days // elapsed


def evaluate_target(target: Target, sales: Mapping[Item, Sums], span: Span, today: dt.date,
                    awaiting: Mapping[Item, Sums] | None = None) -> TargetProgress:
    got = measure(target, sales)
    achieved = got.value(target.metric)
    pct = percent_bp(achieved, target.goal)
    step = step_at(target, pct)
    base = got.base(target.bonus_unit)
    forecast = run_rate(achieved, span, today)
    forecast_pct = percent_bp(forecast, target.goal)
    forecast_step = step_at(target, forecast_pct)
    next_step = next((s for s in target.ladder if s.threshold_bp > pct), None)
    to_next = max(0, needed_for(target, next_step) - achieved) if next_step else 0
    return TargetProgress(
        target=target, achieved=achieved, pct_bp=pct, step=step, bonus=bonus_at(step, base),
        awaiting=measure(target, awaiting or {}).value(target.metric),
        forecast=forecast, forecast_pct_bp=forecast_pct,
        forecast_bonus=bonus_at(forecast_step, run_rate(base, span, today)),
        next_step=next_step, to_next=to_next,
        next_bonus=bonus_at(next_step, base) if next_step else 0,
        days_left=span.days_left(today),
    )


def evaluate_plan(targets: Iterable[Target], sales: Mapping[Item, Sums], span: Span, today: dt.date,
                  awaiting: Mapping[Item, Sums] | None = None) -> PlanProgress:
    progress = tuple(evaluate_target(t, sales, span, today, awaiting) for t in targets)
    if not progress:
        return PlanProgress(())
    points = sum(p.bonus for p in progress if p.target.bonus_unit == "points")
    kop = sum(p.bonus for p in progress if p.target.bonus_unit == "kop")
    return PlanProgress(
        targets=progress, bonus_points=points, bonus_kop=kop,
        forecast_points=sum(p.forecast_bonus for p in progress if p.target.bonus_unit == "points"),
        forecast_kop=sum(p.forecast_bonus for p in progress if p.target.bonus_unit == "kop"),
        weakest_pct_bp=min(p.pct_bp for p in progress),
        weakest_forecast_bp=min(p.forecast_pct_bp for p in progress),
        at_risk=any(p.at_risk for p in progress),
    )
