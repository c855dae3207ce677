"""Plans services: plan versions, the approved-sales summary, and fulfilment for partners and managers.

Owns the Plan and PlanSales tables. Subscribes to ClaimDecided and ClaimApprovalRevoked (after
rewards, in the same transaction) to keep PlanSales equal to the approved claims it summarises;
``verify_sales`` recomputes it from the claims. All arithmetic is in plans.calc.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from functools import lru_cache

from portal.accounts.roles import PartnerStatus
from portal.accounts.tables import Partner
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
from portal.claims.statuses import APPROVED, OPEN, SQL_OPEN
from portal.claims.tables import Claim
from portal.db import company_today, run_off_loop, utcnow, write_transaction
from portal.errors import NotFound, ValidationFailed
from portal.i18n import gettext as _
from portal.periods import services as periods
from portal.periods.calc import Span, parse_code, span_of
from portal.plans import calc
from portal.plans.forms import PlanData
from portal.plans.tables import Plan, PlanSales, PlanStamp
from portal.rewards.services import accrual_key_sql

OPEN_CLAIMS = OPEN


# --- the approved-sales summary ------------------------------------------------------------------

async def _bump(period: str) -> None:
    await PlanStamp.raw(
        "INSERT INTO plan_stamp (period, revision) VALUES ({}, 1) "
        "ON CONFLICT (period) DO UPDATE SET revision = plan_stamp.revision + 1", period)


async def _stamp(period: str) -> int:
    row = await PlanStamp.select(PlanStamp.revision).where(PlanStamp.period == period).first()
    return row["revision"] if row else 0


async def _claim_sales(claim_id: int) -> dict | None:
    rows = await Claim.raw(
        "SELECT c.partner, c.product, c.job_type, c.quantity, c.amount_kop, c.sold_on, "
        f"(SELECT amount FROM ledger_transfer WHERE key = {accrual_key_sql('c.id', 'points')}) AS points, "
        f"(SELECT amount FROM ledger_transfer WHERE key = {accrual_key_sql('c.id', 'kop')}) AS cash_kop "
        "FROM claim c WHERE c.id = {}", claim_id)
    return rows[0] if rows else None


def _sold_on(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


async def _add(claim_id: int, sign: int) -> None:
    row = await _claim_sales(claim_id)
    if row is None:
        return
    period = span_of(_sold_on(row["sold_on"]), periods.kind()).code
    item = f"p{row['product']}" if row["product"] is not None else f"j{row['job_type']}"
    values = [sign * int(row["quantity"]), sign * int(row["amount_kop"]), sign * int(row["points"] or 0),
              sign * int(row["cash_kop"] or 0), sign]
    await PlanSales.raw(
        "INSERT INTO plan_sales (key, partner, period, product, job_type, quantity, amount_kop, points, cash_kop, "
        "claims) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO UPDATE SET "
        "quantity = plan_sales.quantity + excluded.quantity, amount_kop = plan_sales.amount_kop + excluded.amount_kop, "
        "points = plan_sales.points + excluded.points, cash_kop = plan_sales.cash_kop + excluded.cash_kop, "
        "claims = plan_sales.claims + excluded.claims",
        f"{row['partner']}:{period}:{item}", row["partner"], period, row["product"], row["job_type"], *values)
    await _bump(period)


async def on_claim_decided(event: ClaimDecided) -> None:
    if event.status == APPROVED:
        await _add(event.claim_id, +1)


async def on_approval_revoked(event: ClaimApprovalRevoked) -> None:
    await _add(event.claim_id, -1)


_RECOMPUTE = (
    "SELECT c.partner, c.product, c.job_type, SUM(c.quantity) AS quantity, SUM(c.amount_kop) AS amount_kop, "
    "COALESCE(SUM(tp.amount), 0) AS points, COALESCE(SUM(tk.amount), 0) AS cash_kop, COUNT(*) AS claims "
    "FROM claim c "
    f"LEFT JOIN ledger_transfer tp ON tp.key = {accrual_key_sql('c.id', 'points')} "
    f"LEFT JOIN ledger_transfer tk ON tk.key = {accrual_key_sql('c.id', 'kop')} "
    f"WHERE c.status = '{APPROVED}' AND c.sold_on >= {{}} AND c.sold_on <= {{}} "
    "GROUP BY c.partner, c.product, c.job_type"
)


def _item_key(row: dict) -> str:
    return f"{row['partner']}:p{row['product']}" if row["product"] is not None else f"{row['partner']}:j{row['job_type']}"


async def verify_sales(code: str) -> list[str]:
    """Recompute the period's summary from the claims; the keys that differ (empty: all agree)."""
    span = parse_code(code)
    fresh = {_item_key(r): (r["quantity"], r["amount_kop"], r["points"], r["cash_kop"], r["claims"])
             for r in await Claim.raw(_RECOMPUTE, span.starts_on, span.ends_on)}
    kept = {_item_key(r): (r["quantity"], r["amount_kop"], r["points"], r["cash_kop"], r["claims"])
            for r in await PlanSales.select().where(PlanSales.period == code) if r["claims"] != 0}
    return sorted(k for k in fresh.keys() | kept.keys() if fresh.get(k) != kept.get(k))


