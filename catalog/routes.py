"""HTTP for the prize catalogue: partners browse, order and track; admins keep prizes; managers fulfil."""

from __future__ import annotations

import re
import secrets
from typing import Any

from litestar import Controller, Request
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response

from litestar import get, post
from catalog import export, importer, services
from catalog.forms import Delivery, PrizeData
from catalog.markdown import render as render_markdown
from portal import forms as f
from portal.errors import DomainError, ValidationFailed
from portal.i18n import gettext
from portal.imports import services as imports
from portal.imports.routes import started
from portal.web.auth import admin, manager, partner_admin, partner_user, requires_login
from portal.web.helpers import actor, client_ip, form_dict, page_number, safe_next
from portal.web.media import media_response
from portal.web.pagecache import cached_page
from portal.web.responses import Page

UPLOAD_LIMIT = 64 * 1024 * 1024
_MEDIA_NAME = re.compile(r"^[0-9a-f]{32}\.webp$")


async def _form_and_files(request: Request, *names: str) -> tuple[dict[str, Any], dict[str, list[UploadFile]]]:
    form = await request.form()
    data: dict[str, Any] = {}
    files: dict[str, list[UploadFile]] = {n: [] for n in names}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key in files and value.filename:
                files[key].append(value)
        elif key != "_csrf_token":
            data[key] = value
    return data, files


async def _cancel_page(request: Request, order_id: int) -> Page:
    """Cancelling asks once: this page (no JavaScript needed) says what happens and sends the real cancel."""
    return Page("catalog/cancel.html", context={
        "o": await services.order_detail(order_id, partner_id=request.user.partner_id)})


