"""The admin's tier form: names, threshold, colour, multiplier and benefits, declared once."""

from __future__ import annotations

from dataclasses import dataclass

from portal import forms as f
from portal.errors import ValidationFailed
from portal.i18n import N_

MAX_THRESHOLD = 10**12
TIER_FIELDS = {
    "name_ru": f.Field(max_length=100),
    "name_en": f.Field(max_length=100),
    "threshold_points": f.Field(f.INT, min_value=0, max_value=MAX_THRESHOLD,
                                message=N_("Enter a whole number of points, zero or more."),
                                range_message=N_("Enter a whole number of points, zero or more.")),
    "colour": f.Field(max_length=7, pattern=r"#[0-9a-fA-F]{6}", message=N_("Enter a colour as #rrggbb, e.g. #b8860b.")),
    "multiplier": f.Field(f.AMOUNT, places=4, min_value=10_000, max_value=50_000,
                          message=N_("Enter a multiplier from 1 to 5, e.g. 1,1."),
                          range_message=N_("Enter a multiplier from 1 to 5, e.g. 1,1.")),
    "benefits_ru": f.Field(required=False, max_length=1000, multiline=True),
    "benefits_en": f.Field(required=False, max_length=1000, multiline=True),
}


@dataclass(frozen=True)
class TierData:
    name_ru: str
    name_en: str
    threshold_points: int
    colour: str
    multiplier_bp: int
    benefits_ru: str
    benefits_en: str

    @classmethod
    def parse(cls, data: dict) -> TierData:
        errors = f.Errors()
        values = f.clean(TIER_FIELDS, data, errors)
        if errors:
            raise ValidationFailed(dict(errors))
        values["colour"] = values["colour"].lower()
        values["multiplier_bp"] = values.pop("multiplier")
        return cls(**values)


def form_values(tier: dict) -> dict:
    """A stored tier as the form shows it (the multiplier as a decimal: 11000 -> "1,1")."""
    from decimal import Decimal

    from portal.i18n import format_number

    return {k: tier[k] for k in ("name_ru", "name_en", "threshold_points", "colour", "benefits_ru", "benefits_en")} | {
        "multiplier": format_number(Decimal(tier["multiplier_bp"]) / 10000)}
