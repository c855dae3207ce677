"""Contests: time-boxed competitions a manager defines, kept incrementally and closed by the scheduler.

Owns Contest, ContestStanding, ContestEntry and ContestAward. Never writes a balance: awards go through
the ledger under ``keys.contest_award`` (UNIQUE), so they are paid once whoever closes and however often.

What counts. A claim counts in a running contest when it was *registered* (submitted in the portal, its
``created_at``) inside the contest's dates (company time zone) and is approved while the contest is still
running, including after its last day, until the scheduler closes it. An approval after the close does not
count, nor does a revocation after the close take anything back: the standings were frozen. Each counted
claim is one ContestEntry with the figure it added, so a revocation takes back exactly that figure.

Eligibility (regions, partner types, tiers, league levels) is checked when an approval comes in, against the
partner as it is then; the league is the partner's division in the period the contest starts in.

Ties. Partners with the same figure are ordered by the time they reached it (``reached_at``, the approval that
made the current figure; after a revocation, the latest remaining approval), earlier first; then by partner id.
The same rule as the leaderboard. Only partners with a figure above zero take places.

Close (``close_contest``), resumable at every step:
1. freeze: in one transaction the contest moves running -> closing, each standing gets its place and every award
   is written as a ContestAward row (UNIQUE key). A second closer is refused by the status compare-and-set.
2. pay: batch after batch, one transaction each, the unpaid awards are claimed (``UPDATE … WHERE paid_at IS NULL
   RETURNING``), posted with ``post_batch`` under their cause keys and their winners notified. A kill midway rolls
   back only the batch in flight; a re-run pays what is left. A concurrent closer finds the rows already claimed.
3. publish: closing -> closed; the results page shows the frozen standings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from portal.accounts.tables import Partner
from portal.audit import services as audit
from portal.audit.services import SYSTEM, Actor
from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
from portal.claims.statuses import APPROVED
from portal.db import company_today, is_sqlite, utcnow, write, write_transaction
from portal.errors import Conflict, DomainError, NotFound, ValidationFailed
from portal.gamification import board, leagues, slots, tiers
from portal.gamification.standings import base_points
from portal.gamification.tables import Contest, ContestAward, ContestEntry, ContestStanding
from portal.i18n import N_
from portal.ledger import keys
from portal.ledger import services as ledger
from portal.notifications.services import notify_partners
from portal.periods import services as periods
from portal.settings import get_settings
from portal.workflow import Refused, Workflow

DRAFT, RUNNING, CLOSING, CLOSED, CANCELLED = "draft", "running", "closing", "closed", "cancelled"
STATUS_LABELS = {DRAFT: N_("Draft"), RUNNING: N_("Running"), CLOSING: N_("Closing"), CLOSED: N_("Closed"),
                 CANCELLED: N_("Cancelled")}
METRICS = ("units", "revenue", "points")
SCOPES = ("all", "category", "products")
UNITS = ("points", "kop")  # what a threshold award pays
PLACE_UNITS = ("points", "kop", "prize")  # a place award may also be a catalogue prize (amount: its id)
MAX_PLACES = 3
METRIC_LABELS = {"units": N_("Units sold"), "revenue": N_("Revenue"), "points": N_("Points earned")}
UNIT_LABELS = {"points": N_("points"), "kop": N_("money"), "prize": N_("a prize from the catalogue")}


def figure_text(value: int, metric: str) -> str:
    """A contest figure as the partner reads it: units, roubles or points."""
    from portal.i18n import format_money, format_points

    return format_money(value) if metric == "revenue" else format_points(value)

FLOW = Workflow(Contest, {
    "start": ((DRAFT,), RUNNING),
    "close": ((RUNNING,), CLOSING),
    "publish": ((CLOSING,), CLOSED),
    "cancel": ((DRAFT, RUNNING), CANCELLED),
})


class ContestRefused(Conflict):
    """Guards the workflow: a contest moves only along FLOW."""


# --- dates -----------------------------------------------------------------------------------------

def bounds(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The contest's days (company time zone) as a UTC interval [start, end)."""
    zone = ZoneInfo(get_settings().app.timezone)
    start = dt.datetime.combine(starts_on, dt.time.min, tzinfo=zone).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone).astimezone(dt.timezone.utc)
    return start, end


