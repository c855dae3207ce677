"""Every request's input made safe to read, in one place, before any handler or service sees it.

* Path parameters: an ``int`` outside 1..``MAX_ID`` (Litestar's ``int`` takes any size) and a ``str`` with
  control characters or over 200 characters are a 404: no such object can exist.
* Query values and form values: control characters removed (tab and line breaks kept in forms), NFC,
  at most ``portal.forms.MAX_TEXT`` (+1) characters. The query string is rewritten here; forms are cleaned
  by ``PortalRequest.form()``. Per-field bounds and messages are the forms' (``portal.forms.Field``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portal.forms import MAX_ID, clean_text

MAX_PATH_TEXT = 200
MAX_QUERY_VALUE = 1000


def clean_path_params(params: dict) -> None:
    for value in params.values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            if not 1 <= value <= MAX_ID:
                raise NotFoundException()
        elif isinstance(value, str) and (len(value) > MAX_PATH_TEXT or clean_text(value, multiline=False) != value):
            raise NotFoundException()


def clean_query_string(raw: bytes) -> bytes:
    """The query string with every name and value cleaned; unchanged (the same object) when already clean."""
    if raw.isascii() and b"%" not in raw and len(raw) <= MAX_QUERY_VALUE:
        return raw  # nothing encoded: no control character or non-ASCII text can hide in it
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
    cleaned = [(clean_text(k, multiline=False, limit=100), clean_text(v, multiline=False, limit=MAX_QUERY_VALUE))
               for k, v in pairs]
    if cleaned == pairs:
        return raw
    return urlencode(cleaned).encode("ascii")


class InputMiddleware(ASGIMiddleware):
    """Runs after routing (Litestar's middleware wrap the matched handler), so path parameters are parsed."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        params = scope.get("path_params")
        if params:
            clean_path_params(params)
        raw = scope.get("query_string", b"")
        if raw:
            scope["query_string"] = clean_query_string(raw)
        await next_app(scope, receive, send)
