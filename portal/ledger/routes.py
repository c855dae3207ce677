"""HTTP for points and money: a partner's balances and history, and finance's adjustments."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Controller, Request
from litestar.params import FromQuery
from litestar.response import Response

from litestar import get, post
from portal.accounts import services as accounts
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.ledger import services as ledger
from portal.ledger.forms import Adjustment
from portal.web.auth import requires_roles, partner_user
from portal.web.helpers import actor, form_dict, page_number
from portal.web.pagecache import cached_page
from portal.web.responses import Page

finance = requires_roles({"finance", "admin"})


class PointsController(Controller):
    include_in_schema = False
    guards = [partner_user]

    @get("/dashboard/balances", name="balances_partial")
    async def balances(self, request: Request) -> Response:
        """The dashboard's balance cards alone: htmx polls this so an approval shows without a reload.
        Kept per data revision: every open dashboard polls, and most polls find nothing new."""
        pid = request.user.partner_id

        async def context() -> dict:
            return {"b": await ledger.balances(pid), "expiring": await ledger.expiring(pid),
                    "releasing": await ledger.pending_releases(pid)}

        return await cached_page(request, "home/_balances.html", context)

    @get("/points", name="points_history")
    async def history(self, request: Request, unit: FromQuery[str] = "", kind: FromQuery[str] = "",
                      page: FromQuery[str] = "1") -> Page:
        result = await ledger.history(request.user.partner_id, unit=unit, kind=kind, page=page_number(page))
        return Page("ledger/history.html", context={"result": result, "unit": unit, "kind": kind})

    @get("/points/export.csv", name="points_export")
    async def export(self, request: Request, unit: FromQuery[str] = "", kind: FromQuery[str] = "") -> Response:
        from portal.ledger.present import explain, signed

        from portal import exports

        rows = (await ledger.history(request.user.partner_id, unit=unit, kind=kind, per_page=100_000,
                                     with_pending=False)).rows
        body = exports.to_csv([_("Date"), _("Operation"), _("Amount"), _("Unit"), _("Why")], [
            [r["created_at"].isoformat(timespec="seconds"), r["kind"], signed(r), r["unit"], explain(r)] for r in rows])
        return Response(body, media_type=exports.CSV_TYPE,
                        headers={"content-disposition": 'attachment; filename="points.csv"'})


class AdjustmentsController(Controller):
    include_in_schema = False
    path = "/finance/adjust"
    guards = [finance]

    async def _page(self, values: dict, errors: dict, status: int = 200, done: Any = None) -> Page:
        values.setdefault("token", secrets.token_urlsafe(18))
        return Page("ledger/adjust.html", status_code=status, context={
            "values": values, "errors": errors, "partners": await accounts.partner_options(), "done": done})

    @get("/", name="finance_adjust")
    async def form(self) -> Page:
        return await self._page({}, {})

    @post("/")
    async def submit(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            form = Adjustment.parse(data)
            posted = await ledger.adjust_by_hand(actor(request), form.partner_id, form.unit, form.amount,
                                                 form.reason, form.token or secrets.token_urlsafe(18))
        except ValidationFailed as exc:
            return await self._page(data, exc.errors, status=400)
        except ledger.InsufficientFunds as exc:
            return await self._page(data, {"amount": exc.message}, status=409)
        return await self._page({}, {}, done=posted)


