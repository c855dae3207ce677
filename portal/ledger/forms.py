"""Finance's manual adjustment form: a partner, a unit, a signed amount in that unit, a reason, the form's token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal import forms as f
from portal.errors import ValidationFailed
from portal.i18n import N_
from portal.i18n import gettext as _

MAX_ADJUSTMENT = 10**12  # kopecks or points, either way: ten billion roubles is a typo
_AMOUNT = N_("Enter a non-zero amount; a minus sign takes away.")

FIELDS = {
    "partner_id": f.Field(f.ID, required_message=N_("Choose one of the options.")),
    "unit": f.Field(f.CHOICE, choices=("points", "kop"), required_message=N_("Choose one of the options.")),
    "reason": f.Field(max_length=500, multiline=True,
                      required_message=N_("A reason is required for every adjustment.")),
}
AMOUNTS = {unit: f.Field(f.AMOUNT, places=places, min_value=-MAX_ADJUSTMENT, max_value=MAX_ADJUSTMENT,
                         required_message=_AMOUNT, message=_AMOUNT, range_message=_AMOUNT)
           for unit, places in (("points", 0), ("kop", 2))}


@dataclass(frozen=True)
class Adjustment:
    partner_id: int
    unit: str
    amount: int  # signed, in the unit: points or kopecks
    reason: str
    token: str | None  # None: the form had none, a fresh one is made

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Adjustment:
        errors = f.Errors()
        values = f.clean(FIELDS, data, errors)
        amount = AMOUNTS[values["unit"]].clean(data, "amount", errors) if values["unit"] else None
        if amount == 0:
            errors.add("amount", _(_AMOUNT))
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(amount=amount, token=f.form_token(data), **values)  # a forged or missing token: a fresh one