def _decode(row: dict) -> dict:
    for name, empty in (("eligibility", {}), ("places", [])):
        value = row.get(name)
        if isinstance(value, str):
            row[name] = json.loads(value) if value else empty
    return row


# --- defining ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContestData:
    name: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    regions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    leagues: tuple[int, ...] = ()
    metric: str = "units"
    scope: str = "all"
    scope_value: str = ""
    threshold: int = 0
    threshold_unit: str = "points"
    threshold_amount: int = 0
    places: tuple[tuple[str, int], ...] = ()  # (unit, amount) from the 1st place down; a prize: (prize, its id)

    def columns(self, prize_names: dict[int, str] | None = None) -> dict:
        start, end = bounds(self.starts_on, self.ends_on)
        return {
            "name": self.name, "description": self.description, "starts_on": self.starts_on,
            "ends_on": self.ends_on, "starts_at": start, "ends_at": end,
            "eligibility": json.dumps({"regions": list(self.regions), "types": list(self.types),
                                       "tiers": list(self.tiers), "leagues": list(self.leagues)}, ensure_ascii=False),
            "metric": self.metric, "scope": self.scope, "scope_value": self.scope_value,
            "threshold": self.threshold, "threshold_unit": self.threshold_unit,
            "threshold_amount": self.threshold_amount,
            "places": json.dumps([{"unit": u, "amount": a} | ({"name": (prize_names or {}).get(a, "")} if u == "prize"
                                                              else {}) for u, a in self.places], ensure_ascii=False),
        }


async def _prize_names(data: ContestData) -> dict[int, str]:
    """The catalogue prizes the place awards name (read-only); a prize that does not exist is a form error."""
    ids = [a for u, a in data.places if u == "prize"]
    if not ids:
        return {}
    rows = await write("SELECT id, name FROM prize WHERE id IN (" + ", ".join(["{}"] * len(ids)) + ")", *ids)
    names = {r["id"]: r["name"] for r in rows}
    missing = [n for n, (u, a) in enumerate(data.places, start=1) if u == "prize" and a not in names]
    if missing:
        from portal.i18n import gettext

        raise ValidationFailed({f"p{missing[0]}_amount": gettext("No prize in the catalogue has this number.")})
    return names


async def create(actor: Actor, data: ContestData) -> int:
    async with write_transaction():
        columns = data.columns(await _prize_names(data))
        rows = await Contest.insert(Contest(**columns, created_by=actor.id)).returning(Contest.id)
        await audit.record(actor, "contest.created", "contest", rows[0]["id"], after=columns)
    return rows[0]["id"]


async def update(actor: Actor, contest_id: int, data: ContestData) -> None:
    """A draft is edited freely; once it runs its rules are fixed (the partners play by them)."""
    async with write_transaction():
        row = await Contest.select(Contest.status).where(Contest.id == contest_id).first()
        if row is None:
            raise NotFound()
        if row["status"] != DRAFT:
            raise ContestRefused(N_("Only a draft contest can be edited."))
        columns = data.columns(await _prize_names(data))
        await Contest.update({getattr(Contest, k): v for k, v in columns.items()}).where(
            (Contest.id == contest_id) & (Contest.status == DRAFT))
        await audit.record(actor, "contest.edited", "contest", contest_id, after=columns)


async def set_status(actor: Actor, contest_id: int, action: str, values: dict | None = None) -> str:
    """Move a contest along FLOW (inside the caller's transaction, or its own). Audited."""
    async with write_transaction():
        try:
            moved = await FLOW.move(contest_id, action, values=values)
        except Refused as exc:
            raise ContestRefused(N_("This contest is %(status)s: it cannot be changed that way."),
                                 status=exc.current.get("status")) from exc
        await audit.record(actor, f"contest.{action}", "contest", contest_id,
                           before={"status": moved.old}, after={"status": moved.new})
    return moved.new


