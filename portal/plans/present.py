"""How plan figures read: a metric's name, an amount in its unit, the "what's next" sentence."""

from __future__ import annotations

from portal.i18n import N_, format_hundredths, format_money, format_number, format_points, gettext as _, ngettext

METRIC_LABELS = {"units": N_("units sold"), "revenue": N_("revenue"), "points": N_("points earned")}
SCOPE_LABELS = {"all": N_("everything"), "category": N_("a category"), "products": N_("products (ids)")}


def metric_label(metric: str) -> str:
    return _(METRIC_LABELS.get(metric, metric))


def measure(value: int, metric: str) -> str:
    if metric == "revenue":
        return format_money(value)
    if metric == "points":
        return format_points(value)
    return format_number(value)


def bonus(value: int, unit: str) -> str:
    return format_money(value) if unit == "kop" else ngettext("%(num)s point", "%(num)s points", value,
                                                              num=format_points(value))


def pct(bp: int) -> str:
    """Basis points of a percent as people read them: 7999 -> "79,99 %" (rounded down, never up)."""
    return f"{format_hundredths(bp)}\u00a0%"


def to_go(tp) -> str:
    """'If you reach 100 % you get 3 000 points; 8 more units to go.'"""
    if tp.next_step is None:
        return ""
    t = tp.target
    if t.metric == "units":
        more = ngettext("%(num)s more unit to go", "%(num)s more units to go", tp.to_next, num=format_number(tp.to_next))
    else:
        more = _("%(amount)s more to go", amount=measure(tp.to_next, t.metric))
    return _("If you reach %(pct)s you get %(bonus)s; %(more)s.", pct=pct(tp.next_step.threshold_bp),
             bonus=bonus(tp.next_bonus, t.bonus_unit), more=more)
