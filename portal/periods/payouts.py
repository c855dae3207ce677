"""Payout registers: the cash each partner is owed for a closed period, paid exactly once.

A line's amount is what the period's close moved into the partner's cash_payable (accrued cash and cash
plan bonuses), read from those ledger transfers, so the register total is the sum of payable lines by
construction. Marking a line paid posts cash_payable -> cash_paid with a numbered key; marking it unpaid
reverses that transfer; marking it paid again posts the next number. A compare-and-set on the line's status
makes each change happen once, so paid twice or paid -> unpaid -> paid never pays twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from portal import exports, workflow
from portal.accounts.tables import Partner
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import write_transaction
from portal.errors import Conflict, DomainError, NotFound
from portal.i18n import N_, gettext as _
from portal.ledger import keys
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.notifications.services import notify_partner
from portal.settings import get_settings
from portal.periods import services as periods
from portal.periods.statuses import APPROVED, DRAFT, LINE_LABELS, LINE_MOVES, OPEN, PAID
from portal.periods.tables import PayoutEvent, PayoutLine, PayoutRegister

FLOW = workflow.Workflow(PayoutLine, LINE_MOVES)
MOVES = LINE_MOVES
BANK_FIELDS = ("bank_name", "bik", "settlement_account")


class NoBankDetails(DomainError):
    status_code = 409
    msgid = N_("%(name)s has no bank details (bank, BIK, account): add them to the partner's card before "
               "approving the payout.")


def missing_bank_details(line: dict) -> bool:
    return not all((line.get(f) or "").strip() for f in BANK_FIELDS)


def _utc_span(code: str) -> tuple[dt.datetime, dt.datetime]:
    """The period's days (company time zone) as a UTC interval [start, end)."""
    span = periods.span_for(code)
    if span is None:
        raise NotFound()
    zone = ZoneInfo(get_settings().app.timezone)
    start = dt.datetime.combine(span.starts_on, dt.time.min, tzinfo=zone).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(span.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone).astimezone(dt.timezone.utc)
    return start, end


def _company_day(moment) -> dt.date:
    if isinstance(moment, str):  # SQLite hands raw timestamps back as text
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(ZoneInfo(get_settings().app.timezone)).date()


async def _payable_of_period(code: str) -> dict[int, int]:
    """What the period owes each partner: the cash its close made payable (sales and plan bonuses), and cash
    prizes paid straight to payable during the period (contest awards: they have no sale to wait for)."""
    start, end = _utc_span(code)
    rows = await Transfer.raw(
        "SELECT t.partner + 0 AS partner, SUM(t.amount) AS amount FROM ledger_transfer t "
        "WHERE t.unit = 'kop' AND ((t.kind IN ('payable', 'plan_bonus') AND (t.key LIKE {} OR t.key LIKE {})) "
        "OR (t.kind = 'contest_award' AND t.created_at >= {} AND t.created_at < {})) "
        "AND NOT EXISTS (SELECT 1 FROM ledger_transfer r WHERE r.reverses = t.id) GROUP BY t.partner",
        *keys.period_payable_patterns(code), start, end)
    return {r["partner"]: int(r["amount"]) for r in rows if r["amount"]}


async def build_register(code: str, actor: Actor) -> int:
    """Create the period's register (draft) or add lines it lacks; existing lines are never changed."""
    async with write_transaction():
        await PayoutRegister.raw("INSERT INTO payout_register (period, status, created_at) "
                                 "VALUES ({}, {}, CURRENT_TIMESTAMP) ON CONFLICT (period) DO NOTHING", code, DRAFT)
        register = await PayoutRegister.select().where(PayoutRegister.period == code).first()
        owed = await _payable_of_period(code)
        have = {r["partner"] for r in await PayoutLine.select(PayoutLine.partner).where(
            PayoutLine.register == register["id"])}
        missing = [pid for pid in owed if pid not in have]
        partners = {r["id"]: r for r in await Partner.select(
            Partner.id, Partner.legal_name, Partner.inn, Partner.bank_name, Partner.bik, Partner.settlement_account
        ).where(Partner.id.is_in(missing))} if missing else {}
        for start in range(0, len(missing), 500):
            await PayoutLine.insert(*[PayoutLine(
                key=f"{code}:{pid}", register=register["id"], partner=pid, amount_kop=owed[pid], status=DRAFT,
                legal_name=partners[pid]["legal_name"], inn=partners[pid]["inn"], bank_name=partners[pid]["bank_name"],
                bik=partners[pid]["bik"], settlement_account=partners[pid]["settlement_account"])
                for pid in missing[start:start + 500]])
        if missing:
            await audit.record(actor, "payout_register.built", "payout_register", code,
                               after={"lines_added": len(missing), "total_added": sum(owed[p] for p in missing)})
    return len(missing)


