"""HTTP for accounts: login, joining, invitations, the team page and partner review.

Handlers parse input, call one service and render; no rules live here.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.plugins.htmx import HTMXRequest, HTMXTemplate
from litestar.response import Redirect, Response

from litestar import get, post
from portal.web.responses import Page
from portal.accounts.slots import partner_tiers
from portal.accounts import services
from portal.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    InvitationForm,
    LoginForm,
    RegistrationForm,
)
from portal.accounts.roles import PARTNER_ROLES, PartnerStatus
from portal.errors import DomainError, ValidationFailed
from portal.i18n import SUPPORTED
from portal.web.auth import LANG_COOKIE, manager, partner_admin, requires_login
from portal.web.helpers import actor, client_ip, form_dict, page_number, safe_next
from portal.web.sessions import (
    clear_session_cookie,
    device_cookie_name,
    renew_csrf_cookie,
    session_cookie_name,
    set_device_cookie,
    set_session_cookie,
)


class AuthController(Controller):
    include_in_schema = False

    @get("/login", name="login")
    async def login_page(self, request: Request, next_: Annotated[str, QueryParameter(name="next")] = "") -> Any:
        if request.user is not None:
            return Redirect(path=safe_next(next_))
        return Page("accounts/login.html", context={"values": {}, "errors": {}, "next": next_})

    @post("/login")
    async def login(self, request: Request) -> Any:
        settings = request.app.state.settings
        data = await form_dict(request)
        next_ = str(data.get("next") or "")
        try:
            form = LoginForm.parse(data)
            user = await services.authenticate(form.email, form.password, client_ip(request),
                                               request.cookies.get(device_cookie_name(settings), ""))
        except ValidationFailed as exc:
            return Page("accounts/login.html", status_code=400,
                            context={"values": data, "errors": exc.errors, "next": next_})
        except DomainError as exc:
            return Page("accounts/login.html", status_code=exc.status_code,
                            context={"values": data, "errors": {"__all__": exc.message}, "next": next_})
        old = request.cookies.get(session_cookie_name(settings))
        if old:
            await services.end_session(old)
        token = await services.start_session(user.id, client_ip(request), request.headers.get("user-agent", ""))
        response = Redirect(path=safe_next(next_), status_code=303)
        set_session_cookie(response, token, settings)
        set_device_cookie(response, services.device_token(user.id), settings)
        renew_csrf_cookie(response, settings)
        return response

    @post("/logout", name="logout")
    async def logout(self, request: Request) -> Redirect:
        settings = request.app.state.settings
        token = request.cookies.get(session_cookie_name(settings))
        if token:
            await services.end_session(token)
        response = Redirect(path="/login", status_code=303)
        clear_session_cookie(response, settings)
        renew_csrf_cookie(response, settings)
        return response

    @post("/lang", name="set_language")
    async def set_language(self, request: Request) -> Redirect:
        data = await form_dict(request)
        lang = str(data.get("lang") or "")
        back = safe_next(str(data.get("back") or ""), default="/")
        response = Redirect(path=back, status_code=303)
        if lang in SUPPORTED:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                                secure=request.app.state.settings.security.cookie_secure)
            if request.user is not None:
                await services.set_user_locale(request.user.id, lang)
        return response


class AccountController(Controller):
    """What every signed-in user does to their own account: change the password."""

    include_in_schema = False
    path = "/account"
    guards = [requires_login]

    @get("/password", name="change_password")
    async def password_form(self, done: FromQuery[str] = "") -> Page:
        return Page("accounts/password.html", context={"values": {}, "errors": {}, "done": done == "1"})

    @post("/password")
    async def change_password(self, request: Request) -> Any:
        settings = request.app.state.settings
        data = await form_dict(request)
        user = request.user
        try:
            form = ChangePasswordForm.parse(data, user_inputs=(user.full_name, user.email))
            token = await services.change_password(user, form, client_ip(request),
                                                   request.headers.get("user-agent", ""))
        except DomainError as exc:  # a field's message, or "too many attempts"
            errors = exc.errors if isinstance(exc, ValidationFailed) else {"__all__": exc.message}
            return Page("accounts/password.html", status_code=exc.status_code,
                        context={"values": {}, "errors": errors, "done": False})
        response = Redirect(path="/account/password?done=1", status_code=303)
        set_session_cookie(response, token, settings)
        renew_csrf_cookie(response, settings)
        return response


class RegistrationController(Controller):
    include_in_schema = False
    path = "/register"

    @get("/", name="register")
    async def form(self) -> Page:
        return Page("accounts/register.html", context={"values": {}, "errors": {}})

    @post("/")
    async def submit(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            form = RegistrationForm.parse(data)
            await services.register_partner(form, ip=client_ip(request))
        except DomainError as exc:
            data.pop("password", None)
            data.pop("password_confirm", None)
            errors = exc.errors if isinstance(exc, ValidationFailed) else {"__all__": exc.message}
            return Page("accounts/register.html", status_code=exc.status_code,
                        context={"values": data, "errors": errors})
        # The same answer whether the address was new or already had an account (services.register_partner).
        return Redirect(path="/register/done", status_code=303)

    @get("/done", name="register_done")
    async def done(self) -> Page:
        return Page("accounts/register_done.html")


class InvitationController(Controller):
    include_in_schema = False
    path = "/invite"

    @get("/{token:str}", name="invitation")
    async def form(self, token: FromPath[str]) -> Page:
        invitation = await services.invitation_for_token(token)
        if invitation is None:
            return Page("accounts/invitation_invalid.html", status_code=404)
        return Page("accounts/invitation.html", context={"invitation": invitation, "values": {}, "errors": {}})

    @post("/{token:str}")
    async def accept(self, request: Request, token: FromPath[str]) -> Any:
        invitation = await services.invitation_for_token(token)
        if invitation is None:
            return Page("accounts/invitation_invalid.html", status_code=404)
        data = await form_dict(request)
        try:
            form = AcceptInvitationForm.parse(data)
            await services.accept_invitation(token, form, ip=client_ip(request))
        except ValidationFailed as exc:
            return Page("accounts/invitation.html", status_code=400,
                            context={"invitation": invitation, "values": {"full_name": data.get("full_name", "")},
                                     "errors": exc.errors})
        return Redirect(path="/login?joined=1", status_code=303)


class TeamController(Controller):
    """A partner admin's team: colleagues and invitations (own partner only)."""

    include_in_schema = False
    path = "/team"
    guards = [partner_admin]

    async def _page(self, request: Request, status: int = 200, **extra: Any) -> Page:
        context = {
            "team": await services.team_of(request.user),
            "invitations": await services.invitations_of(request.user),
            "values": {},
            "errors": {},
            "invite_link": None,
            "partner_roles": sorted(PARTNER_ROLES),
        } | extra
        return Page("accounts/team.html", context=context, status_code=status)

    @get("/", name="team")
    async def team(self, request: Request) -> Page:
        return await self._page(request)

    @post("/invitations")
    async def invite(self, request: Request) -> Page:
        data = await form_dict(request)
        try:
            token = await services.invite(request.user, InvitationForm.parse(data), ip=client_ip(request))
        except ValidationFailed as exc:
            return await self._page(request, status=400, values=data, errors=exc.errors)
        link = str(request.base_url).rstrip("/") + f"/invite/{token}"
        return await self._page(request, invite_link=link)

    @post("/invitations/{invitation_id:int}/revoke")
    async def revoke(self, request: Request, invitation_id: FromPath[int]) -> Redirect:
        await services.revoke_invitation(request.user, invitation_id, ip=client_ip(request))
        return Redirect(path="/team", status_code=303)


