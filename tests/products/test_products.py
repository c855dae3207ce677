"""Admins keep the product list: by hand or from a CSV/XLSX file, re-importable without duplicates."""

from __future__ import annotations

import io

from openpyxl import Workbook

from portal.accounts.roles import Role
from portal.products.tables import Product
from tests import factories as f

CSV = (
    "sku;name;category;unit_price;serial_pattern\n"
    "K-24;Котёл настенный 24 кВт;boilers;45 990,00;TT-\\d{6}\n"
    "B-100;Бойлер 100 л;boilers;18500;\n"
    ";Без артикула;boilers;100;\n"
    "X-1;Неверная цена;boilers;дорого;\n"
    "X-2;Плохой шаблон;boilers;10;[a-\n"
).encode("utf-8")


async def test_import_creates_valid_rows_and_reports_each_bad_line(client):
    await f.login_as(client, Role.ADMIN)
    response = await f.post_form(client, "/admin/products/import", files={"file": ("products.csv", CSV, "text/csv")})
    assert response.status_code == 400  # some rows were refused
    assert "Создано: 2, обновлено: 0, отклонено: 3." in response.text
    for line in ("Строка 4", "Строка 5", "Строка 6"):
        assert line in response.text
    k24 = await Product.select().where(Product.sku == "K-24").first()
    assert k24["unit_price_kop"] == 4599000 and k24["serial_pattern"] == r"TT-\d{6}"


async def test_reimporting_the_same_file_updates_in_place(client):
    await f.login_as(client, Role.ADMIN)
    await f.post_form(client, "/admin/products/import", files={"file": ("p.csv", CSV, "text/csv")})
    again = await f.post_form(client, "/admin/products/import", files={"file": ("p.csv", CSV, "text/csv")})
    assert "Создано: 0, обновлено: 2" in again.text
    assert await Product.count() == 2


async def test_xlsx_import_in_windows_excel_style(client):
    wb = Workbook()
    ws = wb.active
    ws.append(["SKU", "Name", "Category", "Unit_price", "Serial_pattern"])
    ws.append(["R-1", "Радиатор", "radiators", 3500.5, None])
    buf = io.BytesIO()
    wb.save(buf)
    await f.login_as(client, Role.ADMIN)
    response = await f.post_form(client, "/admin/products/import", files={"file": ("p.xlsx", buf.getvalue(),
                                                                                   "application/octet-stream")})
    assert response.status_code == 200
    assert (await Product.select().where(Product.sku == "R-1").first())["unit_price_kop"] == 350050


async def test_cp1251_csv_from_1c_is_read(client):
    await f.login_as(client, Role.ADMIN)
    data = "sku,name,unit_price\nC-1,Коллектор,1200\n".encode("cp1251")
    response = await f.post_form(client, "/admin/products/import", files={"file": ("1c.csv", data, "text/csv")})
    assert response.status_code == 200
    assert (await Product.select(Product.name).where(Product.sku == "C-1").first())["name"] == "Коллектор"


async def test_product_form_validates_and_edits(client):
    await f.login_as(client, Role.ADMIN)
    bad = await f.post_form(client, "/admin/products/new", {"sku": "A 1", "name": "", "unit_price": "x",
                                                            "serial_pattern": "(("})
    assert bad.status_code == 400
    for message in ("Используйте буквы", "Обязательное поле.", "Введите цену в рублях", "неправильное регулярное"):
        assert message in bad.text
    ok = await f.post_form(client, "/admin/products/new", {"sku": "a-1", "name": "Котёл", "unit_price": "100"})
    assert ok.status_code == 303
    product = await Product.select().where(Product.sku == "A-1").first()
    edit = await f.post_form(client, f"/admin/products/{product['id']}", {"sku": "A-1", "name": "Котёл 2",
                                                                           "unit_price": "200,50"})
    assert edit.status_code == 303
    assert (await Product.select(Product.unit_price_kop).where(Product.id == product["id"]).first())[
        "unit_price_kop"] == 20050


async def test_admin_adds_a_job_type(client):
    await f.login_as(client, Role.ADMIN)
    page = await f.post_form(client, "/admin/job-types/", {"code": "install", "name": "Монтаж котла"})
    assert "Монтаж котла" in page.text
    dup = await f.post_form(client, "/admin/job-types/", {"code": "INSTALL", "name": "Ещё"})
    assert dup.status_code == 400 and "Вид работ с таким кодом уже есть." in dup.text
