"""The manager's engagement page: one section per question (active partners, tiers, tier moves, and what the
other parts of the game add), each a table, a bar chart drawn on the server and a CSV/XLSX export.

A section is data: ``SECTIONS`` lists ``(key, loader)``; a loader returns a ``Section``. The badges and
contests parts append theirs in portal/wiring.py (one line each), and the page, the chart and the export
serve them with no other change. Reads only: every figure comes from the game's own small tables
(``game_tier_earned``, ``game_partner_tier``, ``game_tier_move``), never from a scan of the claims.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from portal.db import read as db_read
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.roles import PartnerStatus


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = "#3b6ea5"


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # translated
    note: str  # translated: what the figures mean
    headers: list[str]  # translated
    rows: list[list]  # plain values (ints are numbers in the export)
    bars: list[Bar] = field(default_factory=list)


SectionLoader = Callable[[], Awaitable[Section]]


async def _active_partners() -> int:
    rows = await db_read("SELECT COUNT(*) AS n FROM partner WHERE status = {}", PartnerStatus.ACTIVE.value)
    return int(rows[0]["n"])


def _months(span) -> list[str]:
    from portal.gamification.tiers import month_of, months_back

    last = month_of(span.ends_on)
    first = month_of(span.starts_on)
    months = [last]
    while months[-1] != first:
        months.append(months_back(months[-1], 1))
    return months


async def active() -> Section:
    """Partners with at least one approved registration that earned points, in each of the last six periods."""
    from portal.periods import services as periods

    span = periods.current_span()
    spans = [span]
    for _i in range(5):
        spans.append(spans[-1].previous())
    total = await _active_partners()
    rows, bars = [], []
    for s in reversed(spans):
        months = _months(s)
        marks = ", ".join("{}" for _m in months)
        found = await db_read(f"SELECT COUNT(DISTINCT partner) AS n FROM game_tier_earned WHERE month IN ({marks}) "
                              "AND points > 0", *months)
        count = int(found[0]["n"])
        rows.append([s.code, count, total, round(count * 100 / total, 1) if total else 0.0])
        bars.append(Bar(s.code, count))
    return Section("active", _("Active partners"),
                   _("Partners with at least one approved registration that earned points in the period, out of "
                     "the active partners now."),
                   [_("Period"), _("Active partners"), _("All partners"), _("Share of partners")], rows, bars)


async def tiers() -> Section:
    """How many active partners hold each tier now (partners who never earned hold the base tier)."""
    from portal.gamification import tiers as tier_service
    from portal.gamification.labels import tier_label

    ladder = await tier_service.ladder()
    base = tier_service.base(ladder)
    counts = {r["tier"]: int(r["n"]) for r in await db_read(
        "SELECT t.tier, COUNT(*) AS n FROM game_partner_tier t JOIN partner p ON p.id = t.partner "
        "WHERE p.status = {} GROUP BY t.tier", PartnerStatus.ACTIVE.value)}
    total = await _active_partners()
    if base is not None:
        counts[base["code"]] = counts.get(base["code"], 0) + total - sum(counts.values())
    rows, bars = [], []
    for tier in reversed(ladder):
        n = counts.get(tier["code"], 0)
        rows.append([tier_label(tier), tier["threshold_points"], n, round(n * 100 / total, 1) if total else 0.0])
        bars.append(Bar(tier_label(tier), n, tier["colour"]))
    if counts.get("", 0):
        rows.append([_("No tier"), 0, counts[""], round(counts[""] * 100 / total, 1) if total else 0.0])
        bars.append(Bar(_("No tier"), counts[""], "#999999"))
    return Section("tiers", _("Tier distribution"), _("Active partners on each tier now."),
                   [_("Tier"), _("Threshold, points"), _("Partners"), _("Share of partners")], rows, bars)


async def moves() -> Section:
    """Tier moves at the last closed period: downgrades made at its close and upgrades during it."""
    from portal.gamification import tiers as tier_service
    from portal.gamification.labels import TIER_MOVE_LABELS, tier_label

    last = await db_read("SELECT code FROM period WHERE status = 'closed' ORDER BY ends_on DESC LIMIT 1")
    code = last[0]["code"] if last else ""
    names = {t["code"]: tier_label(t) for t in await tier_service.ladder()}
    found = await db_read(
        "SELECT from_tier, to_tier, direction, COUNT(*) AS n FROM game_tier_move WHERE period = {} "
        "GROUP BY from_tier, to_tier, direction ORDER BY direction DESC, from_tier, to_tier", code) if code else []
    rows, bars = [], []
    for r in found:
        label = f"{names.get(r['from_tier'], r['from_tier']) or '—'} → {names.get(r['to_tier'], r['to_tier']) or '—'}"
        rows.append([code, label, _(TIER_MOVE_LABELS[r["direction"]]), int(r["n"])])
        bars.append(Bar(label, int(r["n"]), "#2e7d32" if r["direction"] == "up" else "#c62828"))
    note = _("Moves in period %(code)s: upgrades during it and downgrades at its close.", code=code) if code else \
        _("No period has been closed yet.")
    return Section("moves", _("Tier moves at the last close"), note,
                   [_("Period"), _("Move"), _("Direction"), _("Partners")], rows, bars)


async def badges() -> Section:
    """How many partners hold each badge (a badge earned once per period counts its partner once)."""
    from portal.gamification.labels import badge_name

    found = await db_read(
        "SELECT r.code, r.name_ru, r.name_en, r.colour, r.active, COUNT(DISTINCT a.partner) AS n "
        "FROM game_badge_rule r LEFT JOIN game_badge_award a ON a.rule = r.id "
        "GROUP BY r.id, r.code, r.name_ru, r.name_en, r.colour, r.active, r.position ORDER BY r.position, r.id")
    total = await _active_partners()
    rows, bars = [], []
    for r in found:
        n = int(r["n"])
        rows.append([badge_name(r), n, round(n * 100 / total, 1) if total else 0.0])
        bars.append(Bar(badge_name(r), n, r["colour"] or "#3b6ea5"))
    return Section("badges", _("Badge distribution"), _("Partners holding each badge, out of the active partners."),
                   [_("Badge"), _("Partners"), _("Share of partners")], rows, bars)


async def contests() -> Section:
    """Each running or recently closed contest: partners with a result, and how many were paid an award."""
    found = await db_read(
        "SELECT g.id, g.name, g.status, "
        "(SELECT COUNT(*) FROM game_contest_standing s WHERE s.contest = g.id AND s.value > 0) AS playing, "
        "(SELECT COUNT(DISTINCT a.partner) FROM game_contest_award a WHERE a.contest = g.id) AS awarded "
        "FROM game_contest g WHERE g.status IN ('running', 'closing', 'closed') ORDER BY g.ends_at DESC LIMIT 12")
    total = await _active_partners()
    rows, bars = [], []
    for r in found:
        playing = int(r["playing"])
        rows.append([r["name"], playing, int(r["awarded"]), round(playing * 100 / total, 1) if total else 0.0])
        bars.append(Bar(r["name"], playing))
    return Section("contests", _("Contest participation"),
                   _("Partners with a result in each running or recent contest, and how many won an award."),
                   [_("Contest"), _("Partners with a result"), _("Partners awarded"), _("Share of partners")],
                   rows, bars)


# The page's sections, in order.
SECTIONS: list[tuple[str, SectionLoader]] = [("active", active), ("tiers", tiers), ("moves", moves),
                                             ("badges", badges), ("contests", contests)]
SECTION_TITLES = {"active": N_("Active partners"), "tiers": N_("Tier distribution"),
                  "moves": N_("Tier moves at the last close"), "badges": N_("Badge distribution"),
                  "contests": N_("Contest participation")}


async def sections() -> list[Section]:
    return [await load() for _key, load in SECTIONS]


async def section(key: str) -> Section | None:
    for k, load in SECTIONS:
        if k == key:
            return await load()
    return None


def chart(section: Section, width: int = 360, bar_height: int = 20, gap: int = 6, label_width: int = 130) -> dict:
    """The geometry of a horizontal bar chart for the template to draw as SVG (no JS, no inline style)."""
    top = max([b.value for b in section.bars] + [1])
    span = width - label_width - 50
    bars = [{"label": b.label, "value": b.value, "colour": b.colour, "y": i * (bar_height + gap),
             "w": max(1, round(b.value * span / top)) if b.value else 0} for i, b in enumerate(section.bars)]
    return {"width": width, "height": max(1, len(bars)) * (bar_height + gap), "bar_height": bar_height,
            "label_width": label_width, "bars": bars}
