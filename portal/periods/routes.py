"""HTTP for finance: periods (preview, close with live progress, acts), payout registers, the dashboard;
and for partners: their own acts."""

from __future__ import annotations

import asyncio
import io
import logging
import zipfile
from typing import Any

from litestar import Controller, Request
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Response

from litestar import get, post
from portal.db import run_off_loop
from portal.errors import DomainError
from portal.periods import payouts
from portal.periods import services as periods
from portal.periods.close import act_root, close_period, closable, preview, regenerate_act
from portal.periods.tables import Act
from portal.web.auth import partner_user, requires_roles
from portal.forms import parse_ids
from portal.web.helpers import actor, page_number
from portal.web.responses import Page

finance = requires_roles({"finance", "admin"})
_running: dict[str, asyncio.Task] = {}  # closes started from this process, kept so they are not collected


def _code(code: str) -> str:
    span = periods.span_for(code)
    if span is None:
        raise NotFoundException()
    return span.code


async def _period_row(code: str) -> dict:
    return await periods.ensure(periods.span_for(code))


async def _close_in_background(code: str, who) -> None:
    try:
        await run_off_loop(close_period, code, who)  # the close must not freeze this worker's pages
    except Exception:  # kept in the period's close_error and shown on its page; "resume" runs it again
        logging.getLogger("premia.periods").exception("close of %s stopped", code)


def _act_file(row: dict):
    path = act_root() / row["file_name"]
    if not path.exists():
        raise NotFoundException()
    return File(path=path, media_type="application/pdf", filename=f"act-{row['number'].replace('/', '-')}.pdf",
                content_disposition_type="attachment", headers={"x-content-type-options": "nosniff"})


