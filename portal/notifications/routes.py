"""The bell: a user's notifications."""

from __future__ import annotations

from litestar import Controller, Request
from litestar.response import Redirect

from litestar import get, post
from portal.notifications import services
from portal.web.auth import requires_login
from portal.web.responses import Page


class NotificationsController(Controller):
    include_in_schema = False
    path = "/notifications"
    guards = [requires_login]

    @get("/", name="notifications")
    async def index(self, request: Request) -> Page:
        return Page("notifications/list.html", context={"items": await services.for_user(request.user.id)})

    @post("/read")
    async def read_all(self, request: Request) -> Redirect:
        await services.mark_all_read(request.user.id)
        return Redirect(path="/notifications", status_code=303)