class CatalogController(Controller):
    """What partners see: the shelf, a prize, the cart and checkout, their orders."""

    include_in_schema = False
    path = "/catalog"
    guards = [partner_user]

    @get("/", name="catalog")
    async def shelf(self, request: Request, q: FromQuery[str] = "", category: FromQuery[str] = "",
                    affordable: FromQuery[str] = "", sort: FromQuery[str] = "", page: FromQuery[str] = "1") -> Response:
        """The shelf, kept per data revision (prizes, stock and the partner's balance) and the cart's count."""
        cart_count = await services.cart_count(request.user.id)
        template = "catalog/_shelf.html" if request.headers.get("hx-target") == "shelf" else "catalog/shelf.html"

        async def context() -> dict:
            shelf = await services.browse(request.user.partner_id, q, category, affordable == "1", sort,
                                          page_number(page))
            return {"s": shelf, "q": q, "category": category, "affordable": affordable, "sort": sort,
                    "cart_count": cart_count}

        return await cached_page(request, template, context, q, category, affordable, sort, page, cart_count)

    @get("/prizes/{prize_id:int}", name="prize")
    async def prize(self, request: Request, prize_id: FromPath[int]) -> Page:
        prize = await services.prize_detail(prize_id)
        prize["locked_tier"] = await services.lock_of(request.user.partner_id, prize)
        from portal.ledger import services as ledger

        available = await ledger.balance(request.user.partner_id, ledger.AVAILABLE)
        return Page("catalog/prize.html", context={"p": prize, "html": render_markdown(prize["description"]),
                                                    "available": available, "errors": {}})

    @post("/cart", name="cart_add")
    async def add(self, request: Request) -> Any:
        data = await form_dict(request)
        prize = f.parse_id(data.get("prize_id"))
        if prize is None:
            raise NotFoundException()
        try:
            await services.add_to_cart(request.user, prize, f.parse_id(data.get("variant")),
                                       f.parse_int(data.get("quantity") or "1", min_value=1, max_value=1000) or 1)
        except DomainError as exc:
            from portal.ledger import services as ledger

            detail = await services.prize_detail(prize)
            detail["locked_tier"] = await services.lock_of(request.user.partner_id, detail)
            return Page("catalog/prize.html", status_code=exc.status_code, context={
                "p": detail, "html": render_markdown(detail["description"]), "errors": {exc.field or "__all__": exc.message},
                "available": await ledger.balance(request.user.partner_id, ledger.AVAILABLE)})
        return Redirect(path="/catalog/cart", status_code=303)

    async def _cart_page(self, request: Request, values: dict | None = None, errors: dict | None = None,
                         status: int = 200) -> Page:
        cart = await services.cart_of(request.user)
        if values is None:
            values = dict(await services.delivery_profile(request.user.id))
            values.setdefault("recipient", request.user.full_name)
        values.setdefault("token", secrets.token_urlsafe(18))
        return Page("catalog/cart.html", status_code=status, context={"cart": cart, "values": values,
                                                                       "errors": errors or {}})

    @get("/cart", name="cart")
    async def cart(self, request: Request) -> Page:
        return await self._cart_page(request)

    @post("/cart/{line_id:int}", name="cart_line")
    async def set_quantity(self, request: Request, line_id: FromPath[int]) -> Redirect:
        raw = (await form_dict(request)).get("quantity")
        await services.set_cart_quantity(request.user, line_id, f.parse_int(raw, min_value=0, max_value=1000) or 0)
        return Redirect(path="/catalog/cart", status_code=303)

    @post("/checkout", name="checkout")
    async def checkout(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            order_id = await services.place_cart(request.user, f.form_token(data) or secrets.token_urlsafe(18),
                                                 Delivery.parse(data), client_ip(request))
        except ValidationFailed as exc:
            return await self._cart_page(request, data, exc.errors, status=400)
        except DomainError as exc:
            data["token"] = secrets.token_urlsafe(18)  # a refused order used nothing up: a fresh try gets a fresh key
            return await self._cart_page(request, data, {"__all__": exc.message}, status=exc.status_code)
        return Redirect(path=f"/catalog/orders/{order_id}?placed=1", status_code=303)

    @get("/orders", name="my_orders")
    async def orders(self, request: Request) -> Page:
        return Page("catalog/orders.html", context={"orders": await services.orders_of(request.user),
                                                     "policy": await services.policy_of(request.user.partner_id)})

    @get("/orders/{order_id:int}", name="my_order")
    async def order(self, request: Request, order_id: FromPath[int], placed: FromQuery[str] = "",
                    cancelled: FromQuery[str] = "") -> Page:
        """The order; right after placing or cancelling it, a line saying so with the balance now."""
        from portal.ledger import services as ledger

        just = "placed" if placed == "1" else "cancelled" if cancelled == "1" else ""
        available = await ledger.balance(request.user.partner_id, ledger.AVAILABLE) if just else None
        return Page("catalog/order.html", context={
            "o": await services.order_detail(order_id, partner_id=request.user.partner_id), "just": just,
            "available": available})

    @get("/orders/{order_id:int}/cancel", name="order_cancel_confirm")
    async def cancel_confirm(self, request: Request, order_id: FromPath[int]) -> Page:
        return await _cancel_page(request, order_id)

    @post("/orders/{order_id:int}/cancel", name="order_cancel")
    async def cancel(self, request: Request, order_id: FromPath[int]) -> Any:
        if (await form_dict(request)).get("confirm") != "1":  # not confirmed yet: ask first
            return await _cancel_page(request, order_id)
        await services.cancel_by_partner(request.user, order_id, client_ip(request))
        return Redirect(path=f"/catalog/orders/{order_id}?cancelled=1", status_code=303)

    @post("/orders/{order_id:int}/approve", name="order_approve", guards=[partner_admin])
    async def approve(self, request: Request, order_id: FromPath[int]) -> Redirect:
        await services.approve_by_partner_admin(request.user, order_id, client_ip(request))
        return Redirect(path=f"/catalog/orders/{order_id}", status_code=303)

    @post("/orders/{order_id:int}/decline", name="order_decline", guards=[partner_admin])
    async def decline(self, request: Request, order_id: FromPath[int]) -> Redirect:
        await services.decline_by_partner_admin(request.user, order_id, client_ip(request))
        return Redirect(path=f"/catalog/orders/{order_id}", status_code=303)

    @post("/policy", name="order_policy", guards=[partner_admin])
    async def policy(self, request: Request) -> Redirect:
        data = await form_dict(request)
        await services.set_policy(request.user, str(data.get("need_approval") or "") == "1", client_ip(request))
        return Redirect(path="/catalog/orders", status_code=303)


class PrizeMediaController(Controller):
    include_in_schema = False
    guards = [requires_login]

    @get("/media/prizes/{name:str}", name="prize_image")
    async def image(self, name: FromPath[str]) -> Response:
        if not _MEDIA_NAME.match(name):
            raise NotFoundException()
        return await media_response(f"{services.MEDIA_FOLDER}/{name}", "image/webp",
                                    "private, max-age=31536000, immutable")


def _describe_import(report: importer.PrizeImportReport):
    summary = gettext("Imported: %(created)s new, %(updated)s updated; pictures: %(images)s.", created=report.created,
                      updated=report.updated, images=report.images)
    return summary, [(line, f"{code}: {problem}" if code else problem) for line, code, problem in report.lines], []


class PrizeAdminController(Controller):
    include_in_schema = False
    path = "/admin/prizes"
    guards = [admin]

    async def _form(self, values: dict, errors: dict, prize_id: int | None, status: int = 200) -> Page:
        return Page("catalog/admin_form.html", status_code=status,
                    context={"values": values, "errors": errors, "prize_id": prize_id,
                             "tier_options": await services.tier_options()})

    @get("/", name="admin_prizes")
    async def index(self, q: FromQuery[str] = "", page: FromQuery[str] = "1") -> Page:
        rows, more = await services.admin_list(q, page_number(page))
        return Page("catalog/admin_list.html", context={"rows": rows, "has_next": more, "page": page_number(page),
                                                         "q": q, "report": None})

    @get("/new", name="admin_prize_new")
    async def new(self) -> Page:
        return await self._form({}, {}, None)

    async def _save(self, request: Request, prize_id: int | None) -> Any:
        data, files = await _form_and_files(request, "images")
        try:
            parsed = PrizeData.parse(data)
            uploads = [await f.read() for f in files["images"]]
            pid, _created, _added = await services.save_prize_with_images(actor(request), parsed, uploads, prize_id)
        except ValidationFailed as exc:
            return await self._form(data, exc.errors, prize_id, status=400)
        except DomainError as exc:
            return await self._form(data, {exc.field or "images": exc.message}, prize_id, status=exc.status_code)
        return Redirect(path=f"/admin/prizes/{pid}", status_code=303)

    @post("/new", request_max_body_size=UPLOAD_LIMIT)
    async def create(self, request: Request) -> Any:
        return await self._save(request, None)

    @get("/{prize_id:int}", name="admin_prize")
    async def edit(self, prize_id: FromPath[int]) -> Page:
        return await self._form(await services.prize_form_values(prize_id), {}, prize_id)

    @post("/{prize_id:int}", request_max_body_size=UPLOAD_LIMIT)
    async def update(self, request: Request, prize_id: FromPath[int]) -> Any:
        if not await services.Prize.exists().where(services.Prize.id == prize_id):
            raise NotFoundException()
        return await self._save(request, prize_id)

    @post("/{prize_id:int}/{action:str}", name="admin_prize_action")
    async def act(self, request: Request, prize_id: FromPath[int], action: FromPath[str]) -> Redirect:
        if action in ("hide", "show"):
            await services.set_hidden(actor(request), prize_id, action == "hide")
        elif action in ("up", "down"):
            await services.move(actor(request), prize_id, -1 if action == "up" else 1)
        else:
            raise NotFoundException()
        return Redirect(path="/admin/prizes/", status_code=303)

    @post("/import", request_max_body_size=UPLOAD_LIMIT * 4)
    async def import_file(self, request: Request) -> Any:
        _data, files = await _form_and_files(request, "file", "images_zip")
        if not files["file"]:
            report = importer.PrizeImportReport(lines=[(0, "", "")])
        else:
            table = files["file"][0]
            archive = await files["images_zip"][0].read() if files["images_zip"] else None
            who, data, name = actor(request), await table.read(), table.filename or ""
            report, job = await imports.run(
                request.user.id, gettext("Import prizes"), "/admin/prizes/",
                lambda progress: importer.import_prizes(who, data, name, archive, progress), _describe_import)
            if report is None:  # a long one goes on off the loop: its page shows the progress, then the result
                return started(job)
        rows, more = await services.admin_list()
        return Page("catalog/admin_list.html", status_code=200 if report.ok else 400, context={
            "rows": rows, "has_next": more, "page": 1, "q": "", "report": report})


class OrderQueueController(Controller):
    include_in_schema = False
    path = "/manage/orders"
    guards = [manager]

    @get("/", name="order_queue")
    async def index(self, status: FromQuery[str | None] = None, page: FromQuery[str] = "1") -> Page:
        if status is None:
            status = await services.default_queue_status()
        rows, more = await services.queue(status, page_number(page))
        return Page("catalog/queue.html", context={"rows": rows, "has_next": more, "page": page_number(page),
                                                    "status": status, "done": None, "problems": []})

    @post("/confirm", name="orders_confirm")
    async def bulk_confirm(self, request: Request) -> Page:
        form = await request.form()
        ids = f.parse_ids(form.getall("order_id")) if "order_id" in form else []
        done, problems = await services.bulk_confirm(actor(request), ids)
        rows, more = await services.queue("placed")
        return Page("catalog/queue.html", context={"rows": rows, "has_next": more, "page": 1, "status": "placed",
                                                    "done": done, "problems": problems})

    @post("/{order_id:int}/{action:str}", name="order_action")
    async def act(self, request: Request, order_id: FromPath[int], action: FromPath[str]) -> Any:
        data = await form_dict(request)
        if action == "ship":
            await services.ship(actor(request), order_id, str(data.get("tracking") or ""))
        elif action == "deliver":
            await services.deliver(actor(request), order_id)
        elif action == "cancel":
            await services.cancel_by_company(actor(request), order_id, str(data.get("reason") or ""))
        elif action == "confirm":
            await services.confirm(actor(request), order_id)
        else:
            raise NotFoundException()
        return Redirect(path=safe_next(str(data.get("back") or ""), "/manage/orders/"), status_code=303)

    @get("/export/{fmt:str}", name="orders_export")
    async def export(self, fmt: FromPath[str], status: FromQuery[str] = "") -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFoundException()
        rows = await services.export_rows(status)
        body, media = export.render(fmt, rows)
        return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="orders.{fmt}"'})
