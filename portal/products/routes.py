"""Admin pages for products and job types, with CSV/XLSX import."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from litestar import get, post
from portal.errors import ValidationFailed
from portal.i18n import format_money
from portal.i18n import gettext as _
from portal.imports import services as imports
from portal.imports.routes import started
from portal.products import services
from portal.web.auth import admin
from portal.web.helpers import actor, form_dict
from portal.web.responses import Page


def _values(product: dict) -> dict:
    price = format_money(product["unit_price_kop"], "ru").replace("\xa0₽", "").replace("\xa0", " ")
    return {**product, "unit_price": price}


def _describe_import(report: services.ImportReport):
    summary = _("Created: %(c)s, updated: %(u)s, refused: %(e)s.", c=report.created, u=report.updated,
                e=len(report.errors))
    return summary, report.errors, []


class ProductsController(Controller):
    include_in_schema = False
    path = "/admin/products"
    guards = [admin]

    @get("/", name="admin_products")
    async def index(self, q: FromQuery[str] = "") -> Page:
        return Page("products/list.html", context={"products": await services.list_products(q), "q": q,
                                                    "report": None})

    @get("/new", name="admin_product_new")
    async def new(self) -> Page:
        return Page("products/form.html", context={"values": {}, "errors": {}, "product_id": None})

    @post("/new")
    async def create(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            await services.save_product(actor(request), services.ProductData.parse(data))
        except ValidationFailed as exc:
            return Page("products/form.html", status_code=400,
                        context={"values": data, "errors": exc.errors, "product_id": None})
        return Redirect(path="/admin/products", status_code=303)

    @get("/{product_id:int}", name="admin_product")
    async def edit(self, product_id: FromPath[int]) -> Page:
        product = await services.get_product(product_id)
        return Page("products/form.html", context={"values": _values(product), "errors": {},
                                                    "product_id": product_id})

    @post("/{product_id:int}")
    async def update(self, request: Request, product_id: FromPath[int]) -> Any:
        data = await form_dict(request)
        try:
            await services.save_product(actor(request), services.ProductData.parse(data), product_id=product_id)
        except ValidationFailed as exc:
            return Page("products/form.html", status_code=400,
                        context={"values": data, "errors": exc.errors, "product_id": product_id})
        return Redirect(path="/admin/products", status_code=303)

    @post("/import", request_max_body_size=20 * 1024 * 1024)
    async def import_file(self, request: Request) -> Any:
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            report = services.ImportReport(errors=[(0, "")])
            status = 400
        else:
            who, data, name = actor(request), await upload.read(), upload.filename or ""
            report, job = await imports.run(
                request.user.id, _("Import products"), "/admin/products",
                lambda progress: services.import_products(who, data, name, progress), _describe_import)
            if report is None:  # a long one goes on off the loop: its page shows the progress, then the result
                return started(job)
            status = 200 if not report.errors else 400
        return Page("products/list.html", status_code=status, context={
            "products": await services.list_products(), "q": "", "report": report})


class JobTypesController(Controller):
    include_in_schema = False
    path = "/admin/job-types"
    guards = [admin]

    @get("/", name="admin_job_types")
    async def index(self) -> Page:
        return Page("products/job_types.html", context={"jobs": await services.list_job_types(), "values": {},
                                                         "errors": {}})

    @post("/")
    async def create(self, request: Request) -> Page:
        data = await form_dict(request)
        try:
            await services.create_job_type(actor(request), str(data.get("code") or ""), str(data.get("name") or ""))
        except ValidationFailed as exc:
            return Page("products/job_types.html", status_code=400, context={
                "jobs": await services.list_job_types(), "values": data, "errors": exc.errors})
        return Page("products/job_types.html", context={"jobs": await services.list_job_types(), "values": {},
                                                         "errors": {}})