async def start(actor: Actor, contest_id: int) -> None:
    await set_status(actor, contest_id, "start")


async def cancel(actor: Actor, contest_id: int) -> None:
    await set_status(actor, contest_id, "cancel")


async def get(contest_id: int) -> dict:
    row = await Contest.select().where(Contest.id == contest_id).first()
    if row is None:
        raise NotFound()
    return _decode(row)


async def all_contests() -> list[dict]:
    return [_decode(r) for r in await Contest.select().order_by(Contest.starts_on, ascending=False)]


# --- eligibility and what counts -----------------------------------------------------------------------

async def eligible(contest: dict, partner: dict) -> bool:
    """Whether the partner (a row with id, region, partner_type) may play the contest."""
    rules = contest["eligibility"] or {}
    if rules.get("regions") and partner["region"] not in rules["regions"]:
        return False
    if rules.get("types") and partner["partner_type"] not in rules["types"]:
        return False
    if rules.get("tiers"):
        held = await tiers.effective(partner["id"])  # the base tier for a partner with no tier row yet
        if (held or {}).get("code", "") not in rules["tiers"]:
            return False
    if rules.get("leagues"):
        period = periods.current_span(_as_date(contest["starts_on"])).code
        placed = (await leagues.division_of([partner["id"]], period)).get(partner["id"])
        if placed is None or placed["level"] not in rules["leagues"]:
            return False
    return True


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _products(contest: dict) -> set[int]:
    return {int(p) for p in str(contest["scope_value"]).replace(" ", "").split(",") if p.isdigit()}


def figure(contest: dict, claim: dict) -> int:
    """What one approved claim adds to the contest's measure (0: it is outside the contest's products)."""
    if contest["scope"] == "category" and (claim["category"] or "") != contest["scope_value"]:
        return 0
    if contest["scope"] == "products" and claim["product"] not in _products(contest):
        return 0
    if contest["metric"] == "units":
        return int(claim["quantity"])
    if contest["metric"] == "revenue":
        return int(claim["amount_kop"])
    return int(claim["points"] or 0)


# --- progress, in the decisions' transactions ------------------------------------------------------

def _share_lock() -> str:
    """PostgreSQL: an approval holds the contest rows it counts in FOR SHARE, so the close's status move (an
    UPDATE) waits for it and the frozen standings include it; approvals do not block each other. SQLite: the
    IMMEDIATE transaction already serialises the writers."""
    return "" if is_sqlite() else " FOR SHARE"


async def on_claim_decided(event: ClaimDecided) -> None:
    if event.status != APPROVED:
        return
    claim = (await write(
        "SELECT c.id, c.partner, c.product, c.quantity, c.amount_kop, c.created_at, "
        "COALESCE(p.category, '') AS category FROM claim c LEFT JOIN product p ON p.id = c.product "
        "WHERE c.id = {}", event.claim_id) or [None])[0]
    if claim is None:
        return
    running = await write(
        "SELECT * FROM game_contest WHERE status = {} AND starts_at <= {} AND ends_at > {}" + _share_lock(),
        RUNNING, claim["created_at"], claim["created_at"])
    if not running:
        return
    contests = [_decode(dict(r)) for r in running]
    if any(c["metric"] == "points" for c in contests):
        # the accrual of the claim's current approval (its number: the approvals in its history)
        approvals = (f"(SELECT COUNT(*) FROM claim_event e WHERE e.claim = c.id AND e.to_status = '{APPROVED}' "
                     f"AND e.from_status <> '{APPROVED}')")
        points = await write("SELECT t.amount, t.detail FROM claim c JOIN ledger_transfer t ON t.key = "
                             f"{keys.claim_accrual_sql('c.id', 'points', approvals)} WHERE c.id = {{}}", claim["id"])
        claim["points"] = base_points(points[0]["amount"], points[0]["detail"]) if points else 0
    partner = (await write("SELECT id, region, partner_type FROM partner WHERE id = {}", claim["partner"]))[0]
    now = utcnow()
    for contest in contests:
        value = figure(contest, claim)
        if value <= 0 or not await eligible(contest, partner):
            continue
        added = await write(
            "INSERT INTO game_contest_entry (key, contest, partner, claim, value, approved_at) "
            "VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
            f"{contest['id']}:{claim['id']}", contest["id"], claim["partner"], claim["id"], value, now)
        if not added:
            continue  # this approval was already counted
        await write(
            "INSERT INTO game_contest_standing (key, contest, partner, value, claims, reached_at) "
            "VALUES ({}, {}, {}, {}, 1, {}) ON CONFLICT (key) DO UPDATE SET "
            "value = game_contest_standing.value + excluded.value, claims = game_contest_standing.claims + 1, "
            "reached_at = excluded.reached_at",
            f"{contest['id']}:{claim['partner']}", contest["id"], claim["partner"], value, now)


