"""The leaderboard: ranks read from the kept standings (standings.py) with one indexed, windowed query.

What a viewer sees:
- a manager sees every ranked partner by name, a page at a time, and exports them;
- a partner sees the top 10, its own rank and its neighbours (±3). Another partner appears by name only if
  that partner's admin chose so (``game_board_privacy``); otherwise as "Dealer No. <id>". The mask is put on
  here, in the service: a hidden name never reaches a template, a partial or an export.

Boards: a period (by points or by % of plan) or the rolling last 30 days (by points). Filters (region,
partner type, tier, league) narrow the field that is ranked: "3rd in Moscow region". Ties: the earlier
time of reaching the figure wins, then the lower partner number (standings.py).
The cost does not depend on the number of claims: one row per partner and period (rolling: per partner and
sales day in the window).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field

from portal.accounts.roles import PartnerStatus
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import company_today, utcnow, write_transaction
from portal.gamification import standings
from portal.gamification.standings import WINDOW_DAYS
from portal.gamification.tables import BoardPrivacy, Standing
from portal.forms import parse_int
from portal.i18n import gettext as _
from portal.periods import services as periods
from portal.periods.calc import parse_code
from portal.settings import get_settings

ROLLING = "30d"
METRICS = ("points", "pct")
TOP = 10
NEIGHBOURS = 3
PER_PAGE = 50


@dataclass(frozen=True)
class Query:
    period: str  # a period code, or ROLLING
    metric: str = "points"
    region: str = ""
    partner_type: str = ""
    tier: str = ""
    league: int | None = None  # league number shown to people: 1 is the top (level 0)

    @classmethod
    def parse(cls, period: str = "", metric: str = "", region: str = "", partner_type: str = "", tier: str = "",
              league: str = "") -> Query:
        """Query-string values into a board; anything unreadable falls back to the default (never an error)."""
        if period != ROLLING:
            span = periods.span_for(period) if period else None
            period = (span or periods.current_span()).code
        metric = metric if metric in METRICS and period != ROLLING else "points"
        number = parse_int(league, min_value=1, max_value=999) if league else None
        return cls(period, metric, region[:100], partner_type[:20], tier[:40], number or None)


@dataclass
class Board:
    query: Query
    rows: list[dict]
    me: dict | None = None  # the viewing partner's own row (None: unranked, or a manager)
    total: int = 0
    page: int = 1
    has_next: bool = False
    masked: bool = True
    filters: dict = field(default_factory=dict)


def pseudonym(partner_id: int) -> int:
    """A hidden partner's number: seven digits keyed with the site's secret, the same on every page (a partner
    can tell "that's the one who overtook me"), but not their id, which their URLs and acts carry."""
    digest = hmac.new(get_settings().security.secret_key.encode(), f"board:{partner_id}".encode(),
                      hashlib.sha256).digest()
    return 1_000_000 + int.from_bytes(digest[:8], "big") % 9_000_000


def masked_name(partner_id: int) -> str:
    return _("Dealer No. %(n)s", n=pseudonym(partner_id))


def _is_filtered(q: Query) -> bool:
    return bool(q.region or q.partner_type or q.tier or q.league is not None)


def _source(q: Query, today: dt.date, rolled: bool = False) -> tuple[str, list]:
    """The ranked field as a CTE body: partner, points, pct_bp and rank, under the filters. ``rolled``: the
    kept rolling sums are valid for today (else the rolling board sums the day buckets)."""
    params: list = []
    if q.period == ROLLING and rolled:
        base = "SELECT partner, points, 0 AS pct_bp, reached_at FROM game_rolling WHERE points > 0"
        order = "s.points DESC, s.reached_at ASC, s.partner ASC"
        season = periods.current_span(today).code
    elif q.period == ROLLING:
        since = today - dt.timedelta(days=WINDOW_DAYS - 1)
        base = ("SELECT w.partner, SUM(w.points) AS points, 0 AS pct_bp, MAX(w.reached_at) AS reached_at "
                "FROM game_standing_day w WHERE w.day >= {} AND w.day <= {} GROUP BY w.partner "
                "HAVING SUM(w.points) > 0")
        params += [since, today]
        order = "s.points DESC, s.reached_at ASC, s.partner ASC"
        season = periods.current_span(today).code
    else:
        base = ("SELECT partner, points, pct_bp, points_at, pct_at FROM game_standing WHERE period = {} "
                f"AND {'points' if q.metric == 'points' else 'pct_bp'} > 0")
        params.append(q.period)
        order = ("s.points DESC, s.points_at ASC, s.partner ASC" if q.metric == "points"
                 else "s.pct_bp DESC, s.pct_at ASC, s.partner ASC")
        season = q.period
    joins = "JOIN partner p ON p.id = s.partner LEFT JOIN game_board_privacy v ON v.partner = s.partner "
    where = [f"p.status = '{PartnerStatus.ACTIVE.value}'"]
    where_params: list = []
    if q.tier:
        joins += "LEFT JOIN game_partner_tier t ON t.partner = s.partner "
        where.append("COALESCE(t.tier, '') = {}")
        where_params.append("" if q.tier == "-" else q.tier)
    if q.league is not None:
        joins += ("JOIN game_division_member m ON m.partner = s.partner AND m.period = {} "
                  "JOIN game_division d ON d.id = m.division ")
        params.append(season)
        where.append("d.level = {}")
        where_params.append(q.league - 1)
    if q.region:
        where.append("p.region = {}")
        where_params.append(q.region)
    if q.partner_type:
        where.append("p.partner_type = {}")
        where_params.append(q.partner_type)
    params += where_params
    body = (f"SELECT s.partner, s.points + 0 AS points, s.pct_bp + 0 AS pct_bp, p.legal_name, p.region, "
            f"COALESCE(v.show_name, {_false()}) AS show_name, ROW_NUMBER() OVER (ORDER BY {order}) AS rank "
            f"FROM ({base}) s {joins}WHERE {' AND '.join(where)}")
    return body, params


def _false() -> str:
    from portal.db import is_sqlite

    return "0" if is_sqlite() else "FALSE"


def _row(r: dict, viewer_partner: int | None, filtered: bool = False) -> dict:
    """A board row as the viewer may see it. On a filtered board a hidden partner carries no number at all: the
    filters (region, type, tier, league) would otherwise tell who, among the numbers, is where."""
    own = viewer_partner is not None and r["partner"] == viewer_partner
    shown = viewer_partner is None or own or bool(r["show_name"])
    hidden = _("Hidden participant") if filtered else masked_name(r["partner"])
    return {"rank": int(r["rank"]), "partner": r["partner"] if shown else None, "points": int(r["points"]),
            "pct_bp": int(r["pct_bp"]), "name": r["legal_name"] if shown else hidden,
            "region": r["region"] if shown else "", "own": own, "named": shown}


async def _ranked_source(q: Query, today: dt.date | None) -> tuple[str, list]:
    today = today or company_today()
    kept = q.period == ROLLING and await standings.rolled_day() == today
    return _source(q, today, kept)


# --- the unfiltered boards: walks of the ranking index ------------------------------------------------
# The board most people open has no filter. Its ranks come from the ranking index itself: the top is the
# index's first rows, a partner's rank is 1 + the rows ahead of it (counted in the index) less the inactive
# partners ahead (found through partner.status), and its neighbours are the next rows either way. No
# window over all partners, no sort: the cost is a few index seeks whatever the number of partners or claims.

_INACTIVE = tuple(s.value for s in PartnerStatus if s != PartnerStatus.ACTIVE)


@dataclass(frozen=True)
class _Walk:
    table: str
    figure: str
    at: str
    scope: str  # a condition on s, with the params below
    params: tuple


async def _walk_of(q: Query, today: dt.date | None) -> _Walk | None:
    """The index walk for an unfiltered board; None when filters (or an un-rolled window) need the window query."""
    if q.region or q.partner_type or q.tier or q.league is not None:
        return None
    if q.period == ROLLING:
        if await standings.rolled_day() != (today or company_today()):
            return None
        return _Walk("game_rolling", "points", "reached_at", "1 = 1", ())
    if q.metric == "pct":
        return _Walk("game_standing", "pct_bp", "pct_at", "s.period = {}", (q.period,))
    return _Walk("game_standing", "points", "points_at", "s.period = {}", (q.period,))


def _cols(w: _Walk) -> str:
    pct = "s.pct_bp + 0" if w.table == "game_standing" else "0"
    return (f"s.partner, s.points + 0 AS points, {pct} AS pct_bp, p.legal_name, p.region, "
            f"COALESCE(v.show_name, {_false()}) AS show_name")


def _joined(w: _Walk) -> str:
    return (f"FROM {w.table} s JOIN partner p ON p.id = s.partner "
            "LEFT JOIN game_board_privacy v ON v.partner = s.partner")


def _order(w: _Walk, reverse: bool = False) -> str:
    if reverse:
        return f"s.{w.figure} ASC, s.{w.at} DESC, s.partner DESC"
    return f"s.{w.figure} DESC, s.{w.at} ASC, s.partner ASC"


def _relative(w: _Walk, ahead: bool) -> str:
    f, at = w.figure, w.at
    if ahead:
        return (f"s.{f} >= m.{f} AND (s.{f} > m.{f} OR (s.{f} = m.{f} AND (s.{at} < m.{at} OR "
                f"(s.{at} = m.{at} AND s.partner < m.partner))))")
    return (f"s.{f} <= m.{f} AND (s.{f} < m.{f} OR (s.{f} = m.{f} AND (s.{at} > m.{at} OR "
            f"(s.{at} = m.{at} AND s.partner > m.partner))))")


def _me(w: _Walk) -> str:
    """The viewer's own figures, by a unique key: the planner then knows it is one row and walks the index
    in order from it (a non-unique lookup made SQLite sort every row ahead)."""
    unique = "x.key" if w.table == "game_standing" else "x.partner"
    return f"(SELECT x.{w.figure}, x.{w.at}, x.partner FROM {w.table} x WHERE {unique} = {{}}) m"


def _my_key(w: _Walk, partner_id: int):
    return f"{w.params[0]}:{partner_id}" if w.table == "game_standing" else partner_id


async def _walk_page(w: _Walk, offset: int, limit: int | None) -> list[dict]:
    tail = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    rows = await Standing.raw(
        f"SELECT {_cols(w)} {_joined(w)} WHERE {w.scope} AND s.{w.figure} > 0 "
        f"AND p.status = '{PartnerStatus.ACTIVE.value}' ORDER BY {_order(w)}{tail}", *w.params)
    return [dict(r, rank=offset + n + 1) for n, r in enumerate(rows)]


async def _walk_partner(w: _Walk, partner_id: int) -> list[dict]:
    active = f"p.status = '{PartnerStatus.ACTIVE.value}'"
    out = {r["partner"]: r for r in await _walk_page(w, 0, TOP)}
    mine = await Standing.raw(f"SELECT {_cols(w)} {_joined(w)} WHERE {w.scope} AND s.partner = {{}} "
                              f"AND s.{w.figure} > 0 AND {active}", *w.params, partner_id)
    if mine:
        me = (_my_key(w, partner_id),)
        counted = await Standing.raw(f"SELECT COUNT(*) AS n FROM {w.table} s, {_me(w)} WHERE {w.scope} "
                                     f"AND s.{w.figure} > 0 AND {_relative(w, True)}", *me, *w.params)
        marks = ", ".join("{}" for _ in _INACTIVE)
        gone = await Standing.raw(
            # CROSS JOIN: SQLite keeps this order, from the few inactive partners (partner.status index) out
            f"SELECT COUNT(*) AS n FROM {_me(w)} CROSS JOIN partner p CROSS JOIN {w.table} s "
            f"WHERE p.status IN ({marks}) AND s.partner = p.id AND {w.scope} AND s.{w.figure} > 0 "
            f"AND {_relative(w, True)}",
            *me, *_INACTIVE, *w.params)
        rank = 1 + int(counted[0]["n"]) - int(gone[0]["n"])
        out[partner_id] = dict(mine[0], rank=rank)
        for ahead in (True, False):
            near = await Standing.raw(
                f"SELECT {_cols(w)} {_joined(w)}, {_me(w)} WHERE {w.scope} AND s.{w.figure} > 0 AND {active} "
                f"AND {_relative(w, ahead)} ORDER BY {_order(w, reverse=ahead)} LIMIT {NEIGHBOURS}",
                *me, *w.params)
            for n, r in enumerate(near):
                out.setdefault(r["partner"], dict(r, rank=rank - n - 1 if ahead else rank + n + 1))
    return sorted(out.values(), key=lambda r: r["rank"])


async def partner_view(q: Query, partner_id: int, today: dt.date | None = None, walk_index: bool = True) -> Board:
    """Top 10, the partner's own row and its neighbours (±3), others' names masked unless they chose to show.
    ``walk_index=False`` ranks with the window query even when unfiltered (the tests compare the two)."""
    walk = await _walk_of(q, today) if walk_index else None
    if walk is not None:
        shown = [_row(r, partner_id) for r in await _walk_partner(walk, partner_id)]
        return Board(q, shown, me=next((r for r in shown if r["own"]), None), total=len(shown), masked=True)
    body, params = await _ranked_source(q, today)
    rows = await Standing.raw(
        f"WITH ranked AS ({body}), mine AS (SELECT rank FROM ranked WHERE partner = {{}}) "
        "SELECT * FROM ranked WHERE rank <= {} OR rank BETWEEN (SELECT rank FROM mine) - {} "
        "AND (SELECT rank FROM mine) + {} ORDER BY rank", *params, partner_id, TOP, NEIGHBOURS, NEIGHBOURS)
    shown = [_row(r, partner_id, _is_filtered(q)) for r in rows]
    me = next((r for r in shown if r["own"]), None)
    return Board(q, shown, me=me, total=len(shown), masked=True)


async def manager_view(q: Query, page: int = 1, per_page: int = PER_PAGE, today: dt.date | None = None,
                       walk_index: bool = True) -> Board:
    """Every ranked partner by name, a page at a time (per_page 0: all, for the export)."""
    walk = await _walk_of(q, today) if walk_index else None
    if walk is not None:
        offset = (max(1, page) - 1) * per_page if per_page > 0 else 0
        rows = await _walk_page(walk, offset, per_page + 1 if per_page > 0 else None)
        has_next = per_page > 0 and len(rows) > per_page
        rows = rows[:per_page] if per_page > 0 else rows
        return Board(q, [_row(r, None) for r in rows], total=len(rows), page=page, has_next=has_next, masked=False)
    body, params = await _ranked_source(q, today)
    limit = "" if per_page <= 0 else f" LIMIT {per_page + 1} OFFSET {(max(1, page) - 1) * per_page}"
    rows = await Standing.raw(f"WITH ranked AS ({body}) SELECT * FROM ranked ORDER BY rank{limit}", *params)
    has_next = per_page > 0 and len(rows) > per_page
    rows = rows[:per_page] if per_page > 0 else rows
    return Board(q, [_row(r, None) for r in rows], total=len(rows), page=page, has_next=has_next, masked=False)


async def filter_options() -> dict:
    from portal.accounts.regions import REGIONS
    from portal.gamification import tiers
    from portal.gamification.tables import Division

    levels = await Division.select(Division.level).distinct().where(
        Division.period == periods.current_span().code).order_by(Division.level)
    return {"regions": list(REGIONS), "tiers": await tiers.ladder(),
            "leagues": [r["level"] + 1 for r in levels], "recent": await periods.recent()}


# --- how a partner appears ---------------------------------------------------------------------------

async def shows_name(partner_id: int) -> bool:
    row = await BoardPrivacy.select(BoardPrivacy.show_name).where(BoardPrivacy.partner == partner_id).first()
    return bool(row and row["show_name"])


async def set_show_name(actor: Actor, partner_id: int, show: bool) -> None:
    """A partner admin's choice: appear on the boards by name, or masked. Audited; a repeat changes nothing."""
    async with write_transaction():
        before = await shows_name(partner_id)
        await BoardPrivacy.raw(
            "INSERT INTO game_board_privacy (partner, show_name, updated_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (partner) DO UPDATE SET show_name = excluded.show_name, updated_at = excluded.updated_at",
            partner_id, show, utcnow())
        if before != show:
            await audit.record(actor, "board_privacy", "partner", partner_id, {"show_name": before},
                               {"show_name": show})


def period_label_code(q: Query) -> str:
    return q.period if q.period == ROLLING or parse_code(q.period) else ""
