"""How a ledger line reads to a partner: its sign from their side, and why it has that amount."""

from __future__ import annotations

from decimal import Decimal

from portal.i18n import N_, format_money, format_number, format_points, get_locale, ngettext, gettext as _

KIND_LABELS = {
    "accrual": N_("Earned"), "release": N_("Became available"), "reserve": N_("Reserved for an order"),
    "redeem": N_("Spent on a prize"), "expiry": N_("Expired"), "adjustment": N_("Adjustment"),
    "reversal": N_("Correction"), "payout": N_("Paid out"),
}
KIND_LABELS["contest_award"] = N_("Contest prize")

# Lines whose debit side is one of the partner's own accounts take away from what they can use.
_OUTGOING_FROM = {"points_available", "points_pending", "points_reserved", "cash_pending", "cash_payable"}


def signed(row: dict) -> int:
    if row["kind"] in ("release", "reserve"):  # a move between the partner's own accounts
        return row["amount"]
    mine = row.get("from_partner") is not None and row["from_code"] in _OUTGOING_FROM
    return -row["amount"] if mine else row["amount"]


def amount_text(row: dict) -> str:
    value = signed(row)
    text = format_money(value) if row["unit"] == "kop" else format_points(value)
    return ("+" if value > 0 and row["kind"] not in ("release", "reserve") else "") + text


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
    if "reason" in d:
        return d["reason"]
    if row["kind"] == "expiry":
        return _("The points were not used in time.")
    return _(KIND_LABELS.get(row["kind"], row["kind"]))


def _value(d: dict) -> str:
    if d["unit"] == "kop":
        return format_money(d["value"])
    return ngettext("%(num)s point", "%(num)s points", d["value"], num=format_points(d["value"]))


def tier_text(d: dict) -> str:
    """The tier multiplier of an accrual (or an estimate): "×1.1 for Gold"."""
    name = d.get("tier_en") if get_locale() == "en" else d.get("tier_ru")
    return _("×%(mult)s for %(tier)s", mult=format_number(Decimal(d["multiplier_bp"]) / 10000),
             tier=name or d.get("tier", ""))