async def on_approval_revoked(event: ClaimApprovalRevoked) -> None:
    """Take back what the claim added to the contests still running; closed ones keep their frozen figures."""
    entries = await write(
        "SELECT e.id, e.contest, e.partner, e.value FROM game_contest_entry e JOIN game_contest g ON g.id = e.contest "
        "WHERE e.claim = {} AND g.status = {}" + ("" if is_sqlite() else " FOR SHARE OF g"), event.claim_id, RUNNING)
    for e in entries:
        await write("DELETE FROM game_contest_entry WHERE id = {}", e["id"])
        await write(
            "UPDATE game_contest_standing SET value = value - {}, claims = claims - 1, reached_at = "
            "(SELECT MAX(x.approved_at) FROM game_contest_entry x WHERE x.contest = {} AND x.partner = {}) "
            "WHERE key = {}", e["value"], e["contest"], e["partner"], f"{e['contest']}:{e['partner']}")


async def recompute(contest_id: int) -> dict[int, tuple[int, int]]:
    """Each partner's (figure, claims) summed afresh from the contest's entries: the check that the kept
    standings equal their parts."""
    rows = await ContestEntry.raw(
        "SELECT partner + 0 AS partner, SUM(value) AS value, COUNT(*) AS claims FROM game_contest_entry "
        "WHERE contest = {} GROUP BY partner", contest_id)
    return {r["partner"]: (int(r["value"]), int(r["claims"])) for r in rows}


# --- standings ---------------------------------------------------------------------------------------

_ORDER = "s.value DESC, s.reached_at ASC, s.partner ASC"