class PartnerReviewController(Controller):
    """Managers approve or reject self-registered partners."""

    include_in_schema = False
    path = "/manage/partners"
    guards = [manager]

    @get("/", name="manage_partners")
    async def queue(
        self,
        status: FromQuery[str] = PartnerStatus.PENDING.value,
        q: FromQuery[str] = "",
        region: FromQuery[str] = "",
        page: FromQuery[str] = "1",
    ) -> Page:
        result = await services.search_partners(q=q, status=status, region=region, page=page_number(page))
        return Page("manage/partners.html",
                        context={"result": result, "status": status, "q": q, "region": region,
                                 "tiers": await partner_tiers([p["id"] for p in result.rows])})

    async def _decide(self, request: HTMXRequest, partner_id: int, approve: bool) -> Response:
        if approve:
            await services.approve_partner(actor(request), partner_id)
        else:
            await services.reject_partner(actor(request), partner_id)
        if request.htmx:
            partner = await services.get_partner(partner_id)
            return HTMXTemplate(template_name="manage/_partner_row.html", context={"p": partner}, media_type="text/html")
        return Redirect(path="/manage/partners", status_code=303)

    @post("/{partner_id:int}/approve")
    async def approve(self, request: HTMXRequest, partner_id: FromPath[int]) -> Response:
        return await self._decide(request, partner_id, approve=True)

    @post("/{partner_id:int}/reject")
    async def reject(self, request: HTMXRequest, partner_id: FromPath[int]) -> Response:
        return await self._decide(request, partner_id, approve=False)


