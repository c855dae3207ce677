"""HTTP for tiers: the admin edits the ladder; managers read the engagement page and export its tables."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response

from portal import exports
from portal.errors import ValidationFailed
from portal.gamification import engagement, tiers
from portal.gamification.forms_tiers import TierData, form_values
from portal.web.auth import admin, manager
from portal.web.helpers import actor, form_dict
from portal.web.responses import Page


class TierAdminController(Controller):
    include_in_schema = False
    path = "/admin/tiers"
    guards = [admin]

    @get("/", name="admin_tiers")
    async def index(self) -> Page:
        return Page("gamification/tiers/admin_list.html", context={"tiers": await tiers.ladder()})

    async def _form(self, code: str, values: dict, errors: dict, status: int = 200) -> Page:
        tier = await tiers.tier(code)
        if tier is None:
            raise NotFoundException()
        return Page("gamification/tiers/admin_form.html", status_code=status,
                    context={"tier": tier, "values": values, "errors": errors})

    @get("/{code:str}", name="admin_tier")
    async def edit(self, code: FromPath[str]) -> Page:
        tier = await tiers.tier(code)
        if tier is None:
            raise NotFoundException()
        return await self._form(code, form_values(tier), {})

    @post("/{code:str}")
    async def save(self, request: Request, code: FromPath[str]) -> Any:
        data = await form_dict(request)
        if await tiers.tier(code) is None:
            raise NotFoundException()
        try:
            await tiers.save_tier(actor(request), code, TierData.parse(data))
        except ValidationFailed as exc:
            return await self._form(code, data, exc.errors, status=400)
        return Redirect(path="/admin/tiers", status_code=303)


class EngagementController(Controller):
    include_in_schema = False
    path = "/manage/engagement"
    guards = [manager]

    @get("/", name="engagement")
    async def index(self) -> Page:
        shown = [(s, engagement.chart(s)) for s in await engagement.sections()]
        return Page("gamification/engagement.html", context={"sections": shown})

    @get("/{key:str}/export/{fmt:str}", name="engagement_export")
    async def export(self, key: FromPath[str], fmt: FromPath[str]) -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFoundException()
        section = await engagement.section(key)
        if section is None:
            raise NotFoundException()
        body, media = exports.render(fmt, section.title[:31], section.headers, section.rows)
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="engagement-{key}.{fmt}"'})