async def standings(contest_id: int, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Ranked (place from 1), ties by the earlier time of reaching the figure; frozen places once closed."""
    sql = ("SELECT s.partner + 0 AS partner, s.value + 0 AS value, s.claims + 0 AS claims, s.reached_at, s.place, "
           "p.legal_name, p.region FROM game_contest_standing s JOIN partner p ON p.id = s.partner "
           f"WHERE s.contest = {{}} AND s.value > 0 ORDER BY {_ORDER}")
    args: list = [contest_id]
    if limit is not None:
        sql += " LIMIT {} OFFSET {}"
        args += [limit, offset]
    rows = await ContestStanding.raw(sql, *args)
    for n, r in enumerate(rows, start=offset + 1):
        r["rank"] = r["place"] or n
    return rows


async def standing_of(contest_id: int, partner_id: int) -> dict | None:
    """The partner's own figure and rank (rank computed with one indexed count, not a scan of the table)."""
    mine = await ContestStanding.select().where(ContestStanding.key == f"{contest_id}:{partner_id}").first()
    if mine is None or mine["value"] <= 0:
        return None
    if mine["place"] is None:
        ahead = await ContestStanding.raw(
            "SELECT COUNT(*) AS n FROM game_contest_standing s WHERE s.contest = {} AND s.value > 0 AND "
            "(s.value > {} OR (s.value = {} AND (s.reached_at < {} OR (s.reached_at = {} AND s.partner < {}))))",
            contest_id, mine["value"], mine["value"], mine["reached_at"], mine["reached_at"], partner_id)
        mine["rank"] = int(ahead[0]["n"]) + 1
    else:
        mine["rank"] = mine["place"]
    return mine


def award_for(contest: dict, value: int, place: int | None) -> list[tuple[str, str, int]]:
    """(award, unit, amount) a figure and place earn: the threshold award and/or a place award."""
    out = []
    if contest["threshold"] > 0 and value >= contest["threshold"] and contest["threshold_amount"] > 0:
        out.append(("threshold", contest["threshold_unit"], int(contest["threshold_amount"])))
    places = contest["places"] or []
    if place is not None and place <= len(places) and int(places[place - 1]["amount"]) > 0:
        out.append((f"place{place}", places[place - 1]["unit"], int(places[place - 1]["amount"])))
    return out


def award_text(award: dict) -> str:
    """An award as people read it: "1st place: 10 000 points", "threshold: 1 500,00 ₽"."""
    from portal.i18n import gettext

    prize = award["prize_name"] if award["unit"] == "prize" else prize_text(award["unit"], int(award["amount"]))
    if award["award"] == "threshold":
        return gettext("Figure reached: %(prize)s", prize=prize)
    return gettext("Place %(place)s: %(prize)s", place=award["place"], prize=prize)


async def public_top(contest_id: int, partner_id: int, limit: int = 10) -> list[dict]:
    """The top of the standings as a partner may see it: places and figures, other partners by number only."""
    return [{"rank": r["rank"], "value": r["value"], "is_me": r["partner"] == partner_id,
             "number": board.pseudonym(r["partner"])} for r in await standings(contest_id, limit)]


async def awards_of(contest_id: int, partner_id: int | None = None) -> list[dict]:
    query = ContestAward.select().where(ContestAward.contest == contest_id)
    if partner_id is not None:
        query = query.where(ContestAward.partner == partner_id)
    return await query.order_by(ContestAward.id)


# --- the close ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CloseResult:
    contest_id: int
    status: str
    awards: int  # awards written at the freeze (0 when this run found them frozen already)
    paid: int  # awards this run paid


# Called after each paid batch; tests set it to kill the close midway.
after_batch: Callable[[int], None] | None = None


async def _freeze(contest_id: int, now: dt.datetime) -> int | None:
    """running -> closing with places and awards written, in one transaction. None if it was not running."""
    async with write_transaction():
        row = await Contest.select(Contest.status, Contest.ends_at).where(Contest.id == contest_id).first()
        if row is None:
            raise NotFound()
        if row["status"] != RUNNING or row["ends_at"] > now:
            return None
        try:  # the compare-and-set: of two closers, one freezes
            await set_status(SYSTEM, contest_id, "close")
        except ContestRefused:
            return None
        contest = await get(contest_id)
        ranked = await ContestStanding.raw(
            "SELECT s.partner + 0 AS partner, s.value + 0 AS value FROM game_contest_standing s "
            f"WHERE s.contest = {{}} AND s.value > 0 ORDER BY {_ORDER}", contest_id)
        prizes = {p["amount"]: p.get("name", "") for p in contest["places"] if p["unit"] == "prize"}
        prices = {r["id"]: int(r["points"]) for r in await write(
            "SELECT id, points FROM prize WHERE id IN (" + ", ".join(["{}"] * len(prizes)) + ")", *prizes)} \
            if prizes else {}
        awards = []
        for place, r in enumerate(ranked, start=1):
            for award, unit, amount in award_for(contest, r["value"], place):
                prize = amount if unit == "prize" else None
                if prize is not None:  # its price in points is credited, then the order reserves it
                    amount = prices.get(prize, 0)
                awards.append((keys.contest_award(contest_id, r["partner"], award), contest_id, r["partner"], award,
                               place if award.startswith("place") else None, unit, amount, prize,
                               prizes.get(prize, "") if prize else ""))
        for start in range(0, len(ranked), 500):
            chunk = ranked[start:start + 500]
            pairs = [v for n, r in enumerate(chunk, start=start + 1) for v in (f"{contest_id}:{r['partner']}", n)]
            await write(  # joined on the UNIQUE key: one index lookup per row
                "WITH d(key, place) AS (VALUES " + ", ".join(["(CAST({} AS VARCHAR), CAST({} AS INTEGER))"] * len(chunk))
                + ") UPDATE game_contest_standing SET place = d.place FROM d WHERE game_contest_standing.key = d.key",
                *pairs)
        for start in range(0, len(awards), 500):
            chunk = awards[start:start + 500]
            await write("INSERT INTO game_contest_award (key, contest, partner, award, place, unit, amount, prize, "
                        "prize_name) VALUES " + ", ".join(["({}, {}, {}, {}, {}, {}, {}, {}, {})"] * len(chunk))
                        + " ON CONFLICT (key) DO NOTHING",
                        *[v for a in chunk for v in a])
        await audit.record(SYSTEM, "contest.frozen", "contest", contest_id,
                           after={"ranked": len(ranked), "awards": len(awards)})
        return len(awards)


_AWARDED = N_("Contest «%(contest)s»: you won %(prize)s.")


async def _pay_batch(contest_id: int, name: str, batch: int) -> int:
    """Claim up to ``batch`` unpaid awards and post them, in one transaction. 0: nothing left."""
    async with write_transaction() as txn:
        claimed = await write(
            "UPDATE game_contest_award SET paid_at = {} WHERE id IN (SELECT id FROM game_contest_award "
            "WHERE contest = {} AND paid_at IS NULL ORDER BY id LIMIT {}) AND paid_at IS NULL "
            "RETURNING id, key, partner, award, place, unit, amount, prize, prize_name", utcnow(), contest_id, batch)
        if not claimed:
            return 0
        specs = []
        for a in claimed:
            debit, credit = ((None, "cash_issued"), (a["partner"], "cash_payable")) if a["unit"] == "kop" \
                else ((None, "points_issued"), (a["partner"], ledger.AVAILABLE))
            specs.append(ledger.Spec(a["key"], debit, credit, int(a["amount"]), "contest_award",
                                     {"contest": contest_id, "award": a["award"], "name": name}))
        await ledger.post_batch(specs)
        for a in claimed:
            if a["unit"] == "prize":
                await _order_prize(txn, a)
        await notify_partners([
            (a["partner"], "contest.awarded", _AWARDED,
             {"contest": name, "prize": a["prize_name"] if a["unit"] == "prize"
              else prize_text(a["unit"], int(a["amount"]))}, f"/contests/{contest_id}")
            for a in claimed])
        return len(claimed)


async def _order_prize(txn, award: dict) -> None:
    """Order the won prize for the partner (reserving the points just credited). If it cannot be ordered (out of
    stock, no address), the savepoint drops the attempt and the partner keeps the points to order it later."""
    savepoint = await txn.savepoint()
    try:
        order_id = await slots.catalog.place_award_order(award["partner"], award["key"], award["prize"])
    except DomainError:
        await savepoint.rollback_to()
        return
    await write("UPDATE game_contest_award SET order_id = {} WHERE id = {}", order_id, award["id"])


def prize_text(unit: str, amount: int, name: str = "") -> str:
    from portal.i18n import format_money, format_points, gettext, ngettext

    if unit == "prize":
        return name or gettext("Prize No. %(n)s", n=amount)

    if unit == "points":
        return ngettext("%(num)s point", "%(num)s points", amount, num=format_points(amount))
    return format_money(amount)


async def close_contest(contest_id: int, now: dt.datetime | None = None, batch: int = 1000) -> CloseResult:
    """Freeze, pay and publish a contest whose end has passed. Safe to run again, concurrently, or after a
    kill at any point: each step finds where the last one stopped."""
    now = now or utcnow()
    frozen = await _freeze(contest_id, now)
    contest = await get(contest_id)
    if contest["status"] != CLOSING:
        return CloseResult(contest_id, contest["status"], frozen or 0, 0)
    paid = 0
    while (n := await _pay_batch(contest_id, contest["name"], batch)):
        paid += n
        if after_batch is not None:
            after_batch(paid)
    if await ContestAward.exists().where((ContestAward.contest == contest_id) & ContestAward.paid_at.is_null()):
        # Another closer holds the rest in its open batch (on PostgreSQL this one's batch came back empty
        # while it waited): that closer publishes, or, killed, rolls back and the next run pays and publishes.
        return CloseResult(contest_id, CLOSING, frozen or 0, paid)
    try:
        await set_status(SYSTEM, contest_id, "publish", values={Contest.closed_at: utcnow()})
    except ContestRefused:
        pass  # another closer published it
    return CloseResult(contest_id, (await get(contest_id))["status"], frozen or 0, paid)


async def close_due(now: dt.datetime | None = None) -> list[CloseResult]:
    """Every contest whose end has passed and that is not closed yet (the scheduler's job)."""
    now = now or utcnow()
    due = await Contest.select(Contest.id).where(
        Contest.status.is_in([RUNNING, CLOSING]) & (Contest.ends_at <= now)).order_by(Contest.id)
    return [await close_contest(r["id"], now) for r in due]


# --- what partners see ---------------------------------------------------------------------------------

async def _partner(partner_id: int) -> dict | None:
    return await Partner.select(Partner.id, Partner.region, Partner.partner_type).where(
        Partner.id == partner_id).first()


async def visible_to(partner_id: int, contest_id: int) -> dict:
    """The contest if the partner may see it: eligible for a running one, or in its standings. Else NotFound."""
    contest = await get(contest_id)
    if contest["status"] in (DRAFT, CANCELLED):
        raise NotFound()
    if await ContestStanding.exists().where(ContestStanding.key == f"{contest_id}:{partner_id}"):
        return contest
    partner = await _partner(partner_id)
    if partner is None or not await eligible(contest, partner):
        raise NotFound()
    return contest


RECENT_RESULTS_DAYS = 14


async def panel(partner_id: int) -> dict | None:
    """The dashboard panel: the running contests the partner plays (with a progress bar), and the results of
    those closed in the last two weeks. Only the partner's own figures: kept pages stay right (the standings are
    partner-scoped rows, and places are written for every ranked partner at the close)."""
    since = utcnow() - dt.timedelta(days=RECENT_RESULTS_DAYS)
    rows = await Contest.raw(
        "SELECT * FROM game_contest WHERE status IN ({}, {}) OR (status = {} AND closed_at >= {}) "
        "ORDER BY ends_at", RUNNING, CLOSING, CLOSED, since)
    if not rows:
        return None
    partner = await _partner(partner_id)
    if partner is None:
        return None
    mine = {r["contest"]: r for r in await ContestStanding.select().where(
        (ContestStanding.partner == partner_id) & ContestStanding.contest.is_in([r["id"] for r in rows]))}
    shown = []
    for contest in map(_decode, rows):
        own = mine.get(contest["id"])
        if own is None and (contest["status"] == CLOSED or not await eligible(contest, partner)):
            continue
        value = own["value"] if own else 0
        goal = contest["threshold"] or 0
        shown.append({"contest": contest, "value": value, "place": own["place"] if own else None,
                      "pct": min(100, value * 100 // goal) if goal else None})
    return {"contests": shown} if shown else None


async def partner_contests(partner_id: int) -> list[dict]:
    """Every contest the partner plays or played (the partner's contest list)."""
    partner = await _partner(partner_id)
    rows = await Contest.raw("SELECT * FROM game_contest WHERE status NOT IN ({}, {}) ORDER BY ends_at DESC",
                             DRAFT, CANCELLED)
    played = {r["contest"] for r in await ContestStanding.select(ContestStanding.contest).where(
        ContestStanding.partner == partner_id)}
    out = []
    for contest in map(_decode, rows):
        if contest["id"] in played or (contest["status"] == RUNNING and partner and await eligible(contest, partner)):
            out.append(contest)
    return out


def today() -> dt.date:
    return company_today()
