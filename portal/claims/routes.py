"""HTTP for claims: the phone form, a partner's list, the review queue, exports and photos."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Controller, Request
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest, HTMXTemplate
from litestar.response import File, Redirect, Response

from litestar import get, post
from portal.claims import bulk, services, uploads
from portal.i18n import gettext as _
from portal.imports import services as imports
from portal.imports.routes import started
from portal.errors import DomainError, ValidationFailed
from portal.media.images import ImageTooLarge
from portal.db import company_today
from portal.products.services import search_items
from portal.web.auth import manager, partner_user, requires_login
from portal.forms import parse_ids
from portal.web.helpers import client_ip, page_number, query_id
from portal.web.media import media_response
from portal.web.responses import Page


async def _form_and_photos(request: Request) -> tuple[dict[str, Any], list[bytes]]:
    """The form's fields, its ``upload`` slot ids (a list) and its photos' bytes. A file input left empty
    sends a part with no name and no bytes (skipped); a picked file of zero bytes is kept, and refused with
    a message."""
    form = await request.form()
    data: dict[str, Any] = {}
    photos: list[bytes] = []
    slots: list[str] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key == "photos":
                content = await value.read()
                if content or value.filename:
                    photos.append(content)
        elif key == "upload":
            slots.append(value)
        elif key != "_csrf_token":
            data[key] = value
    data["upload"] = slots
    return data, photos


def _new_key() -> str:
    return secrets.token_urlsafe(18)


class ClaimsController(Controller):
    """A partner's own registrations."""

    include_in_schema = False
    path = "/claims"
    guards = [partner_user]

    async def _form(self, request: Request, values: dict, errors: dict, status: int = 200,
                    editing: int | None = None) -> Page:
        values = dict(values)
        chosen = str(values.get("item") or "")
        if not chosen:
            last = await services.last_item_of(request.user)  # fast repeat entry: start from the last one
            chosen = last["key"] if last else ""
        items, favourites = await services.picker(request.user, str(values.get("q") or ""), chosen)
        values["item"] = chosen
        values.setdefault("idempotency_key", _new_key())
        values.setdefault("quantity", "1")
        values.setdefault("sold_on", company_today().isoformat())
        from portal.claims.slots import estimate

        kept = await uploads.kept(request.user, uploads.upload_ids(values.get("upload")))
        return Page("claims/new.html", status_code=status, context={
            "values": values, "errors": errors, "items": items, "editing": editing, "kept": kept,
            "favourites": favourites,
            "e": await estimate(request.user, values)})

    @get("/", name="claims")
    async def index(self, request: Request, status: FromQuery[str] = "",
                    page: FromQuery[str] = "1") -> Page:
        result = await services.claims_of(request.user, status=status, page=page_number(page))
        return Page("claims/list.html", context={"result": result, "status": status,
                                                  "labels": services.STATUS_LABELS})

    @get("/earn", name="claim_earn")
    async def earn(self, request: Request, item: FromQuery[str] = "", quantity: FromQuery[str] = "1",
                   amount: FromQuery[str] = "", sold_on: FromQuery[str] = "") -> Page:
        """The form's live "what you will earn" panel (htmx asks as the dealer types); writes nothing."""
        from portal.claims.slots import estimate

        data = {"item": item, "quantity": quantity, "amount": amount, "sold_on": sold_on}
        return Page("claims/_earn.html", context={"e": await estimate(request.user, data)})

    @get("/new", name="claim_new")
    async def new(self, request: Request, item: FromQuery[str] = "") -> Page:
        return await self._form(request, {"item": item} if item else {}, {})

    @post("/new", request_max_body_size=64 * 1024 * 1024)
    async def create(self, request: Request) -> Any:
        data, photos = await _form_and_photos(request)
        try:
            result = await services.submit(request.user, data, photos, ip=client_ip(request))
        except services.FormRefused as exc:
            return await self._form(request, data | {"upload": exc.uploads}, exc.errors, status=400)
        except ValidationFailed as exc:
            return await self._form(request, data, exc.errors, status=400)
        except ImageTooLarge as exc:
            return await self._form(request, data, {"photos": exc.message}, status=413)
        return Redirect(f"/claims/{result.claim_id}?registered=1", status_code=303)

    @post("/uploads", request_max_body_size=32 * 1024 * 1024)
    async def upload(self, request: Request) -> Response:
        """One photo sent ahead of its form (the form's script); answers the slot's id for the form to carry."""
        photos = (await _form_and_photos(request))[1]
        try:
            if len(photos) != 1:
                raise ValidationFailed({"photos": _("Send one photo.")})
            (slot,) = await uploads.store(request.user, photos)
        except ValidationFailed as exc:
            return Response({"error": exc.errors.get("photos", exc.message)}, status_code=400)
        except ImageTooLarge as exc:
            return Response({"error": exc.message}, status_code=413)
        return Response({"id": slot, "thumb": f"/claims/uploads/{slot}/thumb"}, status_code=201)

    @get("/uploads/{upload_id:int}/thumb", name="claim_upload_thumb")
    async def upload_thumb(self, request: Request, upload_id: FromPath[int]) -> Response:
        try:
            key = await uploads.thumb_key(request.user, upload_id)
        except DomainError as exc:
            raise NotFoundException() from exc
        return await media_response(key, "image/jpeg", "private, max-age=86400")

    @get("/{claim_id:int}", name="claim")
    async def show(self, request: Request, claim_id: FromPath[int]) -> Page:
        claim = await services.get_claim(request.user, claim_id)
        return Page("claims/detail.html", context={"c": claim, "labels": services.STATUS_LABELS,
                                                    "reasons": services.REJECT_REASONS, "errors": {},
                                                    "accruals": await services.accruals_of(claim_id)})

    @get("/{claim_id:int}/edit", name="claim_edit")
    async def edit_form(self, request: Request, claim_id: FromPath[int]) -> Any:
        claim = await services.get_claim(request.user, claim_id)
        if claim["status"] not in services.OPEN:
            return Redirect(path=f"/claims/{claim_id}", status_code=303)
        values = {
            "item": f"p:{claim['product']}" if claim["product"] else f"j:{claim['job_type']}",
            "quantity": str(claim["quantity"]), "serials": claim["serials"], "sold_on": claim["sold_on"].isoformat(),
            "amount": f"{claim['amount_kop'] // 100},{claim['amount_kop'] % 100:02d}",
            "customer_name": claim["customer_name"], "customer_city": claim["customer_city"],
            "customer_phone": claim["customer_phone"], "comment": claim["comment"],
        }
        return await self._form(request, values, {}, editing=claim_id)

    @post("/{claim_id:int}/edit", request_max_body_size=64 * 1024 * 1024)
    async def edit(self, request: Request, claim_id: FromPath[int]) -> Any:
        data, photos = await _form_and_photos(request)
        try:
            await services.edit(request.user, claim_id, data, photos, ip=client_ip(request))
        except ValidationFailed as exc:
            return await self._form(request, data, exc.errors, status=400, editing=claim_id)
        except ImageTooLarge as exc:
            return await self._form(request, data, {"photos": exc.message}, status=413, editing=claim_id)
        return Redirect(path=f"/claims/{claim_id}", status_code=303)

    @post("/{claim_id:int}/withdraw")
    async def withdraw(self, request: Request, claim_id: FromPath[int]) -> Redirect:
        await services.withdraw(request.user, claim_id, ip=client_ip(request))
        return Redirect(path=f"/claims/{claim_id}", status_code=303)

    @post("/{claim_id:int}/resubmit", request_max_body_size=64 * 1024 * 1024)
    async def resubmit(self, request: Request, claim_id: FromPath[int]) -> Any:
        data, photos = await _form_and_photos(request)
        try:
            await services.resubmit(request.user, claim_id, str(data.get("comment") or ""), photos,
                                    ip=client_ip(request))
        except (ValidationFailed, ImageTooLarge) as exc:
            claim = await services.get_claim(request.user, claim_id)
            errors = exc.errors if isinstance(exc, ValidationFailed) else {"photos": exc.message}
            return Page("claims/detail.html", status_code=exc.status_code, context={
                "c": claim, "labels": services.STATUS_LABELS, "reasons": services.REJECT_REASONS, "errors": errors})
        return Redirect(path=f"/claims/{claim_id}", status_code=303)


