"""Security headers on every response.

Unknown hosts are refused by Litestar's own ``AllowedHostsConfig`` (see ``portal.app``).
"""

from __future__ import annotations

from urllib.parse import quote

from litestar.types import Message, Scope

from portal.web.sessions import COOKIE

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline scripts: htmx and app.js are files
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(self), geolocation=(), microphone=()",
    "cross-origin-opener-policy": "same-origin",
}


_RAW_HEADERS = [(name.encode(), value.encode()) for name, value in HEADERS.items()]

# HTTPS only, for a year; not for subdomains, which may be the company's other sites.
HSTS = (b"strict-transport-security", b"max-age=31536000")
NO_STORE = (b"cache-control", b"no-store")
_SESSION = COOKIE.encode() + b"="  # also found inside a "__Host-" prefixed name


def _private(scope: Scope) -> bool:
    """A signed-in user's request: the user found, or (a 404 runs no middleware) a session cookie or a token."""
    if scope.get("user") is not None:
        return True
    if scope.get("path", "").startswith("/static/"):
        return False
    for name, value in scope.get("headers", ()):
        if (name == b"cookie" and _SESSION in value) or name == b"authorization":
            return True
    return False


def _boosted_get(scope: Scope) -> bool:
    return scope.get("method") == "GET" and any(
        name == b"hx-boosted" for name, _value in scope.get("headers", ()))


def _path_of(scope: Scope) -> bytes:
    path = quote(scope.get("path") or "/", safe="/:@!$&'()*+,;=-._~").encode()
    query = scope.get("query_string") or b""
    return path + b"?" + query if query else path


def security_headers(hsts: bool):
    """A before_send hook: it sees every response, 404s, refused hosts and static files included.

    Besides the fixed headers (and HSTS when the cookies are secure, that is, the site is served over
    HTTPS), a response is never stored by a browser or a proxy (``Cache-Control: no-store``) when it is
    for a signed-in user (pages, exports, acts, API answers, their 404s; not /static files) or sets
    a cookie (login, logout). A route that chose its own Cache-Control keeps it: the authorised media
    say ``private``, for the user's own browser only.

    A boosted page (htmx) names its own address (``HX-Push-Url``): after a form's 303 the browser follows the
    redirect inside htmx's request, and without it the address bar kept the form's POST URL (a reload then
    answered 405).
    """
    fixed = _RAW_HEADERS + [HSTS] if hsts else _RAW_HEADERS

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            # Raw header pairs: MutableScopeHeaders costs ~25 µs a response for six names.
            headers = message.setdefault("headers", [])
            present = {name.lower() for name, _ in headers}
            headers.extend(pair for pair in fixed if pair[0] not in present)
            if b"cache-control" not in present and (b"set-cookie" in present or _private(scope)):
                headers.append(NO_STORE)
            if message.get("status") == 200 and b"hx-push-url" not in present and _boosted_get(scope):
                headers.append((b"hx-push-url", _path_of(scope)))

    return add_security_headers