async def rebuild_sales(code: str) -> int:
    """Replace the period's summary with one recomputed from the claims (repair and bulk loads), off the
    event loop: it reads and rewrites a whole period."""
    return await run_off_loop(_rebuild_sales, code)


async def _rebuild_sales(code: str) -> int:
    span = parse_code(code)
    async with write_transaction():
        await PlanSales.delete().where(PlanSales.period == code)
        rows = await Claim.raw(_RECOMPUTE, span.starts_on, span.ends_on)
        for start in range(0, len(rows), 500):  # bounded statements: SQLite caps the number of parameters
            await PlanSales.insert(*[PlanSales(
                key=f"{r['partner']}:{code}:" + (f"p{r['product']}" if r["product"] is not None else f"j{r['job_type']}"),
                partner=r["partner"], period=code, product=r["product"], job_type=r["job_type"],
                quantity=r["quantity"], amount_kop=r["amount_kop"], points=r["points"], cash_kop=r["cash_kop"],
                claims=r["claims"]) for r in rows[start:start + 500]])
        await _bump(code)
    return len(rows)


# "+ 0": an expression has no declared type, so SQLite hands back plain ints without running the ORM's
# per-value converters (16k rows × 6 columns on the manager table). PostgreSQL returns the same values.
_SALES = ("SELECT s.partner + 0 AS partner, s.product + 0 AS product, COALESCE(p.category, '') AS category, "
          "s.quantity + 0 AS quantity, s.amount_kop + 0 AS amount_kop, s.points + 0 AS points, "
          "s.cash_kop + 0 AS cash_kop, s.claims + 0 AS claims "
          "FROM plan_sales s LEFT JOIN product p ON p.id = s.product WHERE s.period = {}")


def _fold(rows, into: dict[int, dict[calc.Item, calc.Sums]]) -> None:
    Item, Sums = calc.Item, calc.Sums
    for r in rows:
        item = Item(r["product"], r["category"])
        mine = into.get(r["partner"])
        if mine is None:
            mine = into[r["partner"]] = {}
        add = Sums(r["quantity"], r["amount_kop"], r["points"], r["cash_kop"], r["claims"])
        mine[item] = mine[item] + add if item in mine else add


async def sales_of(partner_id: int, code: str) -> dict[calc.Item, calc.Sums]:
    out: dict[int, dict] = {}
    _fold(await PlanSales.raw(_SALES + " AND s.partner = {}", code, partner_id), out)
    return out.get(partner_id, {})


async def sales_lines(code: str) -> dict[int, list[dict]]:
    """Per partner, the period's approved sales per product or job, named: the lines of the acts."""
    rows = await PlanSales.raw(
        "SELECT s.partner + 0 AS partner, s.quantity + 0 AS quantity, s.amount_kop + 0 AS amount_kop, "
        "s.points + 0 AS points, s.cash_kop + 0 AS cash_kop, "
        "COALESCE(p.name || ' (' || p.sku || ')', j.name, '') AS name "
        "FROM plan_sales s LEFT JOIN product p ON p.id = s.product LEFT JOIN job_type j ON j.id = s.job_type "
        "WHERE s.period = {} AND s.claims > 0 ORDER BY s.partner, name", code)
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["partner"], []).append(r)
    return out


async def cash_accrued_by_partner(code: str) -> dict[int, int]:
    """The cash the period's approved sales accrued, per partner (what the close moves to payable)."""
    rows = await PlanSales.raw(
        "SELECT partner + 0 AS partner, SUM(cash_kop) AS cash FROM plan_sales WHERE period = {} "
        "GROUP BY partner HAVING SUM(cash_kop) > 0", code)
    return {r["partner"]: int(r["cash"]) for r in rows}


async def cash_accrued_by_period() -> dict[str, int]:
    rows = await PlanSales.raw("SELECT period, SUM(cash_kop) AS cash FROM plan_sales GROUP BY period")
    return {r["period"]: int(r["cash"] or 0) for r in rows}