class ItemSearchController(Controller):
    """Search-as-you-type for the claim form's product picker (also a plain page without JS)."""

    include_in_schema = False
    guards = [partner_user]

    @get("/claims/items", name="claim_items")
    async def items(self, request: HTMXRequest, q: FromQuery[str] = "") -> Any:
        items = await search_items(q) if q.strip() else []
        if request.htmx:
            return HTMXTemplate(template_name="claims/_items.html", context={"items": items, "q": q},
                                media_type="text/html")
        return Page("claims/items.html", context={"items": items, "q": q})


def _filter(status: str, region: str, partner: str, product: str, flagged: str, order: str) -> services.QueueFilter:
    return services.QueueFilter(
        status=status, region=region,
        partner_id=query_id(partner), product_id=query_id(product),
        flagged=flagged == "1", oldest_first=order == "oldest",
    )


def _describe_import(result: bulk.ImportResult):
    summary = _("Accepted: %(a)s, already imported: %(d)s, refused: %(r)s.", a=result.count(bulk.ACCEPTED),
                d=result.count(bulk.DUPLICATE), r=result.count(bulk.REFUSED))
    problems = [(r.line, r.message + (f" (#{r.claim_id})" if r.claim_id else "")) for r in result.rows
                if r.outcome != bulk.ACCEPTED]
    links = [(_("Download the report"), f"/review/import/{result.report_name}")] if result.report_name else []
    return summary, problems, links


