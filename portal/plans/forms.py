"""The plan form: a name, a period, who it is for, and up to three targets with up to four ladder steps.

Fixed slots (t0_…, t0_s0_…) keep the form usable without JavaScript. Percentages and multipliers are
typed as people write them ("79,5", "1.2") and stored as integers (basis points).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal import forms as f
from portal.errors import ValidationFailed
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.periods.calc import parse_code
from portal.plans.calc import METRICS, ONE, SCOPES, UNITS, Step, Target

TARGET_SLOTS, STEP_SLOTS = 3, 4
AUDIENCES = ("partner", "group", "copy")


MAX_GOAL = 10**12  # units, points or kopecks
MAX_PCT = 1_000_000  # basis points: a step at 10 000 %
MAX_MULT = 10_000  # hundredths: ×100
_CHOOSE = N_("Choose one of the options.")
_GOAL = N_("Enter the goal: a number above zero.")
_PCT = N_("Enter a percentage above zero.")
_BONUS = N_("Enter a bonus: a number, zero or more.")
_MULT = N_("A multiplier is 1 or more, e.g. 1,2.")

PLAN_FIELDS = {
    "name": f.Field(max_length=200),
    "period": f.Field(max_length=10, required_message=N_("Choose a period.")),
    "audience": f.Field(f.CHOICE, required=False, choices=AUDIENCES, default="partner"),
    "partner_id": f.Field(f.ID, required=False, message=N_("Choose a partner.")),
    "partner_group": f.Field(required=False, max_length=100),
    "copy_type": f.Field(required=False, max_length=100),
    "copy_region": f.Field(required=False, max_length=100),
    "copy_group": f.Field(required=False, max_length=100),
}
TARGET_FIELDS = {  # each in slots t0_ … t2_
    "key": f.Field(required=False, max_length=40, pattern=r"[A-Za-z0-9_-]+"),
    "name": f.Field(required=False, max_length=120),
    "metric": f.Field(f.CHOICE, choices=METRICS, required_message=_CHOOSE),
    "scope": f.Field(f.CHOICE, required=False, choices=SCOPES, default="all"),
    "scope_value": f.Field(required=False, max_length=200),
    "bonus_unit": f.Field(f.CHOICE, choices=UNITS, required_message=_CHOOSE),
}
GOALS = {places: f.Field(f.AMOUNT, places=places, min_value=1, max_value=MAX_GOAL, required_message=_GOAL,
                         message=_GOAL, range_message=_GOAL) for places in (0, 2)}  # revenue is in roubles
STEP_PCT = f.Field(f.AMOUNT, min_value=1, max_value=MAX_PCT, message=_PCT, range_message=_PCT)  # "79,5" -> 7950
STEP_BONUS = {unit: f.Field(f.AMOUNT, required=False, places=2 if unit == "kop" else 0, min_value=0,
                            max_value=MAX_GOAL, default=0, message=_BONUS, range_message=_BONUS) for unit in UNITS}
STEP_MULT = f.Field(f.AMOUNT, required=False, min_value=100, max_value=MAX_MULT, default=100, message=_MULT,
                    range_message=_MULT)


@dataclass(frozen=True)
class PlanData:
    name: str
    period: str
    audience: str  # partner | group | copy (one plan per matching partner)
    partner_id: int | None
    partner_group: str
    copy_type: str
    copy_region: str
    copy_group: str
    targets: tuple[Target, ...]

    @classmethod
    def parse(cls, data: Mapping[str, Any], *, editing: bool = False) -> PlanData:
        errors = f.Errors()
        values = f.clean(PLAN_FIELDS, data, errors)
        span = parse_code(values["period"]) if values["period"] else None
        if values["period"] and span is None:
            errors.add("period", _("Choose a period."))
        if not editing:
            if values["audience"] == "partner" and values["partner_id"] is None:
                errors.add("partner_id", _("Choose a partner."))
            elif values["audience"] == "group" and not values["partner_group"]:
                errors.add("partner_group", _("Name the partner group."))
        targets = tuple(t for t in (_target(data, t, errors) for t in range(TARGET_SLOTS)) if t is not None)
        if not targets and not any(k.startswith("t") and k.endswith("_goal") for k in errors):
            errors.add("t0_goal", _("A plan needs at least one target."))
        if errors:
            raise ValidationFailed(dict(errors))
        assert span is not None
        return cls(**values | {"period": span.code}, targets=targets)


def _target(data: Mapping[str, Any], t: int, errors: f.Errors) -> Target | None:
    prefix = f"t{t}_"
    if t > 0 and not f.clean_text(data.get(prefix + "goal")).strip():
        return None  # an empty slot
    v = f.clean(TARGET_FIELDS, data, errors, prefix)
    if v["scope"] != "all" and not v["scope_value"]:
        errors.add(prefix + "scope_value", _("Say which category or products."))
    goal = GOALS[2 if v["metric"] == "revenue" else 0].clean(data, prefix + "goal", errors)
    steps = []
    for s in range(STEP_SLOTS):
        slot = f"{prefix}s{s}_"
        if not any(f.clean_text(data.get(slot + name)).strip() for name in ("pct", "bonus", "mult")):
            continue
        step_errors = f.Errors()
        pct = STEP_PCT.clean(data, slot + "pct", step_errors)
        bonus = STEP_BONUS[v["bonus_unit"] or "points"].clean(data, slot + "bonus", step_errors)
        mult = STEP_MULT.clean(data, slot + "mult", step_errors)
        if step_errors:
            for name, message in step_errors.items():  # one message per step, on its first bad field
                errors.add(name, message)
                break
            continue
        steps.append(Step(pct, bonus, mult * 100))
    if not steps:
        errors.add(prefix + "s0_pct", _("A target needs at least one step of its bonus ladder."))
    ordered = sorted(steps, key=lambda s: s.threshold_bp)
    for lower, higher in zip(ordered, ordered[1:]):
        if lower.threshold_bp == higher.threshold_bp:
            errors.add(prefix + "s0_pct", _("Two steps have the same percentage."))
        elif higher.bonus < lower.bonus or higher.multiplier_bp < lower.multiplier_bp:
            errors.add(prefix + "s0_pct", _("A higher step must not pay less than a lower one."))
    if not v["metric"] or not goal or not steps or not v["bonus_unit"]:
        return None
    return Target(v["key"] or secrets.token_hex(4), v["name"] or _("Target %(n)s", n=t + 1), v["metric"],
                  v["scope"], v["scope_value"], goal, v["bonus_unit"], tuple(ordered))


def form_values(plan: dict) -> dict[str, str]:
    """A stored plan as the form's fields, for editing (a new version)."""
    values: dict[str, str] = {"name": plan["name"], "period": plan["period"],
                              "audience": "partner" if plan["partner"] else "group",
                              "partner_id": str(plan["partner"] or ""), "partner_group": plan["partner_group"]}
    for t, target in enumerate(plan["targets"]):
        tgt = Target.from_dict(target)
        goal = f"{tgt.goal / 100:.2f}".replace(".", ",") if tgt.metric == "revenue" else str(tgt.goal)
        values |= {f"t{t}_key": tgt.key, f"t{t}_name": tgt.name, f"t{t}_metric": tgt.metric, f"t{t}_scope": tgt.scope,
                   f"t{t}_scope_value": tgt.scope_value, f"t{t}_goal": goal, f"t{t}_bonus_unit": tgt.bonus_unit}
        for s, step in enumerate(tgt.ladder):
            bonus = f"{step.bonus / 100:.2f}".replace(".", ",") if tgt.bonus_unit == "kop" else str(step.bonus)
            values |= {f"t{t}_s{s}_pct": _plain(step.threshold_bp), f"t{t}_s{s}_bonus": bonus,
                       f"t{t}_s{s}_mult": _plain(step.multiplier_bp // 100) if step.multiplier_bp != ONE else ""}
    return values


def _plain(hundredths: int) -> str:
    whole, frac = divmod(hundredths, 100)
    return f"{whole},{frac:02d}".rstrip("0").rstrip(",") if frac else str(whole)
