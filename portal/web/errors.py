"""Exception handlers: domain errors and HTTP errors become friendly pages or JSON.

A 500 is always a bug; everything a user can cause maps to a 4xx here.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from portal.web.responses import Page
from portal.errors import DomainError
from portal import i18n
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.web.auth import identify
from portal.web.helpers import safe_next

log = logging.getLogger("premia.errors")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/schema")


class ErrorPage(Page):
    """The error page, rendered in the user's language with their menu.

    For a path no route matches, Litestar raises its 404 before any middleware runs: nobody is signed in and
    no language is chosen yet. This response then reads the session and the language itself before it
    renders, so the title and message are given as msgids and translated only then.
    """

    def to_asgi_response(self, app, request, **kwargs):  # type: ignore[override]
        render = super().to_asgi_response

        async def respond(scope, receive, send) -> None:
            token = None
            if "user" not in scope:
                token = i18n.set_locale(await identify(scope))
            try:
                context = self.context
                context["title"] = _(context["title"])
                context["message"] = _(context["message"], **context.pop("params", {}))
                await render(app, request, **kwargs)(scope, receive, send)
            finally:
                if token is not None:
                    i18n.reset_locale(token)

        return respond


def _page(request: Request, status: int, title: str, message: str, back: str = "", **params) -> Response:
    """``title`` and ``message`` are msgids (``params`` fill the message's placeholders)."""
    if _wants_json(request):
        return Response({"status_code": status, "detail": _(message, **params)}, status_code=status,
                        media_type=MediaType.JSON)
    return ErrorPage(
        template_name="errors/error.html",
        context={"status": status, "title": title, "message": message, "params": params, "back": back},
        status_code=status,
    )


def too_large(request: Request) -> Response:
    """A body over the route's limit cannot be read, so its form cannot be shown again: say how much fits,
    in the user's language, and lead back to the form (the browser's Back keeps what was typed)."""
    handler = request.scope.get("route_handler")
    limit = getattr(handler, "request_max_body_size", None) or 0
    referer = urlsplit(request.headers.get("referer", ""))
    back = safe_next(referer.path + ("?" + referer.query if referer.query else ""), default="") \
        if referer.netloc in ("", request.url.netloc) else ""
    if limit:
        return _page(request, 413, N_("Too large"), N_(
            "The files are too large: at most %(mb)s MB can be sent with one form. Use your browser's Back "
            "button to return to the form with what you typed, choose fewer or smaller files and send it "
            "again."), back=back, mb=limit // (1024 * 1024))
    return _page(request, 413, N_("Too large"), N_("The upload is too large."), back=back)


def not_authorized(request: Request, exc: NotAuthorizedException) -> Response:
    if _wants_json(request):
        return _page(request, 401, N_("Sign in required"), N_("A valid API token is required."))
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    location = "/login?next=" + quote(target, safe="")
    if request.headers.get("hx-request"):
        return Response(content="", status_code=200, headers={"HX-Redirect": location})
    return Redirect(path=location, status_code=303)


def permission_denied(request: Request, exc: PermissionDeniedException) -> Response:
    if "CSRF" in str(exc.detail):
        return _page(request, 403, N_("Form expired"),
                     N_("The form has expired. Go back, reload the page and try again."))
    return _page(request, 403, N_("No access"), N_("You do not have access to this page."))


def not_found(request: Request, exc: NotFoundException) -> Response:
    return _page(request, 404, N_("Not found"), N_("The page or object you asked for does not exist."))


def domain_error(request: Request, exc: DomainError) -> Response:
    return _page(request, exc.status_code, N_("Cannot do that"), exc.message)


def http_error(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, ValidationException):
        return _page(request, 400, N_("Bad request"), N_("Some of the input could not be read."))
    if exc.status_code == 413:
        return too_large(request)
    if exc.status_code == 429:
        return _page(request, 429, N_("Too many requests"), N_("Too many requests. Try again a little later."))
    if exc.status_code == 400 and "host" in str(exc.detail).lower():
        return Response("Invalid host", status_code=400, media_type=MediaType.TEXT)
    return _page(request, exc.status_code, N_("Error"), N_("The request could not be completed."))


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR, N_("Something went wrong"),
                 N_("An unexpected error happened. It has been logged; please try again."))


HANDLERS = {
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    NotFoundException: not_found,
    DomainError: domain_error,
    HTTPException: http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error,
}
