"""Orders for the warehouse: CSV (1C) and XLSX (Excel), one row per order line, with a total."""

from __future__ import annotations

from catalog.services import STATUS_LABELS
from portal import exports
from portal.i18n import N_, gettext as _

COLUMNS = (N_("Order no."), N_("Placed"), N_("Status"), N_("Partner"), N_("Recipient"), N_("Phone"), N_("Address"),
           N_("Prize"), N_("Quantity"), N_("Points"), N_("Tracking"))


def _rows(orders: list[dict]) -> list[list]:
    out = []
    for o in orders:
        for line in o["lines"]:
            out.append([o["id"], o["created_at"].isoformat(timespec="seconds") if hasattr(o["created_at"], "isoformat")
                        else str(o["created_at"]), _(STATUS_LABELS.get(o["status"], o["status"])), o["partner_name"],
                        o["recipient"], o["phone"], o["address"], line["name"], line["quantity"],
                        line["points"] * line["quantity"], o["tracking"]])
    return out


def _total(rows: list[list]) -> list:
    return [_("Total"), "", "", "", "", "", "", "", sum(r[8] for r in rows), sum(r[9] for r in rows), ""]


def render(fmt: str, orders: list[dict]) -> tuple[bytes, str]:
    rows = _rows(orders)
    return exports.render(fmt, "orders", [_(c) for c in COLUMNS], rows, _total(rows))
