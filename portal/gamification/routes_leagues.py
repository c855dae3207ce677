"""HTTP for the leaderboard: partners see the top, themselves and their neighbours; managers see all and export.

The masking of hidden names happens in portal.gamification.board (the service), so the page, its htmx
partial and the export all get the same, already masked rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response

from portal import exports
from portal.accounts.regions import REGIONS
from portal.gamification import board
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.roles import PARTNER_ROLES, Role
from portal.web.auth import partner_admin, requires_roles
from portal.web.helpers import actor, form_dict, page_number
from portal.web.responses import Page

board_viewers = requires_roles(set(PARTNER_ROLES) | {Role.MANAGER, Role.ADMIN})
COLUMNS = (N_("Place"), N_("Partner"), N_("Region"), N_("Points earned"), N_("% of plan"))


async def _board(request: Request, q: board.Query, page: int = 1, per_page: int = board.PER_PAGE) -> board.Board:
    if request.user.partner_id is not None:
        return await board.partner_view(q, request.user.partner_id)
    return await board.manager_view(q, page, per_page)


def _query(period: str, metric: str, region: str, partner_type: str, tier: str, league: str) -> board.Query:
    return board.Query.parse(period, metric, region, partner_type, tier, league)


class LeaderboardController(Controller):
    include_in_schema = False
    path = "/leaderboard"
    guards = [board_viewers]

    @get("/", name="leaderboard")
    async def index(self, request: Request, period: FromQuery[str] = "", metric: FromQuery[str] = "",
                    region: FromQuery[str] = "", type: FromQuery[str] = "", tier: FromQuery[str] = "",
                    league: FromQuery[str] = "", page: FromQuery[str] = "1") -> Page:
        q = _query(period, metric, region, type, tier, league)
        b = await _board(request, q, page_number(page))
        partial = request.headers.get("hx-target") == "board"
        context: dict[str, Any] = {"b": b, "q": q, "rolling": board.ROLLING}
        if not partial:
            context["options"] = await board.filter_options()
            if request.user.role == Role.PARTNER_ADMIN:
                context["show_name"] = await board.shows_name(request.user.partner_id)
                context["my_partner"] = board.pseudonym(request.user.partner_id)
        return Page("gamification/leaderboard/_board.html" if partial else "gamification/leaderboard/index.html",
                    context=context)

    @get("/export/{fmt:str}", name="leaderboard_export")
    async def export(self, request: Request, fmt: FromPath[str], period: FromQuery[str] = "",
                     metric: FromQuery[str] = "", region: FromQuery[str] = "", type: FromQuery[str] = "",
                     tier: FromQuery[str] = "", league: FromQuery[str] = "") -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFoundException()
        q = _query(period, metric, region, type, tier, league)
        b = await _board(request, q, per_page=0)
        rows = [[r["rank"], r["name"], _(REGIONS.get(r["region"], r["region"])) if r["region"] else "", r["points"],
                 Decimal(r["pct_bp"]).scaleb(-2)] for r in b.rows]
        body, media = exports.render(fmt, q.period, [_(c) for c in COLUMNS], rows)
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="leaderboard-{q.period}.{fmt}"'})

    @post("/privacy", name="leaderboard_privacy", guards=[partner_admin])
    async def privacy(self, request: Request) -> Redirect:
        data = await form_dict(request)
        show = str(data.get("show_name", "")).strip().lower() in ("1", "on", "true", "yes")
        await board.set_show_name(actor(request), request.user.partner_id, show)
        return Redirect(path="/leaderboard", status_code=303)
