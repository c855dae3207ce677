"""A manager imports a distributor's sell-out file on partners' behalf."""

from __future__ import annotations

import csv
import io

from portal.accounts.roles import Role
from portal.claims.tables import Claim, ClaimFlag
from portal.db import company_today
from tests import factories as f


def _file(inn: str, other_inn: str) -> bytes:
    today = company_today()
    rows = [
        "inn;sku;quantity;serials;sold_on;amount;customer_city",
        f"{inn};K-24;2;TT-000001 TT-000002;{today:%d.%m.%Y};91 980,00;Москва",
        f"{inn};K-24;1;TT-000003;{today.isoformat()};45 990,00;Тула",
        f"{other_inn};K-24;1;TT-000001;{today.isoformat()};45 990,00;Тверь",
        f"0000000000;K-24;1;TT-000009;{today.isoformat()};45 990,00;",
        f"{inn};NOPE;1;;{today.isoformat()};10;",
    ]
    return "\n".join(rows).encode("utf-8")


async def test_each_row_meets_the_form_checks_and_a_second_upload_duplicates_nothing(client):
    await f.product(sku="K-24", serial_pattern=r"TT-\d{6}")
    first = await f.partner()
    second = await f.partner()
    inn = (await f.partner_row(first))["inn"]
    other_inn = (await f.partner_row(second))["inn"]
    await f.login_as(client, Role.MANAGER)
    data = _file(inn, other_inn)
    page = await f.post_form(client, "/review/import", files={"file": ("sellout.csv", data, "text/csv")})
    assert page.status_code == 200
    assert "Принято: 2, уже загружено: 0, отклонено: 3." in page.text
    assert "Серийный номер TT-000001 уже зарегистрирован в программе." in page.text
    assert "Нет активного партнёра с ИНН 0000000000." in page.text
    assert "Выберите товар или вид работ из списка." in page.text
    assert await Claim.count() == 2
    assert await ClaimFlag.count() == 1  # the attempt on TT-000001 is flagged on the claim that owns it

    report_link = page.text.split('href="/review/import/')[1].split('"')[0]
    report = await client.get(f"/review/import/{report_link}")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["принято", "принято", "отклонено", "отклонено", "отклонено"]

    again = await f.post_form(client, "/review/import", files={"file": ("sellout.csv", data, "text/csv")})
    assert "Принято: 0, уже загружено: 2, отклонено: 3." in again.text
    assert await Claim.count() == 2


async def test_the_importing_manager_cannot_approve_what_they_imported(client):
    await f.product(sku="K-24")
    partner_id = await f.partner()
    inn = (await f.partner_row(partner_id))["inn"]
    manager_id = await f.login_as(client, Role.MANAGER)
    data = f"inn;sku;amount;sold_on\n{inn};K-24;100;{company_today().isoformat()}\n".encode()
    await f.post_form(client, "/review/import", files={"file": ("s.csv", data, "text/csv")})
    claim = await Claim.select().first()
    assert claim["submitted_by"] == manager_id and claim["partner"] == partner_id
    response = await f.post_form(client, f"/review/{claim['id']}/decide", {"action": "approve"})
    assert response.status_code == 403
