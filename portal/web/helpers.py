"""Small request helpers shared by the thin route handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from litestar import Request

if TYPE_CHECKING:
    from portal.audit.services import Actor


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
    try:
        return max(1, int(raw or 1))
    except (TypeError, ValueError):
        return 1