async def awaiting_of(partner_id: int, span: Span) -> dict[calc.Item, calc.Sums]:
    """Submitted claims not yet decided, with the points today's rules would give them."""
    from portal.rewards import calc as rewards_calc
    from portal.rewards.services import current_rules

    rows = await Claim.raw(
        "SELECT c.product, COALESCE(p.category, '') AS category, c.job_type, c.quantity, c.amount_kop, c.sold_on, "
        "pa.partner_group FROM claim c LEFT JOIN product p ON p.id = c.product JOIN partner pa ON pa.id = c.partner "
        f"WHERE c.partner = {{}} AND c.status IN {SQL_OPEN} AND c.sold_on >= {{}} AND c.sold_on <= {{}}",
        partner_id, span.starts_on, span.ends_on)
    rules = await current_rules() if rows else []
    out: dict[calc.Item, calc.Sums] = {}
    for r in rows:
        work = rewards_calc.Work(partner_id, r["partner_group"] or "", r["product"], r["category"], r["job_type"],
                                 r["quantity"], r["amount_kop"], _sold_on(r["sold_on"]))
        earned = {rule["unit"]: rewards_calc.reward(rule, work) for rule in rewards_calc.best_rules(rules, work)}
        item = calc.Item(r["product"], r["category"])
        add = calc.Sums(r["quantity"], r["amount_kop"], earned.get("points", 0), earned.get("kop", 0), 1)
        out[item] = out[item] + add if item in out else add
    return out


# --- plans ---------------------------------------------------------------------------------------

def _decode(row: dict) -> dict:
    targets = row["targets"]
    row["targets"] = json.loads(targets) if isinstance(targets, str) else targets
    return row


def targets_of(plan: dict) -> tuple[calc.Target, ...]:
    return tuple(calc.Target.from_dict(t) for t in plan["targets"])


@lru_cache(maxsize=4096)
def _parsed_targets(text: str) -> tuple[calc.Target, ...]:
    """Plans copied from one template share their JSON text: parse it once (Targets are immutable)."""
    return tuple(calc.Target.from_dict(t) for t in json.loads(text))


async def _new_version(actor: Actor, data: PlanData, plan_key: str | None, partner_id: int | None, group: str,
                       batch: str = "") -> int:
    version, before = 1, None
    if plan_key:
        current = await Plan.select().where((Plan.plan_key == plan_key) & Plan.superseded_at.is_null()).first()
        if current is None:
            raise NotFound()
        await periods.refuse_if_closed(current["period"])
        version = current["version"] + 1
        before = {"version": current["version"], "name": current["name"], "targets": _decode(current)["targets"]}
        await Plan.update({Plan.superseded_at: utcnow()}).where(Plan.id == current["id"])
    key = plan_key or secrets.token_hex(6)
    targets = [t.to_dict() for t in data.targets]
    rows = await Plan.insert(Plan(
        plan_key=key, version=version, version_key=f"{key}:{version}", period=data.period, name=data.name,
        partner=partner_id, partner_group="" if partner_id else group, targets=json.dumps(targets, ensure_ascii=False),
        batch=batch, created_by=actor.id)).returning(Plan.id)
    await _bump(data.period)
    await audit.record(actor, "plan.versioned" if plan_key else "plan.created", "plan", key, before=before,
                       after={"version": version, "period": data.period, "name": data.name, "partner": partner_id,
                              "group": group, "targets": targets})
    return rows[0]["id"]


async def _own_plan_key(partner_id: int, period: str) -> str | None:
    row = await Plan.select(Plan.plan_key).where(
        (Plan.partner == partner_id) & (Plan.period == period) & Plan.superseded_at.is_null()).first()
    return row["plan_key"] if row else None


async def save_plan(actor: Actor, data: PlanData, plan_key: str | None = None) -> int:
    """A new plan (for a partner or a group), or a new version of one. Refused once its period closed.
    The plan's period, partner and group stay as they were when editing."""
    async with write_transaction():
        await periods.refuse_if_closed(data.period)
        await periods.ensure(parse_code(data.period))
        if plan_key:
            current = await Plan.select(Plan.partner, Plan.partner_group, Plan.period).where(
                (Plan.plan_key == plan_key) & Plan.superseded_at.is_null()).first()
            if current is None:
                raise NotFound()
            data = PlanData(data.name, current["period"], data.audience, current["partner"], current["partner_group"],
                            "", "", "", data.targets)
            return await _new_version(actor, data, plan_key, current["partner"], current["partner_group"])
        if data.audience == "partner":
            if not await Partner.exists().where(Partner.id == data.partner_id):
                raise ValidationFailed({"partner_id": _("Choose a partner.")})
            existing = await _own_plan_key(data.partner_id, data.period)  # one plan per partner and period
            return await _new_version(actor, data, existing, data.partner_id, "")
        existing = await Plan.select(Plan.plan_key).where(
            Plan.partner.is_null() & (Plan.partner_group == data.partner_group) & (Plan.period == data.period)
            & Plan.superseded_at.is_null()).first()
        return await _new_version(actor, data, existing["plan_key"] if existing else None, None, data.partner_group)


