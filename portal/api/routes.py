"""The JSON API, authenticated by per-user bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, Router

from litestar import get
from portal.web.auth import requires_login


@dataclass
class Me:
    id: int
    email: str
    full_name: str
    role: str
    partner_id: int | None
    partner_name: str


class MeController(Controller):
    path = "/me"
    tags = ["accounts"]

    @get("/", summary="The user behind the token")
    async def me(self, request: Request) -> Me:
        u = request.user
        return Me(id=u.id, email=u.email, full_name=u.full_name, role=u.role,
                  partner_id=u.partner_id, partner_name=u.partner_name)


api_router = Router(path="/api/v1", route_handlers=[MeController], guards=[requires_login],
                    security=[{"BearerToken": []}])
