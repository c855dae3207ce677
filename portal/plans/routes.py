"""HTTP for plans: managers set plans and watch fulfilment; a partner's dashboard polls its own."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response

from litestar import get, post
from portal.accounts import services as accounts
from portal.errors import ValidationFailed
from portal.periods import services as periods
from portal.plans import export, services
from portal.plans.forms import STEP_SLOTS, TARGET_SLOTS, PlanData, form_values
from portal.web.auth import manager, partner_user, requires_roles
from portal.web.helpers import actor, form_dict, page_number
from portal.web.pagecache import cached_page
from portal.web.responses import Page

plan_watchers = requires_roles({"manager", "admin", "finance"})


def _period(raw: str) -> str:
    span = periods.span_for(raw) if raw else None
    return (span or periods.current_span()).code


class PlansController(Controller):
    include_in_schema = False
    path = "/manage/plans"
    guards = [manager]

    async def _form(self, values: dict, errors: dict, plan_key: str | None, status: int = 200) -> Page:
        return Page("plans/form.html", status_code=status, context={
            "values": values, "errors": errors, "plan_key": plan_key, "partners": await accounts.partner_options(),
            "periods": await periods.recent(), "target_slots": TARGET_SLOTS, "step_slots": STEP_SLOTS,
            "versions": await services.plan_versions(plan_key) if plan_key else []})

    @get("/", name="plans")
    async def index(self, period: FromQuery[str] = "") -> Page:
        code = _period(period)
        return Page("plans/list.html", context={"plans": await services.plans_in(code), "period": code,
                                                 "periods": await periods.recent()})

    @get("/new", name="plan_new")
    async def new(self, period: FromQuery[str] = "") -> Page:
        return await self._form({"period": _period(period), "audience": "partner", "t0_s0_pct": "80",
                                 "t0_s1_pct": "100", "t0_s2_pct": "120", "t0_s2_mult": "1,2"}, {}, None)

    @post("/new")
    async def create(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            parsed = PlanData.parse(data)
            if parsed.audience == "copy":
                await services.copy_plan(actor(request), parsed)
            else:
                await services.save_plan(actor(request), parsed)
        except ValidationFailed as exc:
            return await self._form(data, exc.errors, None, status=400)
        return Redirect(path=f"/manage/plans?period={parsed.period}", status_code=303)

    @get("/{plan_key:str}", name="plan")
    async def edit(self, plan_key: FromPath[str]) -> Page:
        versions = await services.plan_versions(plan_key)
        if not versions:
            raise NotFoundException()
        return await self._form(form_values(versions[-1]), {}, plan_key)

    @post("/{plan_key:str}")
    async def new_version(self, request: Request, plan_key: FromPath[str]) -> Any:
        data = await form_dict(request)
        try:
            parsed = PlanData.parse(data, editing=True)
            await services.save_plan(actor(request), parsed, plan_key=plan_key)
        except ValidationFailed as exc:
            return await self._form(data, exc.errors, plan_key, status=400)
        return Redirect(path=f"/manage/plans?period={parsed.period}", status_code=303)


class FulfilmentController(Controller):
    include_in_schema = False
    path = "/manage/fulfilment"
    guards = [plan_watchers]

    @get("/", name="fulfilment")
    async def table(self, request: Request, period: FromQuery[str] = "", region: FromQuery[str] = "",
                    group: FromQuery[str] = "", risk: FromQuery[str] = "", sort: FromQuery[str] = "pct",
                    order: FromQuery[str] = "asc", page: FromQuery[str] = "1") -> Page:
        code = _period(period)
        table = await services.fulfilment_table(code, region, group, risk == "1", sort, order == "desc",
                                                page_number(page))
        context = {"t": table, "period": code, "region": region, "group": group, "risk": risk, "sort": sort,
                   "order": order, "periods": await periods.recent()}
        template = "plans/_table.html" if request.headers.get("hx-target") == "fulfilment" else "plans/fulfilment.html"
        return Page(template, context=context)

    @get("/export/{fmt:str}", name="fulfilment_export")
    async def export(self, fmt: FromPath[str], period: FromQuery[str] = "", region: FromQuery[str] = "",
                     group: FromQuery[str] = "", risk: FromQuery[str] = "", sort: FromQuery[str] = "pct") -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFoundException()
        code = _period(period)
        table = await services.fulfilment_table(code, region, group, risk == "1", sort, per_page=0)
        body, media = export.render(fmt, table)
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="fulfilment-{code}.{fmt}"'})


class PartnerPlanController(Controller):
    include_in_schema = False
    guards = [partner_user]

    @get("/dashboard/plan", name="plan_partial")
    async def plan(self, request: Request) -> Response:
        """The dashboard's plan cards alone: htmx polls this, so an approval moves the bar without a reload.
        Kept per data revision: every open dashboard polls, and most polls find nothing new."""
        async def context() -> dict:
            return {"f": await services.fulfilment_of(request.user.partner_id)}

        return await cached_page(request, "home/_plan.html", context)
