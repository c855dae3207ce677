"""The landing routes: /, /dashboard and the health probe."""

from __future__ import annotations

from litestar import Controller, Request, Response
from litestar.response import Redirect

from litestar import get
from portal.web.pagecache import cached_page
from portal.dashboard.services import dashboard_for
from portal.web.auth import requires_login


class DashboardController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request) -> Redirect:
        return Redirect(path="/dashboard" if request.user else "/login")

    @get("/dashboard", name="dashboard", guards=[requires_login])
    async def dashboard(self, request: Request) -> Response:
        async def context() -> dict:
            return {"d": await dashboard_for(request.user)}

        return await cached_page(request, "home/dashboard.html", context)

    @get("/healthz", name="health")
    async def health(self) -> dict:
        return {"status": "ok"}
