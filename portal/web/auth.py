"""Who is asking: session users for pages, bearer tokens for /api, and the guards.

The middleware puts the user (or None) on the scope and picks the language;
guards decide access per route. Tenancy is not decided here: services filter by
the acting user's partner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portal import i18n
from portal.roles import COMPANY_ROLES, PARTNER_ROLES, Role
from portal.slots import Slot
from portal.web.sessions import COOKIE

if TYPE_CHECKING:
    from portal.accounts.services import CurrentUser

# Who is signed in: portal.accounts.services, filled by portal.wiring (the web layer imports no domain).
accounts = Slot("portal.accounts.services: the user of a session or an API token")

LANG_COOKIE = "premia_lang"


class AuthMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, session_cookie: str = COOKIE) -> None:
        global _session_cookie
        self.session_cookie = session_cookie  # "__Host-premia_session" when cookies are secure
        _session_cookie = session_cookie

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = i18n.set_locale(await identify(scope, self.session_cookie))
        try:
            await next_app(scope, receive, send)
        finally:
            i18n.reset_locale(token)


# The session cookie's name as the app was built with; an error page for a path no route matches (so no
# middleware ran) reads the user with it, to keep the menu and the language.
_session_cookie = COOKIE


async def identify(scope: Scope, session_cookie: str | None = None) -> str:
    """Put the user (or None) on the scope and return the language to answer in."""
    path: str = scope["path"]
    user: CurrentUser | None = None
    connection = ASGIConnection(scope)
    if path.startswith("/api/"):
        header = connection.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            user = await accounts.user_for_api_token(header[7:].strip())
    elif not path.startswith("/static/"):
        token = connection.cookies.get(session_cookie or _session_cookie)
        if token:
            user = await accounts.user_for_session_token(token)
    scope["user"] = user
    scope["auth"] = None
    chosen = connection.cookies.get(LANG_COOKIE) or (user.locale if user else "")
    return chosen if chosen in i18n.SUPPORTED else i18n.negotiate(connection.headers.get("accept-language"))


# Guards are coroutines: Litestar runs a plain function guard in a worker thread (one hop, ~130 µs a request).
async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.user is None:
        raise NotAuthorizedException()


def requires_roles(roles: Iterable[str]):
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = connection.user
        if user is None:
            raise NotAuthorizedException()
        if user.role not in allowed:
            raise PermissionDeniedException()

    guard.__name__ = "requires_" + "_or_".join(sorted(allowed))
    return guard


partner_user = requires_roles(PARTNER_ROLES)
partner_admin = requires_roles({Role.PARTNER_ADMIN})
company_user = requires_roles(COMPANY_ROLES)
manager = requires_roles({Role.MANAGER, Role.ADMIN})
admin = requires_roles({Role.ADMIN})
