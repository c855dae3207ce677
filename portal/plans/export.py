"""The manager's fulfilment table as a spreadsheet: one row per partner and target."""

from __future__ import annotations

from portal import exports
from portal.i18n import N_, gettext as _

COLUMNS = (N_("Partner"), N_("Region"), N_("Group"), N_("Plan"), N_("Target"), N_("Measure"), N_("Goal"),
           N_("Achieved"), N_("Done, %"), N_("Forecast"), N_("Forecast, %"), N_("At risk"), N_("Bonus secured"),
           N_("Bonus unit"))


def _rows(table) -> list[list]:
    out = []
    for row in table.rows:
        for tp in row.progress.targets:
            t = tp.target
            out.append([row.legal_name, row.region, row.partner_group, row.plan_name, t.name, t.metric, t.goal,
                        tp.achieved, tp.pct_bp / 100, tp.forecast, tp.forecast_pct_bp / 100,
                        _("yes") if tp.at_risk else _("no"), tp.bonus, t.bonus_unit])
    return out


def render(fmt: str, table) -> tuple[bytes, str]:
    return exports.render(fmt, table.span.code, [_(c) for c in COLUMNS], _rows(table))
