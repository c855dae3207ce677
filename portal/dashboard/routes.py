"""The landing routes: /, /dashboard and the health probe."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Redirect

from portal.web.responses import Page
from portal.dashboard.services import dashboard_for
from portal.web.auth import requires_login


class DashboardController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request) -> Redirect:
        return Redirect(path="/dashboard" if request.user else "/login")

    @get("/dashboard", name="dashboard", guards=[requires_login])
    async def dashboard(self, request: Request) -> Page:
        return Page("home/dashboard.html", context={"d": await dashboard_for(request.user)})

    @get("/healthz", name="health")
    async def health(self) -> dict:
        return {"status": "ok"}
