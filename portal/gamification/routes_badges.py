"""HTTP for badges: the partner's shelf and a badge's page, and the admin's badge rules."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from portal.errors import ValidationFailed
from portal.gamification import badges
from portal.web.auth import admin, partner_user
from portal.web.helpers import actor, form_dict
from portal.web.pagecache import cached_page
from portal.web.responses import Page


class BadgeShelfController(Controller):
    include_in_schema = False
    path = "/badges"
    guards = [partner_user]

    @get("/", name="badges")
    async def shelf(self, request: Request) -> Page:
        partner_id = request.user.partner_id
        items = await badges.shelf(partner_id)
        return Page("gamification/badges/shelf.html", context={
            "items": items, "streak": await badges.streaks.of_partner(partner_id),
            "celebrate": await badges.celebration(partner_id)})

    @get("/{code:str}", name="badge")
    async def badge(self, request: Request, code: FromPath[str]) -> Page:
        partner_id = request.user.partner_id
        item = next((i for i in await badges.shelf(partner_id) if i.rule["code"] == code), None)
        if item is None:
            item = await badges.shelf_item(partner_id, code)  # inactive badges the partner holds; 404 otherwise
        return Page("gamification/badges/detail.html", context={
            "item": item, "celebrate": await badges.celebration(partner_id)})


class BadgePanelController(Controller):
    include_in_schema = False
    guards = [partner_user]

    @get("/dashboard/badges", name="badge_panel")
    async def panel(self, request: Request) -> Response:
        """The dashboard's badge panel alone: htmx polls it. Kept per data revision, like the dashboard."""
        async def context() -> dict:
            return {"panel": await badges.panel(request.user.partner_id)}

        return await cached_page(request, "gamification/_badges.html", context)


class BadgeRulesController(Controller):
    include_in_schema = False
    path = "/admin/badges"
    guards = [admin]

    def _form(self, values: dict, errors: dict, rule_id: int | None, status: int = 200) -> Page:
        return Page("gamification/badges/form.html", status_code=status,
                    context={"values": values, "errors": errors, "rule_id": rule_id})

    @get("/", name="admin_badges")
    async def index(self) -> Page:
        return Page("gamification/badges/rules.html", context={"rules": await badges.distribution()})

    @get("/new", name="admin_badge_new")
    async def new(self) -> Page:
        return self._form({"shape": "circle", "colour": "#d4a017", "glyph": "star", "active": True, "n": 1}, {}, None)

    @post("/new")
    async def create(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            await badges.save_rule(actor(request), badges.RuleData.parse(data))
        except ValidationFailed as exc:
            return self._form(data, exc.errors, None, status=400)
        return Redirect(path="/admin/badges", status_code=303)

    @get("/{rule_id:int}", name="admin_badge")
    async def edit(self, rule_id: FromPath[int]) -> Page:
        return self._form(badges.form_values(await badges.rule_by_id(rule_id)), {}, rule_id)

    @post("/{rule_id:int}")
    async def save(self, request: Request, rule_id: FromPath[int]) -> Any:
        data = await form_dict(request)
        try:
            await badges.save_rule(actor(request), badges.RuleData.parse(data), rule_id=rule_id)
        except ValidationFailed as exc:
            return self._form(data, exc.errors, rule_id, status=400)
        return Redirect(path="/admin/badges", status_code=303)
