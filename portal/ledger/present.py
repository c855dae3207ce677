"""How a ledger line reads to a partner: its sign from their side, and why it has that amount."""

from __future__ import annotations

from portal.i18n import N_, format_money, format_points, ngettext, gettext as _

KIND_LABELS = {
    "accrual": N_("Earned"), "release": N_("Became available"), "reserve": N_("Reserved for an order"),
    "redeem": N_("Spent on a prize"), "expiry": N_("Expired"), "adjustment": N_("Adjustment"),
    "reversal": N_("Correction"), "payout": N_("Paid out"),
    "payable": N_("Due for payment"), "plan_bonus": N_("Plan bonus"),
}
# Reasons the portal itself writes as codes (a person's reason is shown as they typed it).
REASON_LABELS = {"cancelled": N_("The order was cancelled: the points are back.")}

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
        return _("Rule “%(name)s”, version %(version)s: %(how)s", name=d["name"], version=d["version"], how=how) + own
    if "reason" in d:
        return _(REASON_LABELS[d["reason"]]) if d["reason"] in REASON_LABELS else d["reason"]
    if row["kind"] == "expiry":
        return _("The points were not used in time.")
    return _(KIND_LABELS.get(row["kind"], row["kind"]))


def _value(d: dict) -> str:
    if d["unit"] == "kop":
        return format_money(d["value"])
    return ngettext("%(num)s point", "%(num)s points", d["value"], num=format_points(d["value"]))
