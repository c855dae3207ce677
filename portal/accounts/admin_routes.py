"""Administration of partners, users and API tokens (admins only)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from litestar import get, post
from portal.web.responses import Page
from portal.accounts import services
from portal.accounts.forms import ApiTokenForm, PartnerForm, UserForm
from portal.accounts.roles import Role
from portal.accounts.slots import partner_tiers
from portal.audit import services as audit
from portal.errors import ValidationFailed
from portal.web.auth import admin
from portal.web.helpers import actor, form_dict, page_number


class AdminPartnersController(Controller):
    include_in_schema = False
    path = "/admin/partners"
    guards = [admin]

    @get("/", name="admin_partners")
    async def index(self, q: FromQuery[str] = "", status: FromQuery[str] = "", region: FromQuery[str] = "",
                    page: FromQuery[str] = "1") -> Page:
        result = await services.search_partners(q=q, status=status, region=region, page=page_number(page))
        return Page("admin/partners.html", context={"result": result, "q": q, "status": status, "region": region,
                                                     "tiers": await partner_tiers([p["id"] for p in result.rows])})

    @get("/new", name="admin_partner_new")
    async def new(self) -> Page:
        return Page("admin/partner_form.html", context={"values": {}, "errors": {}})

    @post("/new")
    async def create(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            partner_id = await services.create_partner(actor(request), PartnerForm.parse(data))
        except ValidationFailed as exc:
            return Page("admin/partner_form.html", status_code=400, context={"values": data, "errors": exc.errors})
        return Redirect(path=f"/admin/partners/{partner_id}", status_code=303)

    @get("/{partner_id:int}", name="admin_partner")
    async def show(self, partner_id: FromPath[int]) -> Page:
        partner = await services.get_partner(partner_id)
        users = await services.search_users(partner_id=partner_id, per_page=200)
        history = await audit.entries_for("partner", partner_id)
        return Page("admin/partner.html", context={"p": partner, "users": users.rows, "history": history,
                                                    "tier": (await partner_tiers([partner_id])).get(partner_id)})

    @post("/{partner_id:int}/deactivate")
    async def deactivate(self, request: Request, partner_id: FromPath[int]) -> Redirect:
        await services.deactivate_partner(actor(request), partner_id)
        return Redirect(path=f"/admin/partners/{partner_id}", status_code=303)

    @post("/{partner_id:int}/reactivate")
    async def reactivate(self, request: Request, partner_id: FromPath[int]) -> Redirect:
        await services.reactivate_partner(actor(request), partner_id)
        return Redirect(path=f"/admin/partners/{partner_id}", status_code=303)


class AdminUsersController(Controller):
    include_in_schema = False
    path = "/admin/users"
    guards = [admin]

    @get("/", name="admin_users")
    async def index(self, q: FromQuery[str] = "", role: FromQuery[str] = "", page: FromQuery[str] = "1") -> Page:
        result = await services.search_users(q=q, role=role, page=page_number(page))
        return Page("admin/users.html", context={"result": result, "q": q, "role": role, "roles": list(Role)})

    async def _form(self, values: dict, errors: dict, status: int = 200) -> Page:
        return Page("admin/user_form.html", status_code=status, context={
            "values": values, "errors": errors, "roles": list(Role), "partners": await services.partner_options()})

    @get("/new", name="admin_user_new")
    async def new(self) -> Page:
        return await self._form({}, {})

    @post("/new")
    async def create(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            await services.create_user(actor(request), UserForm.parse(data))
        except ValidationFailed as exc:
            data.pop("password", None)
            return await self._form(data, exc.errors, status=400)
        return Redirect(path="/admin/users", status_code=303)

    @post("/{user_id:int}/deactivate")
    async def deactivate(self, request: Request, user_id: FromPath[int]) -> Redirect:
        await services.set_user_active(actor(request), user_id, active=False)
        return Redirect(path="/admin/users", status_code=303)

    @post("/{user_id:int}/activate")
    async def activate(self, request: Request, user_id: FromPath[int]) -> Redirect:
        await services.set_user_active(actor(request), user_id, active=True)
        return Redirect(path="/admin/users", status_code=303)


class AdminTokensController(Controller):
    include_in_schema = False
    path = "/admin/tokens"
    guards = [admin]

    async def _page(self, values: dict, errors: dict, new_token: str | None = None, status: int = 200) -> Page:
        users = await services.search_users(per_page=500)
        return Page("admin/tokens.html", status_code=status, context={
            "tokens": await services.list_api_tokens(), "users": users.rows,
            "values": values, "errors": errors, "new_token": new_token})

    @get("/", name="admin_tokens")
    async def index(self) -> Page:
        return await self._page({}, {})

    @post("/")
    async def create(self, request: Request) -> Page:
        data = await form_dict(request)
        try:
            raw = await services.create_api_token(actor(request), ApiTokenForm.parse(data))
        except ValidationFailed as exc:
            return await self._page(data, exc.errors, status=400)
        return await self._page({}, {}, new_token=raw)

    @post("/{token_id:int}/revoke")
    async def revoke(self, request: Request, token_id: FromPath[int]) -> Redirect:
        await services.revoke_api_token(actor(request), token_id)
        return Redirect(path="/admin/tokens", status_code=303)
