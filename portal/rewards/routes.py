"""Admin pages for reward rules; a change makes a new version, and earned accruals keep theirs."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import FromPath
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from litestar import get, post
from portal.accounts import services as accounts
from portal.errors import ValidationFailed
from portal.rewards import services
from portal.web.auth import admin
from portal.web.helpers import actor, form_dict
from portal.web.responses import Page


class RewardRulesController(Controller):
    include_in_schema = False
    path = "/admin/rewards"
    guards = [admin]

    async def _form(self, values: dict, errors: dict, rule_key: str | None, status: int = 200) -> Page:
        return Page("rewards/form.html", status_code=status, context={
            "values": values, "errors": errors, "rule_key": rule_key, "partners": await accounts.partner_options(),
            "versions": await services.rule_versions(rule_key) if rule_key else []})

    @get("/", name="admin_rewards")
    async def index(self) -> Page:
        return Page("rewards/list.html", context={"rules": await services.current_rules()})

    @get("/new", name="admin_reward_new")
    async def new(self) -> Page:
        return await self._form({}, {}, None)

    @post("/new")
    async def create(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            await services.save_rule(actor(request), services.RuleData.parse(data))
        except ValidationFailed as exc:
            return await self._form(data, exc.errors, None, status=400)
        return Redirect(path="/admin/rewards", status_code=303)

    @get("/{rule_key:str}", name="admin_reward")
    async def edit(self, rule_key: FromPath[str]) -> Page:
        versions = await services.rule_versions(rule_key)
        if not versions:
            raise NotFoundException()
        current = dict(versions[-1])
        current["partner_id"] = current.pop("partner") or ""
        return await self._form(current, {}, rule_key)

    @post("/{rule_key:str}")
    async def new_version(self, request: Request, rule_key: FromPath[str]) -> Any:
        data = await form_dict(request)
        try:
            await services.save_rule(actor(request), services.RuleData.parse(data), rule_key=rule_key)
        except ValidationFailed as exc:
            return await self._form(data, exc.errors, rule_key, status=400)
        return Redirect(path="/admin/rewards", status_code=303)