async def copy_plan(actor: Actor, data: PlanData) -> int:
    """The template copied to every active partner matching the filter, in one transaction. A partner
    that already has a plan for the period gets a new version of it. Returns how many partners."""
    query = Partner.select(Partner.id).where(Partner.status == PartnerStatus.ACTIVE.value)
    if data.copy_type:
        query = query.where(Partner.partner_type == data.copy_type)
    if data.copy_region:
        query = query.where(Partner.region == data.copy_region)
    if data.copy_group:
        query = query.where(Partner.partner_group == data.copy_group)
    batch = secrets.token_hex(6)
    async with write_transaction():
        await periods.refuse_if_closed(data.period)
        await periods.ensure(parse_code(data.period))
        partner_ids = [r["id"] for r in await query]
        for pid in partner_ids:
            await _new_version(actor, data, await _own_plan_key(pid, data.period), pid, "", batch=batch)
        await audit.record(actor, "plan.copied", "plan_batch", batch,
                           after={"period": data.period, "partners": len(partner_ids), "type": data.copy_type,
                                  "region": data.copy_region, "group": data.copy_group})
    return len(partner_ids)


async def plans_in(period: str) -> list[dict]:
    rows = await Plan.raw(
        "SELECT pl.*, pa.legal_name AS partner_name FROM plan pl LEFT JOIN partner pa ON pa.id = pl.partner "
        "WHERE pl.period = {} AND pl.superseded_at IS NULL ORDER BY pl.partner_group, pa.legal_name", period)
    return [_decode(r) for r in rows]


async def plan_versions(plan_key: str) -> list[dict]:
    rows = await Plan.select().where(Plan.plan_key == plan_key).order_by(Plan.version)
    return [_decode(r) for r in rows]


async def plan_for(partner_id: int, partner_group: str, period: str) -> dict | None:
    """The partner's own plan for the period, else its group's; None if it has neither."""
    rows = await Plan.raw(
        "SELECT * FROM plan WHERE period = {} AND superseded_at IS NULL AND "
        "(partner = {} OR (partner IS NULL AND partner_group <> '' AND partner_group = {})) "
        "ORDER BY partner IS NULL LIMIT 1", period, partner_id, partner_group or "")
    return _decode(rows[0]) if rows else None


# --- fulfilment ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PartnerFulfilment:
    span: Span
    plan: dict | None
    progress: calc.PlanProgress
    status: str


async def fulfilment_of(partner_id: int, today: dt.date | None = None, code: str | None = None,
                        partner_group: str | None = None) -> PartnerFulfilment:
    """A partner's plan for the current (or given) period, evaluated on its approved sales."""
    today = today or company_today()
    span = parse_code(code) if code else periods.current_span(today)
    if partner_group is None:
        group = await Partner.select(Partner.partner_group).where(Partner.id == partner_id).first()
        partner_group = group["partner_group"] if group else ""
    plan = await plan_for(partner_id, partner_group, span.code)
    if plan is None:
        return PartnerFulfilment(span, None, calc.PlanProgress(()), periods.OPEN)
    progress = calc.evaluate_plan(targets_of(plan), await sales_of(partner_id, span.code), span, today,
                                  await awaiting_of(partner_id, span))
    return PartnerFulfilment(span, plan, progress, await periods.status_of(span.code))


@dataclass(frozen=True)
class TableRow:
    partner_id: int
    legal_name: str
    region: str
    partner_group: str
    plan_key: str
    plan_name: str
    progress: calc.PlanProgress


@dataclass(frozen=True)
class FulfilmentTable:
    span: Span
    rows: list[TableRow]
    total: int
    page: int
    has_next: bool
    regions: list[str]
    groups: list[str]


SORTS = {
    "pct": lambda r: (r.progress.weakest_pct_bp, r.legal_name),
    "forecast": lambda r: (r.progress.weakest_forecast_bp, r.legal_name),
    "name": lambda r: (r.legal_name,),
    "bonus": lambda r: (r.progress.bonus_kop, r.progress.bonus_points, r.legal_name),
}


