"""How a ledger line reads to a partner: its sign from their side, and why it has that amount."""

from __future__ import annotations

from decimal import Decimal

from portal.i18n import N_, format_money, format_number, format_period, format_points, get_locale, ngettext, gettext as _

KIND_LABELS = {
    "accrual": N_("Earned"), "release": N_("Became available"), "reserve": N_("Reserved for an order"),
    "redeem": N_("Spent on a prize"), "expiry": N_("Expired"), "adjustment": N_("Adjustment"),
    "reversal": N_("Correction"), "payout": N_("Paid out"), "plan_bonus": N_("Plan bonus"),
    "payable": N_("Ready for payout"), "contest_award": N_("Contest prize"),
}
# Reasons the portal itself writes as codes (a person's reason is shown as they typed it).
REASON_LABELS = {"cancelled": N_("The order was cancelled: the points are back.")}

# What a line does to what the partner can use: points_available for points; for money, all they have earned
# (pending, payable or paid: a payout is money reaching them, not a loss). Other moves are neutral.
GAIN, LOSS, NEUTRAL = "gain", "loss", "neutral"
_USABLE = {"points": {"points_available"}, "kop": {"cash_pending", "cash_payable", "cash_paid"}}


def effect(row: dict) -> str:
    """GAIN, LOSS or NEUTRAL: the line's effect on the partner's AVAILABLE balance (its colour and sign).

    A reservation takes points out of available (LOSS: not a green gain); a cancelled order's reservation
    coming back adds to it (GAIN: not a red loss); an accrual waiting in pending, money becoming payable or
    paid, or a delivery spending reserved points leave it unchanged (NEUTRAL)."""
    usable = _USABLE.get(row["unit"], set())
    into = row.get("to_partner") is not None and row.get("to_code") in usable
    out_of = row.get("from_partner") is not None and row.get("from_code") in usable
    if into and not out_of:
        return GAIN
    if out_of and not into:
        return LOSS
    return NEUTRAL


def signed(row: dict) -> int:
    """The amount with the sign of its effect on all the partner holds (the CSV's column): a move between the
    partner's own accounts (a release, a reservation or its return) is positive, a line leaving them negative."""
    leaves = row.get("from_partner") is not None and row.get("to_partner") is None
    return -row["amount"] if leaves else row["amount"]


def amount_text(row: dict) -> str:
    """"+1 200", "−300" or, for a line that leaves the available balance as it is, the bare amount."""
    how = effect(row)
    text = format_money(row["amount"]) if row["unit"] == "kop" else format_points(row["amount"])
    return {GAIN: "+", LOSS: "\u2212"}.get(how, "") + text


def explain(row: dict) -> str:
    """The "why this amount" line."""
    d = row.get("detail") or {}
    if row["kind"] == "accrual" and "rule_id" in d:
        if d["kind"] == "per_unit":
            how = _("%(qty)s pcs × %(value)s", qty=d["quantity"], value=_value(d))
        elif d["kind"] == "percent":
            how = _("%(pct)s%% of %(sum)s", pct=f"{d['value'] / 100:g}", sum=format_money(d["amount_kop"]))
        else:
            how = _("fixed %(value)s", value=_value(d))
        own = " " + _("(your own terms)") if d.get("own_terms") or d.get("group") else ""
        tier = " " + tier_text(d) if d.get("multiplier_bp") else ""
        return _("Rule “%(name)s”, version %(version)s: %(how)s", name=d["name"], version=d["version"],
                 how=how) + own + tier
    if d.get("badge"):  # a badge's reward (portal.gamification.badges): named in the reader's language
        name = (d.get("badge_en") if get_locale() == "en" else d.get("badge_ru")) or d.get("name") or d["badge"]
        return _("Badge “%(name)s”", name=name)
    if d.get("contest") and d.get("name"):
        return _("Contest “%(name)s”", name=d["name"])
    if row["kind"] == "reversal" and row.get("from_code") == "points_reserved":  # a cancelled order's points
        back = _("The order was cancelled: its points are back.")
        note = str(d.get("reason") or "")
        return back if note in ("", "cancelled") else f"{back} {note}"
    if row["kind"] in ("plan_bonus", "payable") and d.get("period"):
        period = format_period(d["period"])
        if row["kind"] == "plan_bonus":
            return _("Plan bonus for %(period)s", period=period)
        return _("Money for %(period)s is ready for payout", period=period)
    if "reason" in d:
        return _(REASON_LABELS[d["reason"]]) if d["reason"] in REASON_LABELS else d["reason"]
    if row["kind"] == "expiry":
        return _("The points were not used in time.")
    return _(KIND_LABELS[row["kind"]]) if row["kind"] in KIND_LABELS else _("Other operation")


def _value(d: dict) -> str:
    if d["unit"] == "kop":
        return format_money(d["value"])
    return ngettext("%(num)s point", "%(num)s points", d["value"], num=format_points(d["value"]))


def tier_text(d: dict) -> str:
    """The tier multiplier of an accrual (or an estimate): "×1.1 for Gold"."""
    name = d.get("tier_en") if get_locale() == "en" else d.get("tier_ru")
    return _("×%(mult)s for %(tier)s", mult=format_number(Decimal(d["multiplier_bp"]) / 10000),
             tier=name or d.get("tier", ""))
