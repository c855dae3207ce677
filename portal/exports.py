"""Tables for people who live in spreadsheets: CSV for Russian Excel and 1C, and XLSX.

Every export (fulfilment, the warehouse's orders, payout registers, the review queue, points history, import
reports) builds headers and rows of plain values and calls these; nothing else writes CSV or XLSX.

- Cells are typed by their Python value: ``int``, ``float`` and ``Decimal`` are numbers; anything else is
  text. Money goes in as ``rubles(kop)`` (an exact Decimal with two places), never as pre-formatted text.
- Text is never a formula. Partner-entered text (customer names, company names, recipients) that begins
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run by Excel or LibreOffice as a
  formula (``=HYPERLINK(...)`` leaking data, DDE payloads). In CSV such a cell gets a leading apostrophe
  (the OWASP rule: Excel shows the apostrophe, and the text stays inert). In XLSX the cell is written
  as a string with Excel's own "quote prefix" style: the exact text, shown as it was typed, and still text
  if someone edits it. Numbers are never escaped: a negative amount stays a number.
- CSV is written for Russian Excel and 1C, whatever the reader's language: UTF-8 with a BOM (Excel otherwise
  guesses cp1251), ``;`` between fields and a decimal comma in numbers (both what Excel expects in the ru
  locale, where the comma is the decimal separator; ``1234.56`` would be read as a date or as text).
  Amounts have no thousands separator, so 1C and Excel read them as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Litestar adds "; charset=utf-8" to every text/* type itself: naming it here too sent the charset twice.
CSV_TYPE = "text/csv"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rubles(kop: int) -> Decimal:
    """An amount in kopecks as an exact number of roubles with two places (12345 -> 123.45)."""
    return Decimal(int(kop)).scaleb(-2)


def is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value) -> str:
    """One CSV field: numbers with a decimal comma, text that could start a formula escaped."""
    if value is None:
        return ""
    if is_number(value):
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", ",")
    text = value if isinstance(value, str) else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_rows(headers: Sequence, rows: Iterable[Sequence], total: Sequence | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    for row in _all(headers, rows, total):
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def to_csv(headers: Sequence, rows: Iterable[Sequence], total: Sequence | None = None) -> bytes:
    return ("\ufeff" + csv_rows(headers, rows, total)).encode("utf-8")


def _all(headers: Sequence, rows: Iterable[Sequence], total: Sequence | None) -> Iterable[Sequence]:
    yield headers
    yield from rows
    if total is not None:
        yield total


def to_xlsx(sheet: str, headers: Sequence, rows: Iterable[Sequence], total: Sequence | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])

    def cell(value):
        if isinstance(value, Decimal):  # money (rubles()): a number shown with its kopecks
            out = WriteOnlyCell(ws, value=value)
            out.number_format = "0.00"
            return out
        if value is None or is_number(value):
            return value
        text = value if isinstance(value, str) else str(value)
        if not is_formula_like(text):
            return text
        out = WriteOnlyCell(ws, value=text)
        out.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
        out.quotePrefix = True
        return out

    for row in _all(headers, rows, total):
        ws.append([cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(fmt: str, sheet: str, headers: Sequence, rows: Iterable[Sequence],
           total: Sequence | None = None) -> tuple[bytes, str]:
    """(body, media type) for "csv" or "xlsx"."""
    if fmt == "csv":
        return to_csv(headers, rows, total), CSV_TYPE
    return to_xlsx(sheet, headers, rows, total), XLSX_TYPE
