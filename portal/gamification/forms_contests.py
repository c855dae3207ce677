"""The contest form: name, dates, who may play, what counts, and what it pays (a threshold award and up to
three place awards). Lists (regions, tiers, leagues) are typed comma-separated so the form works without JS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from portal import forms as f
from portal.accounts.regions import REGIONS
from portal.accounts.roles import PartnerType
from portal.errors import ValidationFailed
from portal.gamification.contests import MAX_PLACES, METRICS, PLACE_UNITS, SCOPES, UNITS, ContestData
from portal.i18n import N_
from portal.i18n import gettext as _

MAX_AMOUNT = 10**12
MAX_DAYS = 366
_AMOUNT = N_("Enter an amount: a number, zero or more.")

FIELDS = {
    "name": f.Field(max_length=200),
    "description": f.Field(required=False, max_length=5000, multiline=True),
    "starts_on": f.Field(f.DATE, required_message=N_("Enter a date.")),
    "ends_on": f.Field(f.DATE, required_message=N_("Enter a date.")),
    "regions": f.Field(required=False, max_length=2000),
    "types": f.Field(required=False, max_length=200),
    "tiers": f.Field(required=False, max_length=400),
    "leagues": f.Field(required=False, max_length=200, pattern=r"[0-9 ,]*",
                       message=N_("League levels are numbers separated by commas (0 is the top league).")),
    "metric": f.Field(f.CHOICE, choices=METRICS),
    "scope": f.Field(f.CHOICE, required=False, choices=SCOPES, default="all"),
    "scope_value": f.Field(required=False, max_length=500),
    "threshold_unit": f.Field(f.CHOICE, required=False, choices=UNITS, default="points"),
}
GOAL = {places: f.Field(f.AMOUNT, required=False, places=places, min_value=0, max_value=MAX_AMOUNT, default=0,
                        message=_AMOUNT, range_message=_AMOUNT) for places in (0, 2)}
PRIZE = {unit: f.Field(f.AMOUNT, required=False, places=2 if unit == "kop" else 0, min_value=0, max_value=MAX_AMOUNT,
                       default=0, message=_AMOUNT, range_message=_AMOUNT) for unit in UNITS}
PRIZE["prize"] = f.Field(f.ID, required=False, message=N_("Enter the prize's number from the catalogue."))
UNIT = f.Field(f.CHOICE, required=False, choices=PLACE_UNITS, default="points")


def _list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def parse(data: Mapping[str, Any]) -> ContestData:
    errors = f.Errors()
    v = f.clean(FIELDS, data, errors)
    if v["starts_on"] and v["ends_on"]:
        if v["ends_on"] < v["starts_on"]:
            errors.add("ends_on", _("The last day is before the first."))
        elif v["ends_on"] - v["starts_on"] > dt.timedelta(days=MAX_DAYS):
            errors.add("ends_on", _("A contest lasts at most a year."))
    types = _list(v["types"])
    if any(t not in {p.value for p in PartnerType} for t in types):
        errors.add("types", _("Choose one of the options."))
    regions = _list(v["regions"])
    if unknown := [r for r in regions if r not in REGIONS]:
        errors.add("regions", _("Unknown region codes: %(codes)s. Known: %(known)s.", codes=", ".join(unknown),
                                known=", ".join(sorted(REGIONS))))
    if v["scope"] != "all" and not v["scope_value"]:
        errors.add("scope_value", _("Say which category or products."))
    if v["scope"] == "products" and not all(p.isdigit() for p in _list(v["scope_value"])):
        errors.add("scope_value", _("Product ids are numbers separated by commas."))
    threshold = GOAL[2 if v["metric"] == "revenue" else 0].clean(data, "threshold", errors)
    threshold_amount = PRIZE[v["threshold_unit"] or "points"].clean(data, "threshold_amount", errors)
    if threshold and not threshold_amount:
        errors.add("threshold_amount", _("Say what reaching the figure pays."))
    places = []
    for n in range(1, MAX_PLACES + 1):
        unit = UNIT.clean(data, f"p{n}_unit", errors) or "points"
        amount = PRIZE[unit].clean(data, f"p{n}_amount", errors)
        if amount:
            if len(places) != n - 1:
                errors.add(f"p{n}_amount", _("Fill the places from the first down."))
            places.append((unit, amount))
    if not (threshold and threshold_amount) and not places:
        errors.add("threshold", _("A contest pays a threshold award, place awards, or both."))
    if errors:
        raise ValidationFailed(dict(errors))
    return ContestData(
        name=v["name"], description=v["description"], starts_on=v["starts_on"], ends_on=v["ends_on"],
        regions=_list(v["regions"]), types=types, tiers=_list(v["tiers"]),
        leagues=tuple(int(x) for x in _list(v["leagues"]) if x.isdigit()), metric=v["metric"], scope=v["scope"],
        scope_value=",".join(_list(v["scope_value"])) if v["scope"] == "products" else v["scope_value"],
        threshold=threshold or 0, threshold_unit=v["threshold_unit"] or "points",
        threshold_amount=threshold_amount or 0, places=tuple(places))


def form_values(contest: dict) -> dict[str, str]:
    """A stored contest as the form's fields (editing a draft)."""
    def money(amount: int, unit: str) -> str:
        return f"{amount / 100:.2f}".replace(".", ",") if unit == "kop" else str(amount)  # points, a prize's id

    rules = contest["eligibility"] or {}
    values = {"name": contest["name"], "description": contest["description"],
              "starts_on": str(contest["starts_on"]), "ends_on": str(contest["ends_on"]),
              "regions": ", ".join(rules.get("regions", [])), "types": ", ".join(rules.get("types", [])),
              "tiers": ", ".join(rules.get("tiers", [])), "leagues": ", ".join(map(str, rules.get("leagues", []))),
              "metric": contest["metric"], "scope": contest["scope"], "scope_value": contest["scope_value"],
              "threshold": money(contest["threshold"], "kop" if contest["metric"] == "revenue" else "points")
              if contest["threshold"] else "",
              "threshold_unit": contest["threshold_unit"],
              "threshold_amount": money(contest["threshold_amount"], contest["threshold_unit"])
              if contest["threshold_amount"] else ""}
    for n, place in enumerate(contest["places"] or [], start=1):
        values |= {f"p{n}_unit": place["unit"], f"p{n}_amount": money(int(place["amount"]), place["unit"])}
    return values