async def _refresh_status(register_id: int) -> None:
    statuses = {r["status"] for r in await PayoutLine.select(PayoutLine.status).where(
        PayoutLine.register == register_id).distinct()}
    status = PAID if statuses == {PAID} else APPROVED if statuses and statuses <= {APPROVED, PAID} else DRAFT
    await PayoutRegister.update({PayoutRegister.status: status}).where(PayoutRegister.id == register_id)


async def _bank_details_of(line: dict) -> dict:
    """The line's bank details; a line built before the partner gave them takes them from the partner's card."""
    if not missing_bank_details(line):
        return {}
    partner = await Partner.select(*[getattr(Partner, f) for f in BANK_FIELDS]).where(
        Partner.id == line["partner"]).first()
    if partner is None or missing_bank_details(partner):
        raise NoBankDetails(name=line["legal_name"])
    return {getattr(PayoutLine, f): partner[f] for f in BANK_FIELDS}


async def set_status(actor: Actor, line_id: int, action: str) -> str:
    """The one way a payout line changes status (see ``LINE_MOVES``): compare-and-set, the money through the
    ledger exactly once, the event row, the audit entry and the partner's notice, in one transaction.
    Approving needs the partner's bank details."""
    if action not in LINE_MOVES:
        raise NotFound()
    async with write_transaction():
        values = {}
        if action in ("approve", "pay"):  # never money sent to nowhere, nor a partner told it was sent
            line = await PayoutLine.select().where(PayoutLine.id == line_id).first()
            if line is None:
                raise NotFound()
            if FLOW.allows(action, line["status"]):
                values = await _bank_details_of(line)
        if action == "pay":
            # Numbered in the UPDATE itself: a pay after an unpay racing another posts the next number, once.
            values[PayoutLine.payments] = PayoutLine.payments + 1
        try:
            moved = await FLOW.move(line_id, action, values=values)
        except workflow.Refused as refused:
            raise Conflict(N_("This line is already “%(status)s”."),
                           status=_(LINE_LABELS[refused.current["status"]])) from None
        line = moved.after
        transfer_id = None
        if action == "pay":
            posted = await ledger.transfer(keys.payout(line["key"], line["payments"]),  # numbered by the UPDATE
                                           (line["partner"], "cash_payable"), (line["partner"], "cash_paid"),
                                           line["amount_kop"], "payout", {"line": line_id, "register": line["register"]},
                                           actor.id)
            transfer_id = posted.id
            await notify_partner(line["partner"], "payout.paid", N_("A payout of %(amount)s was sent to your bank account."),
                                 {"amount": line["amount_kop"]}, link="/acts")
        elif action == "unpay":
            paid = await Transfer.select(Transfer.id).where(
                Transfer.key == keys.payout(line["key"], line["payments"])).first()
            transfer_id = (await ledger.reverse(paid["id"], "payment returned", actor.id)).id
        await PayoutEvent.insert(PayoutEvent(line=line_id, from_status=moved.old, to_status=moved.new,
                                             actor_id=actor.id, transfer_id=transfer_id))
        await audit.record(actor, f"payout_line.{action}", "payout_line", line_id, before={"status": moved.old},
                           after={"status": moved.new, "transfer": transfer_id})
        await _refresh_status(line["register"])
    return moved.new


move_line = set_status


