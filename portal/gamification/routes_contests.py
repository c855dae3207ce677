"""HTTP for contests: managers define, start, cancel and watch them (standings, CSV/XLSX); partners see the
contests they play and their own progress and place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response

from portal import exports
from portal.accounts.regions import REGIONS
from portal.errors import NotFound, ValidationFailed
from portal.gamification import contests
from portal.gamification.forms_contests import form_values, parse
from portal.i18n import N_, format_datetime, gettext as _
from portal.settings import get_settings
from portal.web.auth import manager, partner_user
from portal.web.helpers import actor, form_dict, page_number
from portal.web.responses import Page

PER_PAGE = 100
TOP = 10
COLUMNS = (N_("Place"), N_("Partner"), N_("Region"), N_("Figure"), N_("Claims"), N_("Reached at"), N_("Awards"))


async def _contest(contest_id: int) -> dict:
    try:
        return await contests.get(contest_id)
    except NotFound:
        raise NotFoundException() from None


def _moment(value):
    """A timestamp as read back (SQLite hands raw ones back as text)."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


class ContestsController(Controller):
    include_in_schema = False
    path = "/manage/contests"
    guards = [manager]

    def _form(self, values: dict, errors: dict, contest_id: int | None = None, status: int = 200) -> Page:
        return Page("gamification/contests/form.html", status_code=status,
                    context={"values": values, "errors": errors, "contest_id": contest_id})

    @get("/", name="contests")
    async def index(self) -> Page:
        return Page("gamification/contests/list.html", context={"contests": await contests.all_contests()})

    @get("/new", name="contest_new")
    async def new(self) -> Page:
        today = contests.today()
        return self._form({"starts_on": today.isoformat(), "ends_on": today.isoformat(), "metric": "units"}, {})

    @post("/new")
    async def create(self, request: Request) -> Any:
        data = await form_dict(request)
        try:
            contest_id = await contests.create(actor(request), parse(data))
        except ValidationFailed as exc:
            return self._form(data, exc.errors, status=400)
        return Redirect(path=f"/manage/contests/{contest_id}", status_code=303)

    @get("/{contest_id:int}", name="contest")
    async def show(self, contest_id: FromPath[int], page: FromQuery[str] = "1") -> Page:
        contest = await _contest(contest_id)
        number = page_number(page)
        rows = await contests.standings(contest_id, PER_PAGE + 1, (number - 1) * PER_PAGE)
        return Page("gamification/contests/standings.html", context={
            "c": contest, "rows": rows[:PER_PAGE], "page": number, "has_next": len(rows) > PER_PAGE,
            "awards": _awards_by_partner(await contests.awards_of(contest_id))})

    @get("/{contest_id:int}/edit", name="contest_edit")
    async def edit(self, contest_id: FromPath[int]) -> Page:
        return self._form(form_values(await _contest(contest_id)), {}, contest_id)

    @post("/{contest_id:int}/edit")
    async def save(self, request: Request, contest_id: FromPath[int]) -> Any:
        await _contest(contest_id)
        data = await form_dict(request)
        try:
            await contests.update(actor(request), contest_id, parse(data))
        except ValidationFailed as exc:
            return self._form(data, exc.errors, contest_id, status=400)
        return Redirect(path=f"/manage/contests/{contest_id}", status_code=303)

    @post("/{contest_id:int}/start")
    async def start(self, request: Request, contest_id: FromPath[int]) -> Redirect:
        await _contest(contest_id)
        await contests.start(actor(request), contest_id)
        return Redirect(path=f"/manage/contests/{contest_id}", status_code=303)

    @post("/{contest_id:int}/cancel")
    async def cancel(self, request: Request, contest_id: FromPath[int]) -> Redirect:
        await _contest(contest_id)
        await contests.cancel(actor(request), contest_id)
        return Redirect(path=f"/manage/contests/{contest_id}", status_code=303)

    @get("/{contest_id:int}/export/{fmt:str}", name="contest_export")
    async def export(self, contest_id: FromPath[int], fmt: FromPath[str]) -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFoundException()
        contest = await _contest(contest_id)
        awards = _awards_by_partner(await contests.awards_of(contest_id))
        zone = get_settings().app.timezone
        rows = [[r["rank"], r["legal_name"], _(REGIONS.get(r["region"], r["region"])),
                 Decimal(r["value"]).scaleb(-2) if contest["metric"] == "revenue" else r["value"], r["claims"],
                 format_datetime(_moment(r["reached_at"]), tz=zone),
                 "; ".join(awards.get(r["partner"], []))] for r in await contests.standings(contest_id)]
        body, media = exports.render(fmt, f"contest-{contest_id}", [_(c) for c in COLUMNS], rows)
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="contest-{contest_id}.{fmt}"'})


def _awards_by_partner(awards: list[dict]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for a in awards:
        out.setdefault(a["partner"], []).append(contests.award_text(a))
    return out


class PartnerContestsController(Controller):
    include_in_schema = False
    path = "/contests"
    guards = [partner_user]

    @get("/", name="my_contests")
    async def index(self, request: Request) -> Page:
        return Page("gamification/contests/mine.html",
                    context={"contests": await contests.partner_contests(request.user.partner_id)})

    @get("/{contest_id:int}", name="my_contest")
    async def show(self, request: Request, contest_id: FromPath[int]) -> Page:
        """Other partners appear by number only; a partner sees its own figure, place and awards."""
        partner_id = request.user.partner_id
        try:
            contest = await contests.visible_to(partner_id, contest_id)
        except NotFound:
            raise NotFoundException() from None
        return Page("gamification/contests/page.html", context={
            "c": contest, "mine": await contests.standing_of(contest_id, partner_id), "me": partner_id,
            "top": await contests.public_top(contest_id, partner_id, TOP),
            "awards": [contests.award_text(a) for a in await contests.awards_of(contest_id, partner_id)]})
