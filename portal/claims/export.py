"""Exports of the review queue for people who live in spreadsheets (CSV for 1C, XLSX for Excel)."""

from __future__ import annotations

from portal import exports
from portal.i18n import N_, gettext as _

COLUMNS = [
    ("id", N_("Claim")), ("created_at", N_("Registered")), ("status", N_("Status")), ("partner_name", N_("Partner")),
    ("inn", N_("INN")), ("region", N_("Region")), ("sku", N_("SKU")), ("product_name", N_("Product or job")),
    ("quantity", N_("Quantity")), ("amount_kop", N_("Amount, kopecks")), ("sold_on", N_("Sold on")), ("serials", N_("Serials")),
    ("customer_name", N_("Customer")), ("customer_city", N_("City")), ("flagged", N_("Flagged")),
    ("decision_reason", N_("Reason")),
]


def _cells(row: dict) -> list:
    out = []
    for key, _title in COLUMNS:
        value = row.get(key)
        if key == "product_name":
            value = row.get("product_name") or row.get("job_name")
        if key == "serials":
            value = ", ".join((value or "").split())
        if key == "created_at" and value is not None:
            value = value.isoformat(timespec="seconds")
        out.append("" if value is None else value)
    return out


def headers() -> list[str]:
    return [_(title) for _key, title in COLUMNS]


def render(fmt: str, rows: list[dict]) -> tuple[bytes, str]:
    cells = [[str(c) if not isinstance(c, (int, float, str)) else c for c in _cells(row)] for row in rows]
    return exports.render(fmt, "claims", headers(), cells)