async def move_lines(actor: Actor, line_ids: list[int], action: str) -> tuple[int, list[str]]:
    done, problems = 0, []
    for line_id in line_ids:
        try:
            await move_line(actor, line_id, action)
            done += 1
        except (DomainError, ledger.LedgerError) as exc:
            problems.append(f"#{line_id}: {exc.message}")
    return done, problems


@dataclass(frozen=True)
class Register:
    register: dict | None
    lines: list[dict]

    @property
    def total(self) -> int:
        return sum(l["amount_kop"] for l in self.lines)

    @property
    def without_bank_details(self) -> int:
        return sum(1 for l in self.lines if l.get("no_bank_details"))

    def total_of(self, status: str) -> int:
        return sum(l["amount_kop"] for l in self.lines if l["status"] == status)


async def register_of(code: str) -> Register:
    register = await PayoutRegister.select().where(PayoutRegister.period == code).first()
    if register is None:
        return Register(None, [])
    lines = await PayoutLine.select().where(PayoutLine.register == register["id"]).order_by(PayoutLine.legal_name)
    gaps = {l["partner"] for l in lines if missing_bank_details(l) and l["status"] != PAID}
    if gaps:  # the partner may have given them since the line was built: approving takes them then
        given = {p["id"] for p in await Partner.select(Partner.id, *[getattr(Partner, f) for f in BANK_FIELDS]).where(
            Partner.id.is_in(list(gaps))) if not missing_bank_details(p)}
        gaps -= given
    for l in lines:
        l["no_bank_details"] = l["partner"] in gaps
    return Register(register, lines)


COLUMNS = (N_("Partner"), N_("INN"), N_("Bank"), N_("BIK"), N_("Account"), N_("Amount, roubles"), N_("Status"))


def render(fmt: str, reg: Register) -> tuple[bytes, str]:
    """The register as CSV or XLSX, amounts in roubles as numbers (CSV: "1234,56"), with its total."""
    rows = [[l["legal_name"], l["inn"], l["bank_name"], l["bik"], l["settlement_account"],
             exports.rubles(l["amount_kop"]), _(LINE_LABELS[l["status"]])] for l in reg.lines]
    total = [_("Total"), "", "", "", "", exports.rubles(reg.total), ""]
    return exports.render(fmt, "payouts", [_(c) for c in COLUMNS], rows, total)


async def finance_summary() -> list[dict]:
    """Per period: cash accrued (approved sales, plan bonuses and cash prizes), payable on the register, and paid."""
    from portal.periods.slots import plans

    accrued = await plans.cash_accrued_by_period()
    bonus = {}
    for r in await Transfer.raw("SELECT key, amount FROM ledger_transfer WHERE kind = 'plan_bonus' AND unit = 'kop'"):
        code = keys.plan_bonus_period(r["key"])
        bonus[code] = bonus.get(code, 0) + r["amount"]
    for r in await Transfer.raw("SELECT created_at, amount FROM ledger_transfer WHERE kind = 'contest_award' "
                                "AND unit = 'kop'"):  # cash prizes belong to the period they were paid in
        code = periods.current_span(_company_day(r["created_at"])).code
        bonus[code] = bonus.get(code, 0) + r["amount"]
    registers = {r["period"]: r for r in await PayoutLine.raw(
        "SELECT r.period, SUM(l.amount_kop) AS payable, "
        f"SUM(CASE WHEN l.status = '{PAID}' THEN l.amount_kop ELSE 0 END) AS paid "
        "FROM payout_register r JOIN payout_line l ON l.register = r.id GROUP BY r.period")}
    from portal.periods.tables import Period

    status = {r["code"]: r["status"] for r in await Period.select(Period.code, Period.status)}
    codes = sorted(set(accrued) | set(registers) | set(status), reverse=True)
    return [{"period": c, "status": status.get(c, OPEN), "accrued": accrued.get(c, 0) + bonus.get(c, 0),
             "payable": int((registers.get(c) or {}).get("payable") or 0),
             "paid": int((registers.get(c) or {}).get("paid") or 0)} for c in codes]
