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
from portal.i18n import gettext as _
from portal.web.helpers import safe_next

log = logging.getLogger("premia.errors")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/schema")


def _page(request: Request, status: int, title: str, message: str, back: str = "") -> Response:
    if _wants_json(request):
        return Response({"status_code": status, "detail": message}, status_code=status, media_type=MediaType.JSON)
    return Page(
        template_name="errors/error.html",
        context={"status": status, "title": title, "message": message, "back": back},
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
        message = _("The files are too large: at most %(mb)s MB can be sent with one form. Use your browser's Back "
                    "button to return to the form with what you typed, choose fewer or smaller files and send it "
                    "again.", mb=limit // (1024 * 1024))
    else:
        message = _("The upload is too large.")
    return _page(request, 413, _("Too large"), message, back=back)


def not_authorized(request: Request, exc: NotAuthorizedException) -> Response:
    if _wants_json(request):
        return _page(request, 401, _("Sign in required"), _("A valid API token is required."))
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    location = "/login?next=" + quote(target, safe="")
    if request.headers.get("hx-request"):
        return Response(content="", status_code=200, headers={"HX-Redirect": location})
    return Redirect(path=location, status_code=303)


def permission_denied(request: Request, exc: PermissionDeniedException) -> Response:
    if "CSRF" in str(exc.detail):
        return _page(request, 403, _("Form expired"),
                     _("The form has expired. Go back, reload the page and try again."))
    return _page(request, 403, _("No access"), _("You do not have access to this page."))


def not_found(request: Request, exc: NotFoundException) -> Response:
    return _page(request, 404, _("Not found"), _("The page or object you asked for does not exist."))


def domain_error(request: Request, exc: DomainError) -> Response:
    return _page(request, exc.status_code, _("Cannot do that"), exc.message)


def http_error(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, ValidationException):
        return _page(request, 400, _("Bad request"), _("Some of the input could not be read."))
    if exc.status_code == 413:
        return too_large(request)
    if exc.status_code == 429:
        return _page(request, 429, _("Too many requests"), _("Too many requests. Try again a little later."))
    if exc.status_code == 400 and "host" in str(exc.detail).lower():
        return Response("Invalid host", status_code=400, media_type=MediaType.TEXT)
    return _page(request, exc.status_code, _("Error"), _("The request could not be completed."))


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR, _("Something went wrong"),
                 _("An unexpected error happened. It has been logged; please try again."))


HANDLERS = {
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    NotFoundException: not_found,
    DomainError: domain_error,
    HTTPException: http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error,
}