class ReviewController(Controller):
    """The managers' review queue."""

    include_in_schema = False
    path = "/review"
    guards = [manager]

    @get("/", name="review")
    async def queue(self, status: FromQuery[str] = "open", region: FromQuery[str] = "",
                    partner: FromQuery[str] = "", product: FromQuery[str] = "", flagged: FromQuery[str] = "",
                    order: FromQuery[str] = "newest", page: FromQuery[str] = "1") -> Page:
        flt = _filter(status, region, partner, product, flagged, order)
        result = await services.queue(flt, page=page_number(page))
        params = {"status": status, "region": region, "partner": partner, "product": product, "flagged": flagged,
                  "order": order}
        return Page("review/queue.html", context={
            "result": result, "params": params, "labels": services.STATUS_LABELS,
            "options": await services.filter_options()})

    @get("/export/{fmt:str}", name="review_export")
    async def export(self, fmt: FromPath[str], status: FromQuery[str] = "open", region: FromQuery[str] = "",
                     partner: FromQuery[str] = "", product: FromQuery[str] = "", flagged: FromQuery[str] = "",
                     order: FromQuery[str] = "newest") -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFoundException()
        rows = await services.export_rows(_filter(status, region, partner, product, flagged, order))
        from portal.claims.export import render

        body, media = render(fmt, rows)
        return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="claims.{fmt}"'})

    async def _claim_page(self, request: Request, claim_id: int, errors: dict | None = None,
                          values: dict | None = None, done: str = "", status: int = 200) -> Page:
        claim = await services.get_claim(request.user, claim_id)
        return Page("review/claim.html", status_code=status, context={
            "c": claim, "labels": services.STATUS_LABELS, "reasons": services.REJECT_REASONS,
            "errors": errors or {}, "values": values or {}, "flag_labels": services.FLAG_LABELS, "done": done})

    @get("/{claim_id:int}", name="review_claim")
    async def show(self, request: Request, claim_id: FromPath[int], after: FromQuery[str] = "") -> Page:
        done = await services.decided_note(request.user, query_id(after)) if after else ""
        return await self._claim_page(request, claim_id, done=done)

    @post("/{claim_id:int}/decide")
    async def decide(self, request: HTMXRequest, claim_id: FromPath[int]) -> Any:
        """One decision; "… and next" then opens the next claim waiting in the queue (or the queue when none)."""
        form = await request.form()
        try:
            await services.decide(request.user, claim_id, str(form.get("action") or ""),
                                  reason=str(form.get("reason") or ""), text=str(form.get("text") or ""),
                                  ip=client_ip(request))
        except ValidationFailed as exc:
            return await self._claim_page(request, claim_id, exc.errors, dict(form.items()), status=400)
        if form.get("then") == "next":
            following = await services.next_pending(claim_id, request.user)
            return Redirect(path=f"/review/{following}?after={claim_id}" if following else "/review/",
                            status_code=303)
        return Redirect(path=f"/review/{claim_id}", status_code=303)

    @get("/import", name="review_import")
    async def import_form(self) -> Page:
        return Page("review/import.html", context={"result": None})

    @post("/import", request_max_body_size=20 * 1024 * 1024)
    async def import_file(self, request: Request) -> Any:
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return Page("review/import.html", status_code=400, context={"result": None, "missing": True})
        who, data, name = request.user, await upload.read(), upload.filename or ""
        result, job = await imports.run(who.id, _("Import sell-out"), "/review/import",
                                        lambda progress: bulk.import_claims(who, data, name, progress),
                                        _describe_import)
        if result is None:  # a long one goes on off the loop: its page shows the progress, then the result
            return started(job)
        return Page("review/import.html", context={"result": result})

    @get("/import/{report:str}", name="review_import_report")
    async def import_report(self, report: FromPath[str]) -> File:
        path = bulk.report_path(report)
        if path is None:
            raise NotFoundException()
        return File(path=path, filename="import-report.csv", media_type="text/csv")  # Litestar adds the charset

    @post("/{claim_id:int}/revoke")
    async def revoke(self, request: Request, claim_id: FromPath[int]) -> Any:
        form = await request.form()
        try:
            await services.revoke_approval(request.user, claim_id, str(form.get("text") or ""), ip=client_ip(request))
        except ValidationFailed as exc:
            return await self._claim_page(request, claim_id, exc.errors, dict(form.items()), status=400)
        return Redirect(path=f"/review/{claim_id}", status_code=303)

    @post("/bulk-approve")
    async def bulk_approve(self, request: Request) -> Page:
        form = await request.form()
        ids = parse_ids(form.getall("claim_ids", []))
        result = await services.bulk_approve(request.user, ids, ip=client_ip(request))
        return Page("review/bulk_result.html", context={"result": result})


class PhotoController(Controller):
    """Claim photos, only for the partner who owns the claim and for company roles."""

    include_in_schema = False
    guards = [requires_login]

    @get("/media/claims/{photo_id:int}/{size:str}", name="claim_photo")
    async def photo(self, request: Request, photo_id: FromPath[int], size: FromPath[str]) -> Response:
        if size not in ("display", "thumb"):
            raise NotFoundException()
        try:
            row = await services.photo_for(request.user, photo_id)
        except DomainError as exc:
            raise NotFoundException() from exc
        name = row["display_name"] if size == "display" else row["thumb_name"]
        return await media_response(f"{services.MEDIA_FOLDER}/{name}", "image/jpeg", "private, max-age=86400")


