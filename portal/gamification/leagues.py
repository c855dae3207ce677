"""Leagues: divisions of similar-size partners per season (a period), promotion and relegation at close.

- A season's divisions are stored in ``Division``/``DivisionMember`` (one division per level, level 0 the
  top league). The first season is seeded (``seed_season``: the ``league_seed`` job or ``premia game
  seed-leagues``): active partners sorted by last period's revenue (approved sales, kopecks) or, by the
  ``game_league_rules.grouping`` setting, by tier, are cut into divisions of ``division_size``.
- A division ranks its members by points earned in the season (``metric`` setting: or % of plan), ties by
  the earlier time of reaching the figure (standings.py). The place is kept in the member's standing row
  (``league_place``) and rewritten, in the decision's transaction, for every member whose place changed: a
  partner's kept dashboard moves when someone overtakes them.
- At period close (``PeriodClosed``) the top ``move`` of each division go up a level and the bottom
  ``move`` down for the next season (``DivisionMember.moved``); partners new to the program join the
  lowest league. A ``game_league_season`` row per season (UNIQUE period) makes this happen once.

Other parts of the game (contests' eligibility) only read through ``division_of()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.roles import PartnerStatus
from portal.accounts.tables import Partner
from portal.db import is_sqlite, utcnow, write_transaction
from portal.gamification import tiers
from portal.gamification.tables import Division, DivisionMember, LeagueRules, LeagueSeason, Standing
from portal.periods import services as periods
from portal.periods.calc import parse_code
from portal.periods.events import PeriodClosed

ORDER = {
    "points": "s.points DESC, s.points_at ASC, s.partner ASC",
    "pct": "s.pct_bp DESC, s.pct_at ASC, s.partner ASC",
}


def stamp(value):
    """A timestamp for raw SQL: SQLite keeps text, so one fixed-width ISO form makes text order time order."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00") if is_sqlite() else value


@dataclass(frozen=True)
class Rules:
    grouping: str = "revenue"
    division_size: int = 30
    move: int = 3
    metric: str = "points"


async def rules() -> Rules:
    row = await LeagueRules.select().first()
    if row is None:
        return Rules()
    return Rules(row["grouping"] if row["grouping"] in ("revenue", "tier") else "revenue",
                 max(2, row["division_size"]), max(0, row["move"]),
                 row["metric"] if row["metric"] in ORDER else "points")


async def division_of(partner_ids: list[int], period: str) -> dict[int, dict]:
    """Each placed partner's division in the season: {partner: {"division", "level", "name"}}."""
    if not partner_ids:
        return {}
    rows = await DivisionMember.select(
        DivisionMember.partner, DivisionMember.division, DivisionMember.division.level.as_alias("level"),
        DivisionMember.division.name.as_alias("name"),
    ).where(DivisionMember.partner.is_in(list(partner_ids)), DivisionMember.period == period)
    return {r["partner"]: {"division": r["division"], "level": r["level"], "name": r["name"]} for r in rows}


# --- places inside a division ----------------------------------------------------------------------

async def _ranked(division_id: int, metric: str) -> list[dict]:
    return await Standing.raw(
        f"SELECT s.key, s.partner, s.league_place, ROW_NUMBER() OVER (ORDER BY {ORDER[metric]}) AS place "
        "FROM game_division_member m JOIN game_standing s ON s.key = m.key WHERE m.division = {} "
        f"ORDER BY {ORDER[metric]}", division_id)


async def rerank(division_id: int, metric: str | None = None) -> int:
    """Write the places of a division's members whose place changed (one statement); how many changed."""
    metric = metric or (await rules()).metric
    rows = await Standing.raw(
        "UPDATE game_standing SET league_place = r.place FROM ("
        f"SELECT s.key, ROW_NUMBER() OVER (ORDER BY {ORDER[metric]}) AS place FROM game_division_member m "
        "JOIN game_standing s ON s.key = m.key WHERE m.division = {}) r "
        "WHERE game_standing.key = r.key AND game_standing.league_place <> r.place RETURNING game_standing.id",
        division_id)
    return len(rows)


async def lock_division_of(partner_id: int, code: str) -> int | None:
    """The partner's division in the season, locked for this transaction (PostgreSQL): decisions in one
    division re-rank it one after the other, each seeing the others' committed figures. Taken before the
    partner's standing row is written, so two decisions never wait for each other's rows."""
    row = await DivisionMember.select(DivisionMember.division).where(DivisionMember.key == f"{code}:{partner_id}").first()
    if row is None:
        return None
    if not is_sqlite():
        await Division.raw("SELECT id FROM game_division WHERE id = {} FOR UPDATE", row["division"])
    return row["division"]


# --- making seasons ------------------------------------------------------------------------------

async def _claim_season(code: str, source: str) -> bool:
    rows = await LeagueSeason.raw(
        "INSERT INTO game_league_season (period, source, made_at) VALUES ({}, {}, {}) "
        "ON CONFLICT (period) DO NOTHING RETURNING id", code, source, stamp(utcnow()))
    return bool(rows)