@dataclass
class _Snapshot:
    """One worker's evaluated fulfilment of a period, valid while the period's stamp is unchanged."""

    stamp: int
    today: dt.date
    own: dict
    by_group: dict
    sales: dict
    memo: dict  # partner id -> (plan row id, that partner's sales, PlanProgress)


_snapshots: dict[str, _Snapshot] = {}


async def _snapshot(code: str, span: Span, today: dt.date) -> _Snapshot:
    stamp = await _stamp(code)  # read before the data: data newer than its stamp only causes a reload
    snap = _snapshots.get(code)
    if snap is not None and snap.stamp == stamp and snap.today == today:
        return snap
    plans = await Plan.raw(
        "SELECT id, plan_key, name, partner, partner_group, targets FROM plan "
        "WHERE period = {} AND superseded_at IS NULL", code)
    sales: dict[int, dict] = {}
    _fold(await PlanSales.raw(_SALES, code), sales)
    memo = snap.memo if snap is not None and snap.today == today else {}
    fresh = _Snapshot(stamp, today, {p["partner"]: p for p in plans if p["partner"] is not None},
                      {p["partner_group"]: p for p in plans if p["partner"] is None}, sales, memo)
    _snapshots[code] = fresh
    return fresh


async def evaluate_all(code: str, today: dt.date | None = None) -> tuple[Span, list[TableRow]]:
    """Every active partner that has a plan for the period, evaluated by calc.evaluate_plan: the manager
    table, its export and the period close read this. Its cost does not depend on the number of claims;
    a partner is re-evaluated only when its plan version or its sales changed."""
    span = parse_code(code)
    today = today or company_today()
    partners = await Partner.raw(
        f"SELECT id, legal_name, region, partner_group FROM partner WHERE status = '{PartnerStatus.ACTIVE.value}' "
        "ORDER BY id")
    snap = await _snapshot(code, span, today)
    rows = []
    for partner in partners:
        pid = partner["id"]
        plan = snap.own.get(pid) or (snap.by_group.get(partner["partner_group"]) if partner["partner_group"] else None)
        if plan is None:
            continue
        mine = snap.sales.get(pid, {})
        kept = snap.memo.get(pid)
        if kept is not None and kept[0] == plan["id"] and kept[1] == mine:
            progress = kept[2]
        else:
            text = plan["targets"]
            targets = _parsed_targets(text if isinstance(text, str) else json.dumps(text, ensure_ascii=False))
            progress = calc.evaluate_plan(targets, mine, span, today)
            snap.memo[pid] = (plan["id"], mine, progress)
        rows.append(TableRow(pid, partner["legal_name"], partner["region"], partner["partner_group"] or "",
                             plan["plan_key"], plan["name"], progress))
    return span, rows


async def fulfilment_table(code: str, region: str = "", group: str = "", at_risk: bool = False, sort: str = "pct",
                           descending: bool = False, page: int = 1, per_page: int = 50,
                           today: dt.date | None = None) -> FulfilmentTable:
    span, rows = await evaluate_all(code, today)
    regions = sorted({r.region for r in rows})
    groups = sorted({r.partner_group for r in rows if r.partner_group})
    if region:
        rows = [r for r in rows if r.region == region]
    if group:
        rows = [r for r in rows if r.partner_group == group]
    if at_risk:
        rows = [r for r in rows if r.progress.at_risk]
    rows.sort(key=SORTS.get(sort, SORTS["pct"]), reverse=descending)
    page = max(1, page)
    chunk = rows[(page - 1) * per_page: page * per_page + 1] if per_page else rows
    return FulfilmentTable(span, chunk[:per_page] if per_page else chunk, len(rows), page,
                           bool(per_page) and len(chunk) > per_page, regions, groups)


@dataclass(frozen=True)
class WhatIf:
    target: calc.Target
    before: calc.TargetProgress
    after: calc.TargetProgress


async def what_if(partner_id: int, partner_group: str, sold_on: dt.date, item: calc.Item, add: calc.Sums,
                  today: dt.date | None = None) -> list[WhatIf]:
    """How one more sale would move the partner's plan for the period it falls in (the claim form's
    "what you will earn"): each target before and after, by the same function as the dashboard."""
    span = span_of(sold_on, periods.kind())
    plan = await plan_for(partner_id, partner_group, span.code)
    if plan is None:
        return []
    today = today or company_today()
    sales = await sales_of(partner_id, span.code)
    after = dict(sales)
    after[item] = after[item] + add if item in after else add
    return [WhatIf(t, calc.evaluate_target(t, sales, span, today), calc.evaluate_target(t, after, span, today))
            for t in targets_of(plan)]
