"""The manager's fulfilment table as CSV (for 1C) and XLSX (for Excel): one row per partner and target."""

from __future__ import annotations

import csv
import io

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


def to_csv(table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow([_(c) for c in COLUMNS])
    writer.writerows(_rows(table))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.span.code)
    ws.append([_(c) for c in COLUMNS])
    for r in _rows(table):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