async def _place(code: str, levels: list[list[tuple[int, str]]]) -> int:
    """Make the season's divisions, one per level, with their members [(partner, moved)], and rank them."""
    placed = 0
    now = stamp(utcnow())
    for level, members in enumerate(levels):
        if not members:
            continue
        division = (await Division.insert(Division(period=code, level=level, number=1, name=f"Лига {level + 1}"))
                    .returning(Division.id))[0]["id"]
        for start in range(0, len(members), 150):  # bounded statements: SQLite caps the parameters
            chunk = members[start:start + 150]
            await DivisionMember.insert(*[DivisionMember(key=f"{code}:{pid}", division=division, partner=pid,
                                                         period=code, moved=moved) for pid, moved in chunk])
            values = ", ".join("({}, {}, {}, 0, {}, 0, {}, 0)" for _ in chunk)
            params = [v for pid, _moved in chunk for v in (f"{code}:{pid}", pid, code, now, now)]
            await Standing.raw(
                "INSERT INTO game_standing (key, partner, period, points, points_at, pct_bp, pct_at, league_place) "
                f"VALUES {values} ON CONFLICT (key) DO NOTHING", *params)
        await rerank(division)
        placed += len(members)
    return placed


def _cut(ordered: list[int], size: int) -> list[list[int]]:
    """Divisions of ``size``; a last one under half the size joins the one above."""
    chunks = [ordered[i:i + size] for i in range(0, len(ordered), size)]
    if len(chunks) > 1 and len(chunks[-1]) * 2 < size:
        chunks[-2].extend(chunks.pop())
    return chunks


async def _active_partners() -> list[int]:
    rows = await Partner.select(Partner.id).where(Partner.status == PartnerStatus.ACTIVE.value).order_by(Partner.id)
    return [r["id"] for r in rows]


async def _size_order(partner_ids: list[int], code: str, grouping: str) -> list[int]:
    """Largest first: by last period's approved revenue, or by tier then the 12-month points it rests on."""
    if grouping == "tier":
        tier_of = await tiers.tier_of(partner_ids)
        ladder = {t["code"]: t["position"] for t in await tiers.ladder()}
        return sorted(partner_ids, key=lambda p: (-ladder.get(tier_of.get(p, ""), -1), p))
    previous = parse_code(code).previous().code
    rows = await Standing.raw("SELECT partner, SUM(amount_kop) AS revenue FROM plan_sales WHERE period = {} "
                              "GROUP BY partner", previous)
    revenue = {r["partner"]: int(r["revenue"] or 0) for r in rows}
    return sorted(partner_ids, key=lambda p: (-revenue.get(p, 0), p))


async def seed_season(code: str | None = None) -> int:
    """Make the divisions of a season that has none yet (the first season); 0 if it already has them."""
    code = code or periods.current_span().code
    async with write_transaction():
        active = await _active_partners()
        if not active or not await _claim_season(code, "seed"):
            return 0
        r = await rules()
        ordered = await _size_order(active, code, r.grouping)
        return await _place(code, [[(p, "") for p in chunk] for chunk in _cut(ordered, r.division_size)])


def moves(ranked: list[int], move: int, level: int, bottom_level: int) -> tuple[list[int], list[int], list[int]]:
    """(up, stay, down) of a division ranked best first: at most ``move`` each way, never overlapping;
    the top league has no way up and the lowest no way down."""
    n = min(move, len(ranked) // 2)
    up = ranked[:n] if level > 0 else []
    down = ranked[len(ranked) - n:] if level < bottom_level and n else []
    stay = [p for p in ranked if p not in set(up) | set(down)]
    return up, stay, down


async def close_season(code: str) -> int:
    """Promote and relegate the season's divisions into the next season's; once per season."""
    divisions = await Division.select(Division.id, Division.level).where(Division.period == code).order_by(
        Division.level)
    if not divisions:
        return 0
    following = parse_code(code).next().code
    async with write_transaction():
        if not await _claim_season(following, "close"):
            return 0
        r = await rules()
        bottom = max(d["level"] for d in divisions)
        levels: list[list[tuple[int, str]]] = [[] for _ in range(bottom + 1)]
        seen: set[int] = set()
        for d in divisions:
            ranked = [row["partner"] for row in await _ranked(d["id"], r.metric)]
            seen.update(ranked)
            up, stay, down = moves(ranked, r.move, d["level"], bottom)
            levels[d["level"]].extend((p, "") for p in stay)
            if up:
                levels[d["level"] - 1].extend((p, "up") for p in up)
            if down:
                levels[d["level"] + 1].extend((p, "down") for p in down)
        active = await _active_partners()
        still = set(active)
        levels = [[(p, m) for p, m in members if p in still] for members in levels]
        levels[-1].extend((p, "") for p in active if p not in seen)
        return await _place(following, levels)


async def on_period_closed(event: PeriodClosed) -> None:
    await close_season(event.code)


# --- the partner's panel ---------------------------------------------------------------------------

async def panel(partner_id: int) -> dict | None:
    """The dashboard's league panel: the division, the place, its size and the zone; None outside leagues."""
    code = periods.current_span().code
    rows = await Standing.raw(
        "SELECT d.id AS division, d.level, s.league_place, "
        "(SELECT COUNT(*) FROM game_division_member x WHERE x.division = d.id) AS size, "
        "(SELECT MAX(level) FROM game_division y WHERE y.period = d.period) AS bottom "
        "FROM game_division_member m JOIN game_division d ON d.id = m.division "
        "JOIN game_standing s ON s.key = m.key WHERE m.key = {}", f"{code}:{partner_id}")
    if not rows:
        return None
    row = rows[0]
    r = await rules()
    size, place, level = int(row["size"]), int(row["league_place"]), int(row["level"])
    n = min(r.move, size // 2)
    zone = "stay"
    if level > 0 and n and place <= n:
        zone = "up"
    elif level < int(row["bottom"]) and n and place > size - n:
        zone = "down"
    moved = await DivisionMember.select(DivisionMember.moved).where(DivisionMember.key == f"{code}:{partner_id}").first()
    return {"level": level, "league": level + 1, "place": place, "size": size, "zone": zone, "period": code,
            "metric": r.metric, "moved": moved["moved"] if moved else ""}
