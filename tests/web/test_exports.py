"""Every CSV and XLSX export: partner-entered text never becomes a formula, numbers stay numbers, and the CSV
is what Russian Excel and 1C read (BOM, semicolons, decimal comma, one charset)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from catalog import services as catalog
from catalog.forms import Delivery
from portal import exports
from portal.accounts.roles import Role
from portal.accounts.tables import Partner
from portal.audit.services import SYSTEM
from portal.ledger import services as ledger
from portal.periods.close import close_period
from tests import factories as f
from tests.catalog.helpers import give_points, prize
from tests.periods.world import finished_period

LINK = '=HYPERLINK("http://x")'
SUM = "-1+2"
AT = "@SUM(A1:A9)"
PAYLOADS = (LINK, SUM, AT)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(,\d+)?")


async def _world() -> dict[str, str]:
    """A period with a partner named like a formula, closed, plus an open claim, an order and an adjustment
    whose free text is a formula too. Returns each export's URL."""
    world = await finished_period(partners=2)
    pid = world.partners[0]
    await Partner.update({Partner.legal_name: LINK}).where(Partner.id == pid)
    dealer = await f.dealer(pid)
    await close_period(world.span.code, SYSTEM)
    await f.claim(dealer, world.product_id, customer_name=SUM, customer_city=AT)
    await give_points(pid, 10_000)
    await catalog.place_order(dealer, "tok-formula", [catalog.Want(await prize(points=100), None, 1)],
                              Delivery(SUM, AT, "+7 912 345-67-89"))
    await ledger.adjust(pid, "points", -7, AT, None, "adj:formula")
    code = world.span.code
    return {"review": "/review/export/{fmt}", "fulfilment": f"/manage/fulfilment/export/{{fmt}}?period={code}",
            "payouts": f"/finance/payouts/{code}/export/{{fmt}}", "orders": "/manage/orders/export/{fmt}",
            "points": "/points/export.csv", "partner": str(pid)}


def _csv_cells(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _assert_no_live_formula(cells: list[list[str]]) -> None:
    for row in cells:
        for cell in row:
            if cell.startswith(TRIGGERS):
                assert NUMBER.fullmatch(cell), f"a text cell that Excel would run: {cell!r}"


async def _get(client, role, url, partner_id=None):
    await f.login_as(client, role, partner_id)
    response = await client.get(url)
    assert response.status_code == 200, url
    return response


async def test_every_export_escapes_formulas_and_keeps_numbers(client):
    urls = await _world()
    company = {"review": Role.MANAGER, "fulfilment": Role.FINANCE, "payouts": Role.FINANCE, "orders": Role.MANAGER}
    for name, role in company.items():
        response = await _get(client, role, urls[name].format(fmt="csv"))
        assert response.headers["content-type"] == "text/csv; charset=utf-8", name
        cells = _csv_cells(response.content)
        _assert_no_live_formula(cells)
        flat = {c for row in cells for c in row}
        assert "'" + LINK in flat or "'" + SUM in flat, name  # the text is there, escaped

        xlsx = await client.get(urls[name].format(fmt="xlsx"))
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        texts = set()
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    assert cell.quotePrefix, (name, cell.value)  # Excel shows it as typed, and keeps it text
                texts.add(cell.value)
        assert texts & set(PAYLOADS), name  # the exact text, not mangled
    points = await _get(client, Role.PARTNER_STAFF, urls["points"], int(urls["partner"]))
    assert points.headers["content-type"] == "text/csv; charset=utf-8"
    cells = _csv_cells(points.content)
    _assert_no_live_formula(cells)
    assert any(row[2] == "-7" and row[4].startswith("'@") for row in cells[1:])  # a number stays a number


async def test_csv_amounts_have_a_decimal_comma_and_xlsx_amounts_are_numbers(client):
    urls = await _world()
    csv_rows = _csv_cells((await _get(client, Role.FINANCE, urls["payouts"].format(fmt="csv"))).content)
    amounts = [row[5] for row in csv_rows[1:]]
    assert all(re.fullmatch(r"\d+,\d\d", a) for a in amounts), amounts
    assert sum(int(a.replace(",", "")) for a in amounts[:-1]) == int(amounts[-1].replace(",", ""))
    sheet = load_workbook(io.BytesIO((await client.get(urls["payouts"].format(fmt="xlsx"))).content)).active
    values = [row[5].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(v, (int, float)) for v in values) and sheet.cell(2, 6).number_format == "0.00"


def test_the_helper_escapes_only_text():
    body = exports.to_csv(["a"], [[LINK, SUM, "+7 900", "\tx", "\rx", "ok", -3, 2.5, exports.rubles(-12345), None]])
    row = _csv_cells(body)[1]
    assert row == ["'" + LINK, "'" + SUM, "'+7 900", "'\tx", "'\rx", "ok", "-3", "2,5", "-123,45", ""]


def test_the_import_report_escapes_formulas_too():
    from portal.claims import bulk

    result = bulk.ImportResult()
    result.rows.append(bulk.RowResult(2, bulk.REFUSED, None, LINK))
    name = bulk._write_report(result)
    cells = _csv_cells(bulk.report_path(name).read_bytes())
    assert cells[1][0] == "2" and cells[1][3] == "'" + LINK
