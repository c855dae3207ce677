"""The plan form: a name, a period, who it is for, and up to three targets with up to four ladder steps.

Fixed slots (t0_…, t0_s0_…) keep the form usable without JavaScript. Percentages and multipliers are
typed as people write them ("79,5", "1.2") and stored as integers (basis points).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.errors import ValidationFailed
from portal.forms import Errors
from portal.i18n import gettext as _
from portal.periods.calc import parse_code
from portal.plans.calc import METRICS, ONE, SCOPES, UNITS, Step, Target
from portal.forms import parse_rubles

TARGET_SLOTS, STEP_SLOTS = 3, 4
AUDIENCES = ("partner", "group", "copy")


def _hundredths(raw: str) -> int | None:
    """'80' -> 8000, '79,99' -> 7999, '1.2' -> 120: a decimal with at most two places, times 100."""
    text = raw.replace(" ", "").replace(",", ".").strip()
    if not re.fullmatch(r"\d{1,6}(\.\d{1,2})?", text):
        return None
    whole, _sep, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _amount(raw: str, unit: str) -> int | None:
    """Points are whole numbers; money is typed in roubles and kept in kopecks."""
    raw = raw.replace(" ", "").replace("\xa0", "")
    if unit == "kop":
        return parse_rubles(raw)
    return int(raw) if raw.isdigit() else None


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
        errors = Errors()
        get = lambda name: str(data.get(name) or "").strip()  # noqa: E731
        name = get("name")
        if not name:
            errors.add("name", _("This field is required."))
        period = get("period")
        if parse_code(period) is None:
            errors.add("period", _("Choose a period."))
        audience = get("audience") or "partner"
        partner = get("partner_id")
        group = get("partner_group")[:100]
        if not editing:
            if audience not in AUDIENCES:
                errors.add("audience", _("Choose one of the options."))
            elif audience == "partner" and not partner.isdigit():
                errors.add("partner_id", _("Choose a partner."))
            elif audience == "group" and not group:
                errors.add("partner_group", _("Name the partner group."))
        targets = []
        for t in range(TARGET_SLOTS):
            target = _target(data, t, errors)
            if target is not None:
                targets.append(target)
        if not targets and not any(k.startswith("t") and k.endswith("_goal") for k in errors):
            errors.add("t0_goal", _("A plan needs at least one target."))
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(name, parse_code(period).code, audience, int(partner) if partner.isdigit() else None, group,
                   get("copy_type"), get("copy_region"), get("copy_group"), tuple(targets))


def _target(data: Mapping[str, Any], t: int, errors: Errors) -> Target | None:
    get = lambda name: str(data.get(f"t{t}_{name}") or "").strip()  # noqa: E731
    raw_goal = get("goal")
    if not raw_goal and t > 0:
        return None  # an empty slot
    metric, scope, unit = get("metric"), get("scope") or "all", get("bonus_unit")
    if metric not in METRICS:
        errors.add(f"t{t}_metric", _("Choose one of the options."))
    if scope not in SCOPES:
        errors.add(f"t{t}_scope", _("Choose one of the options."))
    scope_value = get("scope_value")
    if scope != "all" and not scope_value:
        errors.add(f"t{t}_scope_value", _("Say which category or products."))
    if unit not in UNITS:
        errors.add(f"t{t}_bonus_unit", _("Choose one of the options."))
    goal = _amount(raw_goal, "kop" if metric == "revenue" else "points")
    if not goal:
        errors.add(f"t{t}_goal", _("Enter the goal: a number above zero."))
    steps = []
    for s in range(STEP_SLOTS):
        raw_pct, raw_bonus, raw_mult = get(f"s{s}_pct"), get(f"s{s}_bonus"), get(f"s{s}_mult")
        if not (raw_pct or raw_bonus or raw_mult):
            continue
        pct = _hundredths(raw_pct)
        if not pct:
            errors.add(f"t{t}_s{s}_pct", _("Enter a percentage above zero."))
            continue
        bonus = _amount(raw_bonus or "0", unit) if unit in UNITS else 0
        if bonus is None:
            errors.add(f"t{t}_s{s}_bonus", _("Enter a bonus: a number, zero or more."))
            continue
        mult = _hundredths(raw_mult) if raw_mult else 100
        if mult is None or mult < 100:
            errors.add(f"t{t}_s{s}_mult", _("A multiplier is 1 or more, e.g. 1,2."))
            continue
        steps.append(Step(pct, bonus, mult * 100))
    if not steps:
        errors.add(f"t{t}_s0_pct", _("A target needs at least one step of its bonus ladder."))
    ordered = sorted(steps, key=lambda s: s.threshold_bp)
    for lower, higher in zip(ordered, ordered[1:]):
        if lower.threshold_bp == higher.threshold_bp:
            errors.add(f"t{t}_s0_pct", _("Two steps have the same percentage."))
        elif higher.bonus < lower.bonus or higher.multiplier_bp < lower.multiplier_bp:
            errors.add(f"t{t}_s0_pct", _("A higher step must not pay less than a lower one."))
    name = get("name") or _("Target %(n)s", n=t + 1)
    key = get("key") or secrets.token_hex(4)
    if metric not in METRICS or not goal or not steps:
        return None
    return Target(key, name[:120], metric, scope, scope_value[:200], goal, unit, tuple(ordered))


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
