"""The landing routes: /, /dashboard and the health probe; and /live, the one small poll an open page makes."""

from __future__ import annotations

from litestar import Controller, Request, Response
from litestar.params import FromPath
from litestar.response import Redirect

from litestar import get
from portal.claims import services as claims
from portal.revisions import services as revisions
from portal.web.pagecache import cached_page
from portal.dashboard.services import dashboard_for
from portal.web.auth import partner_user, requires_login
from portal.web.responses import Page


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


def _tokens(header: str | None) -> set[str]:
    """The entity tags of an If-None-Match header, without W/ and quotes."""
    return {t.strip().removeprefix("W/").strip('"') for t in (header or "").split(",") if t.strip()}


class LiveController(Controller):
    """An open page asks /live whether what it shows changed (static/js/live.js), with the token the page
    carries (If-None-Match). Unchanged: 304 and no body. Changed: the bell with its new token, and the page
    then asks its own parts (balances, plan, a claim's status) again. The answer costs the session's query
    only: the revisions and the bell's count come with it (portal/accounts/services.py)."""

    include_in_schema = False

    @get("/live", name="live", guards=[requires_login])
    async def live(self, request: Request) -> Response:
        token = await revisions.current_live_token(request.user)
        etag = f'"{token}"'
        if token != "-" and token in _tokens(request.headers.get("if-none-match")):
            return Response(b"", status_code=304, headers={"etag": etag})
        return Page("_bell.html", context={"user": request.user}, headers={"etag": etag})

    @get("/claims/{claim_id:int}/status", name="claim_status", guards=[partner_user])
    async def claim_status(self, request: Request, claim_id: FromPath[int]) -> Page:
        """The status tag of one of the partner's claims (another partner's: 404), for its open page."""
        claim = await claims.get_claim(request.user, claim_id)
        return Page("claims/_status.html", context={"c": claim, "labels": claims.STATUS_LABELS})