class FinanceController(Controller):
    include_in_schema = False
    path = "/finance"
    guards = [finance]

    @get("/", name="finance_dashboard")
    async def dashboard(self) -> Page:
        spans = await periods.recent(8)
        rows = {r["period"]: r for r in await payouts.finance_summary()}
        return Page("periods/dashboard.html", context={"spans": spans[1:], "summary": rows})

    @get("/periods/{code:str}", name="finance_period")
    async def period(self, code: FromPath[str], page: FromQuery[str] = "1") -> Page:
        code = _code(code)
        row = await _period_row(code)
        n = page_number(page)
        acts = await Act.raw(
            "SELECT a.id, a.number, a.version, a.total_kop, a.points, p.legal_name FROM act a "
            "JOIN partner p ON p.id = a.partner WHERE a.period = {} ORDER BY p.legal_name, a.version "
            "LIMIT 51 OFFSET {}", code, (n - 1) * 50)
        return Page("periods/period.html", context={"p": row, "code": code, "acts": acts[:50], "page": n,
                                                     "has_next": len(acts) > 50, "today": periods.company_today()})

    @get("/periods/{code:str}/progress", name="finance_period_progress")
    async def progress(self, code: FromPath[str]) -> Page:
        return Page("periods/_progress.html", context={"p": await _period_row(_code(code))})

    @get("/periods/{code:str}/preview", name="finance_period_preview")
    async def preview(self, code: FromPath[str]) -> Page:
        code = _code(code)
        rows = await preview(code)
        return Page("periods/preview.html", context={"code": code, "rows": rows,
                                                      "total_kop": sum(r.total_kop for r in rows),
                                                      "total_points": sum(r.points + r.bonus_points for r in rows)})

    @post("/periods/{code:str}/close", name="finance_period_close")
    async def close(self, request: Request, code: FromPath[str]) -> Any:
        """Start (or resume) the close in this process and show its live progress; a period that is not over
        is refused at once, with the page."""
        code = _code(code)
        try:
            closable(code)
        except DomainError as exc:
            return Page("periods/period.html", status_code=exc.status_code, context={
                "p": await _period_row(code), "code": code, "acts": [], "page": 1, "has_next": False,
                "error": exc.message, "today": periods.company_today()})
        task = _running.get(code)
        if task is None or task.done():
            _running[code] = asyncio.create_task(_close_in_background(code, actor(request)))
        return Redirect(path=f"/finance/periods/{code}", status_code=303)

    @get("/periods/{code:str}/acts.zip", name="finance_acts_zip")
    async def acts_zip(self, code: FromPath[str]) -> Response:
        code = _code(code)
        rows = await Act.raw("SELECT a.file_name, a.number FROM act a WHERE a.period = {} AND a.version = "
                             "(SELECT MAX(b.version) FROM act b WHERE b.period = a.period AND b.partner = a.partner)",
                             code)

        def pack() -> bytes:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
                for r in rows:
                    path = act_root() / r["file_name"]
                    if path.exists():
                        archive.write(path, f"act-{r['number'].replace('/', '-')}.pdf")
            return buf.getvalue()

        body = await asyncio.to_thread(pack)
        return Response(body, media_type="application/zip",
                        headers={"content-disposition": f'attachment; filename="acts-{code}.zip"'})

    @get("/acts/{act_id:int}", name="finance_act")
    async def act(self, act_id: FromPath[int]) -> File:
        row = await Act.select().where(Act.id == act_id).first()
        if row is None:
            raise NotFoundException()
        return _act_file(row)

    @post("/periods/{code:str}/acts/{partner_id:int}/regenerate", name="finance_act_regenerate")
    async def regenerate(self, request: Request, code: FromPath[str], partner_id: FromPath[int]) -> Redirect:
        await regenerate_act(_code(code), partner_id, actor(request))
        return Redirect(path=f"/finance/periods/{code}", status_code=303)

    @get("/payouts/{code:str}", name="finance_payouts")
    async def register(self, code: FromPath[str]) -> Page:
        code = _code(code)
        return Page("periods/payouts.html", context={"code": code, "reg": await payouts.register_of(code),
                                                      "done": None, "problems": []})

    @post("/payouts/{code:str}", name="finance_payouts_move")
    async def move(self, request: Request, code: FromPath[str]) -> Page:
        code = _code(code)
        form = await request.form()
        action = str(form.get("action") or "")
        ids = parse_ids(form.getall("line_id")) if "line_id" in form else []
        if action not in payouts.MOVES:
            raise NotFoundException()
        done, problems = await payouts.move_lines(actor(request), ids, action)
        return Page("periods/payouts.html", context={"code": code, "reg": await payouts.register_of(code),
                                                      "done": done, "problems": problems})

    @post("/payouts/{code:str}/build", name="finance_payouts_build")
    async def build(self, request: Request, code: FromPath[str]) -> Redirect:
        code = _code(code)
        if await periods.status_of(code) != periods.CLOSED:
            raise NotFoundException()
        await payouts.build_register(code, actor(request))
        return Redirect(path=f"/finance/payouts/{code}", status_code=303)

    @get("/payouts/{code:str}/export/{fmt:str}", name="finance_payouts_export")
    async def export(self, code: FromPath[str], fmt: FromPath[str]) -> Response:
        code = _code(code)
        if fmt not in ("csv", "xlsx"):
            raise NotFoundException()
        reg = await payouts.register_of(code)
        body, media = payouts.render(fmt, reg)
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="payouts-{code}.{fmt}"'})


class PartnerActsController(Controller):
    include_in_schema = False
    path = "/acts"
    guards = [partner_user]

    @get("/", name="my_acts")
    async def index(self, request: Request) -> Page:
        rows = await Act.select().where(Act.partner == request.user.partner_id).order_by(
            Act.period, ascending=False).order_by(Act.version, ascending=False)
        return Page("periods/my_acts.html", context={"acts": rows})

    @get("/{act_id:int}", name="my_act")
    async def download(self, request: Request, act_id: FromPath[int]) -> File:
        row = await Act.select().where((Act.id == act_id) & (Act.partner == request.user.partner_id)).first()
        if row is None:
            raise NotFoundException()
        return _act_file(row)
