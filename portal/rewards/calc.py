"""Pure reward arithmetic: which rule applies, and what it pays. No database, no I/O.

The accrual, the "what you will earn" preview and the tests all use these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SCOPE_RANK = {"product": 3, "job_type": 2, "category": 1, "all": 0}


@dataclass(frozen=True)
class Work:
    """What a claim is, as far as rewards care."""

    partner_id: int
    partner_group: str
    product_id: int | None
    category: str
    job_type_id: int | None
    quantity: int
    amount_kop: int
    sold_on: dt.date


def applies(rule: dict, work: Work) -> bool:
    if rule["partner"] is not None and rule["partner"] != work.partner_id:
        return False
    if rule.get("partner_group") and rule["partner_group"] != work.partner_group:
        return False
    if rule["valid_from"] > work.sold_on or (rule["valid_to"] is not None and rule["valid_to"] < work.sold_on):
        return False
    scope, value = rule["scope"], rule["scope_value"]
    if scope == "product":
        return work.product_id is not None and value == str(work.product_id)
    if scope == "job_type":
        return work.job_type_id is not None and value == str(work.job_type_id)
    if scope == "category":
        return work.product_id is not None and value == work.category
    return scope == "all"


def best_rules(rules: list[dict], work: Work) -> list[dict]:
    """At most one rule per unit: a partner's own terms beat its group's, which beat the general ones;
    then the narrowest scope wins."""
    chosen: dict[str, dict] = {}
    for rule in rules:
        if not applies(rule, work):
            continue
        rank = (rule["partner"] is not None, bool(rule.get("partner_group")), SCOPE_RANK[rule["scope"]],
                rule["valid_from"], rule["id"])
        current = chosen.get(rule["unit"])
        if current is None or rank > current[0]:
            chosen[rule["unit"]] = (rank, rule)
    return [rule for _rank, rule in sorted(chosen.values(), key=lambda c: c[1]["unit"])]


def reward(rule: dict, work: Work) -> int:
    """What one rule pays for one piece of work, in the rule's unit (points or kopecks), rounded down."""
    if rule["kind"] == "per_unit":
        return rule["value"] * work.quantity
    if rule["kind"] == "percent":  # value in basis points of the amount
        if rule["unit"] == "kop":
            return work.amount_kop * rule["value"] // 10_000
        return work.amount_kop * rule["value"] // 1_000_000  # points per rouble
    if rule["kind"] == "fixed":
        return rule["value"]
    raise ValueError(rule["kind"])


def boosted(rule: dict, amount: int, boost: dict | None) -> int:
    """A points reward multiplied by the partner's tier (basis points, rounded down); money is never boosted."""
    if boost is None or rule["unit"] != "points":
        return amount
    return amount * boost["multiplier_bp"] // 10_000


def explain(rule: dict, work: Work, boost: dict | None = None) -> dict:
    """The "why this amount" record stored with the accrual. With a tier multiplier it keeps the amount before
    it (``base_amount``: what the tier itself counts) and the tier's names as they were that day."""
    record = {
        "rule_id": rule["id"], "rule_key": rule["rule_key"], "version": rule["version"], "name": rule["name"],
        "kind": rule["kind"], "value": rule["value"], "unit": rule["unit"], "quantity": work.quantity,
        "amount_kop": work.amount_kop, "own_terms": rule["partner"] is not None,
        "group": rule.get("partner_group") or "",
    }
    if boost is not None and rule["unit"] == "points":
        record.update(base_amount=reward(rule, work), multiplier_bp=boost["multiplier_bp"], tier=boost["tier"],
                      tier_ru=boost["name_ru"], tier_en=boost["name_en"])
    return record
