"""Route decorators: ``get`` and ``post`` as Litestar's, with guards handed the route handler itself.

Litestar passes every guard a ``copy()`` of the handler, so that a guard cannot change it: ~6.5 µs on every
guarded request. The portal's guards (``portal.web.auth``) only read the connection's user.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import HttpMethod
from litestar.handlers import HTTPRouteHandler


class PortalRouteHandler(HTTPRouteHandler):
    async def authorize_connection(self, connection: ASGIConnection) -> None:
        for guard in self.resolve_guards():
            await guard(connection, self)  # type: ignore[misc]


def get(path: str | None = None, **kwargs: Any) -> PortalRouteHandler:
    return PortalRouteHandler(path, http_method=HttpMethod.GET, **kwargs)


def post(path: str | None = None, **kwargs: Any) -> PortalRouteHandler:
    return PortalRouteHandler(path, http_method=HttpMethod.POST, **kwargs)
