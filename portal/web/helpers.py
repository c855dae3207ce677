"""Small request helpers shared by the thin route handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.exceptions import NotFoundException

if TYPE_CHECKING:
    from portal.audit.services import Actor
from portal.forms import parse_id

MAX_PAGE = 1_000_000  # page × per page stays far inside a 64-bit OFFSET


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def actor(request: Request) -> Actor:
    return request.user.actor(client_ip(request))


async def form_dict(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {key: value for key, value in form.items() if key != "_csrf_token"}


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """Only same-site paths: never redirect to another host after login."""
    if not target:
        return default
    parts = urlsplit(target)
    # Browsers read "/\\host" as "//host", and drop tabs and newlines before parsing: refuse them all.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    return target


def page_number(raw: str | int | None) -> int:
    """``?page=``: page 1 for nothing or junk, a 404 past any page that can exist."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > 7 or int(text) > MAX_PAGE:
        raise NotFoundException()
    return max(1, int(text))


def query_id(raw: str | None) -> int | None:
    """An id in a query string (a filter): None when not given, a 404 when it cannot exist."""
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise NotFoundException()
    return value
