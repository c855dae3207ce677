"""Tables for people who live in spreadsheets: CSV for 1C (semicolons, a BOM so Excel reads UTF-8) and XLSX.

Every export (fulfilment, the warehouse's orders, payout registers) builds headers and rows and calls these.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def to_csv(headers: Sequence[str], rows: Sequence[Sequence], total: Sequence | None = None) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    if total is not None:
        writer.writerow(total)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(sheet: str, headers: Sequence[str], rows: Sequence[Sequence], total: Sequence | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    if total is not None:
        ws.append(list(total))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(fmt: str, sheet: str, headers: Sequence[str], rows: Sequence[Sequence],
           total: Sequence | None = None) -> tuple[bytes, str]:
    """(body, media type) for "csv" or "xlsx"."""
    if fmt == "csv":
        return to_csv(headers, rows, total), CSV_TYPE
    return to_xlsx(sheet, headers, rows, total), XLSX_TYPE
