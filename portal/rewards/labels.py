"""The reward rules' template labels: what a rule pays and what it applies to, in words, never as codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment

from portal.i18n import N_, format_hundredths, format_money, format_points
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.products.labels import product_category

KINDS = {"per_unit": N_("per unit"), "percent": N_("of the amount"), "fixed": N_("per registration")}
SCOPES = {"product": N_("Product"), "category": N_("Category"), "job_type": N_("Job type"), "all": N_("Everything")}


def _value(value: int, unit: str) -> str:
    return format_money(value) if unit == "kop" else ngettext("%(num)s point", "%(num)s points", value,
                                                              num=format_points(value))


def reward_terms(rule: Mapping[str, Any]) -> str:
    """"45 points per unit", "1,5 % of the amount, in points", "500,00 ₽ per registration"."""
    kind, value, unit = rule.get("kind"), int(rule.get("value") or 0), rule.get("unit")
    if kind == "percent":
        pays = _("in points") if unit == "points" else _("in money")
        return f"{format_hundredths(value)} % {_(KINDS[kind])}, {pays}"
    if kind in KINDS:
        return f"{_value(value, unit)} {_(KINDS[kind])}"
    return f"{kind}: {value} {unit}"


def reward_scope(rule: Mapping[str, Any]) -> str:
    scope, target = rule.get("scope"), rule.get("scope_value") or ""
    if scope == "category":
        return f"{_(SCOPES[scope])}: {product_category(target)}"
    if scope in SCOPES:
        return f"{_(SCOPES[scope])}{' #' + target if target else ''}"
    return f"{scope} {target}".strip()


def register(env: Environment) -> None:
    env.filters.update(reward_terms=reward_terms, reward_scope=reward_scope)
