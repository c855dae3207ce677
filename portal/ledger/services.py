"""The ledger: the only writer of balances.

Design overview (after django-hordak and Formance):
- An account holds one unit: points or kopecks. Each partner has points_pending, points_available,
  points_reserved, cash_pending, cash_payable and cash_paid; the company has the matching
  points_issued, points_redeemed, points_expired, points_adjustments, cash_issued,
  cash_paid_out and cash_adjustments.
- A transfer moves a positive ``amount`` from its debit account to its credit account: the first
  balance goes down, the second up. The sum over all accounts of one unit is therefore always zero.
- Every transfer carries a cause key, UNIQUE in the table, spelled in portal.ledger.keys (and only there).
  Replaying a cause returns the transfer it made; the same key with a different amount or accounts is a
  KeyConflict.
- One posting path: transfer() is a batch of one, post_batch() many; both go through _post(), which
  locks the accounts (PostgreSQL: FOR UPDATE in owner-key order; SQLite: the IMMEDIATE transaction), finds the
  causes already recorded, checks every balance, and only then inserts the transfers, moves the cached
  balances and keeps the lots, with a handful of statements per 500 transfers.
- Partner accounts never go below zero: the whole posting is refused (InsufficientFunds) before anything
  is written. The database guarantees it too (CHECK on PostgreSQL, triggers on SQLite). The company's
  accounts are the contra side and run negative by design.
- Transfers are never updated or deleted (database triggers refuse it). A correction is a reversing
  transfer that references the original (UNIQUE: once); a reversal is never itself reversed.
- Balances are cached on the account, updated in the transfer's own transaction, so a read is one
  indexed row whatever the history; ``verify()`` recomputes them all from the transfers.
- Available points live in lots: crediting points_available opens a lot that expires after the
  configured term, debiting it consumes lots oldest first (LotUse rows say which), and voiding a
  reservation gives back exactly what it took. So expiry only ever removes unspent remainders.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from portal.db import company_today, is_sqlite, utcnow, write, write_transaction
from portal.errors import DomainError, NotFound, ValidationFailed
from portal.i18n import N_, gettext
from portal.ledger import keys
from portal.ledger.tables import Account, Lot, LotUse, Shortfall, Transfer
from portal.settings import get_settings

POINTS, KOP = "points", "kop"
PARTNER_ACCOUNTS = {
    "points_pending": POINTS, "points_available": POINTS, "points_reserved": POINTS,
    "cash_pending": KOP, "cash_payable": KOP, "cash_paid": KOP,
}
COMPANY_ACCOUNTS = {
    "points_issued": POINTS, "points_redeemed": POINTS, "points_expired": POINTS, "points_adjustments": POINTS,
    "cash_issued": KOP, "cash_paid_out": KOP, "cash_adjustments": KOP,
}
AVAILABLE = "points_available"


class LedgerError(DomainError):
    """Base of the ledger's refusals."""


class InsufficientFunds(LedgerError):
    """Guards: a partner's balance never goes below zero."""

    status_code = 409
    msgid = N_("Not enough points: %(balance)s available, %(amount)s needed.")


class KeyConflict(LedgerError):
    """Guards: one cause, one transfer. The same key came back with different content."""

    status_code = 409
    msgid = N_("This operation was already recorded with different figures.")


class NotReversible(LedgerError):
    """Guards: corrections are made once, and a correction is not itself corrected."""

    status_code = 409
    msgid = N_("This entry has already been corrected or is itself a correction.")


@dataclass(frozen=True)
class Posted:
    id: int
    created: bool  # False: the cause was already recorded, and this is that transfer
    amount: int


def _owner_key(partner_id: int | None, code: str) -> str:
    return f"p:{partner_id}:{code}" if partner_id is not None else f"c:{code}"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


# --- posting: one path for one transfer and for ten thousand ------------------------------------

@dataclass(frozen=True)
class Spec:
    """One transfer to post: the fields transfer() takes."""

    key: str
    debit: tuple[int | None, str]
    credit: tuple[int | None, str]
    amount: int
    kind: str
    detail: dict | None = None
    reverses: int | None = None  # the transfer this one corrects (its lots are given back)
    lot_id: int | None = None  # a debit of points_available taken from this lot only (expiry)


async def transfer(key: str, debit: tuple[int | None, str], credit: tuple[int | None, str], amount: int,
                   kind: str, detail: dict | None = None, actor_id: int | None = None,
                   reverses: int | None = None, lot_id: int | None = None) -> Posted:
    """Post one transfer (or find the one its cause already made). Joins the caller's transaction."""
    posted = await _post([Spec(key, debit, credit, amount, kind, detail, reverses, lot_id)], actor_id)
    return posted[0]


async def post_batch(specs: list[Spec], actor_id: int | None = None) -> int:
    """Post many transfers in one transaction, with a handful of statements per 500: the period close moves
    10^4 partners' money this way in seconds. The same path as transfer(), so the same guarantees: a key
    already posted with the same figures is skipped (different figures: KeyConflict); a partner balance never
    goes below zero (the whole batch is refused); cached balances and lots change in the same transaction.
    Specs with a zero amount are skipped. Returns how many transfers were new."""
    specs = [s for s in specs if s.amount > 0]
    if len({s.key for s in specs}) != len(specs):
        raise ValueError("a batch names a key twice")
    return sum(p.created for p in await _post(specs, actor_id))


async def _post(specs: list[Spec], actor_id: int | None) -> list[Posted]:
    """The one posting path. Every check comes before the first write, so a refusal leaves nothing behind:
    lock the accounts, find the causes already recorded, check the balances, then insert, move, and keep lots."""
    if not specs:
        return []
    _check_amounts(specs)
    async with write_transaction():
        accounts = await _locked_accounts(specs)
        legs = _legs(specs, accounts)
        posted = await _recorded(legs)
        fresh = [leg for leg in legs if leg[0].key not in posted]
        _check_funds(fresh, accounts)
        created = await _insert_transfers(fresh, actor_id)
        if len(created) < len(fresh):
            fresh = await _recorded_meanwhile(fresh, created, posted, accounts)
        await _apply_deltas(_deltas(fresh))
        await _keep_lots(fresh, created)
    return [Posted(created[s.key], True, s.amount) if s.key in created else posted[s.key] for s in specs]


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _values(rows: int, cols: int) -> str:
    """Integer VALUES rows; the CASTs give PostgreSQL the parameters' type."""
    one = "(" + ", ".join(["CAST({} AS BIGINT)"] * cols) + ")"
    return ", ".join([one] * rows)


def _marks(count: int) -> str:
    return ", ".join(["{}"] * count)


def _check_amounts(specs: list[Spec]) -> None:
    for s in specs:
        if not isinstance(s.amount, int) or s.amount <= 0:
            raise ValueError("a transfer moves a positive whole amount")


async def _select_accounts(owner_keys: list[str]) -> dict[str, dict]:
    """Account rows by owner key. On PostgreSQL locked in owner-key order, across the chunks of a big batch too
    (so two postings never deadlock), and read after the lock: the balances checked are the ones the UPDATE
    will change. SQLite: the IMMEDIATE transaction already holds the database's write lock."""
    lock = "" if is_sqlite() else " ORDER BY owner_key FOR UPDATE"
    rows: dict[str, dict] = {}
    for chunk in _chunks(sorted(owner_keys)):
        for row in await write("SELECT id, owner_key, code, unit, balance, non_negative FROM ledger_account "
                               f"WHERE owner_key IN ({_marks(len(chunk))})" + lock, *chunk):
            rows[row["owner_key"]] = row
    return rows


async def _locked_accounts(specs: list[Spec]) -> dict[str, dict]:
    """The accounts the specs touch, created on first use (INSERT … ON CONFLICT DO NOTHING, race-free)."""
    owners: dict[str, tuple[int | None, str, str]] = {}
    for s in specs:
        for partner_id, code in (s.debit, s.credit):
            unit = (PARTNER_ACCOUNTS if partner_id is not None else COMPANY_ACCOUNTS).get(code)
            if unit is None:
                raise ValueError(f"no such account: {code}")
            owners[_owner_key(partner_id, code)] = (partner_id, code, unit)
    accounts = await _select_accounts(list(owners))
    if missing := [key for key in owners if key not in accounts]:
        for chunk in _chunks(missing):
            args = [v for key in chunk for v in (key, owners[key][0], owners[key][1], owners[key][2],
                                                 owners[key][0] is not None)]
            await write("INSERT INTO ledger_account (owner_key, partner, code, unit, balance, non_negative) VALUES "
                        + ", ".join(["({}, {}, {}, {}, 0, {})"] * len(chunk)) + " ON CONFLICT (owner_key) DO NOTHING",
                        *args)
        accounts |= await _select_accounts(missing)
    return accounts


Leg = tuple  # (Spec, debit account row, credit account row)


def _legs(specs: list[Spec], accounts: dict[str, dict]) -> list[Leg]:
    legs = [(s, accounts[_owner_key(*s.debit)], accounts[_owner_key(*s.credit)]) for s in specs]
    for _s, debit, credit in legs:
        if debit["unit"] != credit["unit"]:
            raise ValueError("both accounts of a transfer hold the same unit")
    return legs


async def _recorded(legs: list[Leg]) -> dict[str, Posted]:
    """The causes among ``legs`` already recorded, as the transfers they made. A cause recorded with other
    figures (amount, accounts) is a KeyConflict."""
    found: dict[str, Posted] = {}
    for chunk in _chunks(legs):
        done = {r["key"]: r for r in await write(
            "SELECT id, key, amount, debit_account, credit_account FROM ledger_transfer "
            f"WHERE key IN ({_marks(len(chunk))})", *[leg[0].key for leg in chunk])}
        for s, debit, credit in chunk:
            if (seen := done.get(s.key)) is None:
                continue
            if (seen["amount"], seen["debit_account"], seen["credit_account"]) != (s.amount, debit["id"], credit["id"]):
                raise KeyConflict()
            found[s.key] = Posted(seen["id"], False, seen["amount"])
    return found


async def _recorded_meanwhile(fresh: list[Leg], created: dict[str, int], posted: dict[str, Posted],
                              accounts: dict[str, dict]) -> list[Leg]:
    """PostgreSQL: another transaction recorded some of these causes between our look and our INSERT (which
    waited for it, then skipped them). Take them as recorded (adding to ``posted``) and keep the rest."""
    late = [leg for leg in fresh if leg[0].key not in created]
    posted |= await _recorded(late)
    if any(leg[0].key not in posted for leg in late):
        raise NotReversible()  # no row under its key: the UNIQUE that held it back was "reverses"
    fresh = [leg for leg in fresh if leg[0].key in created]
    _check_funds(fresh, accounts)
    return fresh


def _deltas(legs: list[Leg]) -> dict[int, int]:
    """Each account's net change: the debit goes down, the credit up."""
    delta: dict[int, int] = {}
    for s, debit, credit in legs:
        delta[debit["id"]] = delta.get(debit["id"], 0) - s.amount
        delta[credit["id"]] = delta.get(credit["id"], 0) + s.amount
    return delta


def _check_funds(legs: list[Leg], accounts: dict[str, dict]) -> None:
    """A partner balance never goes below zero: refuse the whole posting before anything is written."""
    delta = _deltas(legs)
    for row in accounts.values():
        change = delta.get(row["id"], 0)
        if row["non_negative"] and change < 0 and row["balance"] + change < 0:
            raise InsufficientFunds(balance=row["balance"], amount=-change)


async def _insert_transfers(legs: list[Leg], actor_id: int | None) -> dict[str, int]:
    """Insert the transfers (raw multi-row INSERTs: building 10^4 ORM objects cost more than the SQL).
    Returns key -> id of the rows inserted; a row another transaction inserted first is left out, not an error."""
    created: dict[str, int] = {}
    now = utcnow()
    for chunk in _chunks(legs):
        args = []
        for s, debit, credit in chunk:
            args += [s.key, debit["id"], credit["id"], s.amount, debit["unit"], s.kind,
                     s.debit[0] if s.debit[0] is not None else s.credit[0], s.reverses,
                     json.dumps(s.detail or {}, ensure_ascii=False, default=str), actor_id, now]
        rows = await write(
            "INSERT INTO ledger_transfer (key, debit_account, credit_account, amount, unit, kind, partner, reverses, "
            "detail, actor_id, created_at) VALUES " + ", ".join(["({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"] * len(chunk))
            + " ON CONFLICT DO NOTHING RETURNING id, key", *args)
        created |= {r["key"]: r["id"] for r in rows}
    return created


async def _apply_deltas(delta: dict[int, int]) -> None:
    """Move the cached balances, one statement per 500 accounts (the database's own guard backs the check)."""
    for chunk in _chunks([pair for pair in delta.items() if pair[1]]):
        await write(
            f"WITH d(account, delta) AS (VALUES {_values(len(chunk), 2)}) "
            "UPDATE ledger_account SET balance = balance + (SELECT delta FROM d WHERE d.account = ledger_account.id) "
            "WHERE id IN (SELECT account FROM d)", *[v for pair in chunk for v in pair])


async def _keep_lots(legs: list[Leg], created: dict[str, int]) -> None:
    """Lots follow points_available: a debit consumes lots (soonest-expiring first), a reversal gives back
    what its original took, any other credit opens a lot. In the specs' order, so that a spec may spend
    a lot an earlier one opened; lots to open wait and go in together."""
    expires = None
    opening: list[tuple] = []
    for s, _debit, _credit in legs:
        transfer_id = created[s.key]
        if s.debit[1] == AVAILABLE:
            await _open_lots(opening)
            opening = []
            await _consume_lots(s.debit[0], transfer_id, s.amount, only_lot=s.lot_id)
        if s.credit[1] == AVAILABLE:
            restored = await _restore_lots(s.reverses, transfer_id) if s.reverses else 0
            if s.amount > restored:
                expires = expires or add_months(company_today(), get_settings().app.points_expiry_months)
                opening.append((s.credit[0], transfer_id, s.amount - restored, s.amount - restored, expires))
    await _open_lots(opening)


async def _open_lots(lots: list[tuple]) -> None:
    for chunk in _chunks(lots):
        await write("INSERT INTO ledger_lot (partner, transfer, points, remaining, expires_on, expiries) VALUES "
                    + ", ".join(["({}, {}, {}, {}, {}, 0)"] * len(chunk)), *[v for lot in chunk for v in lot])


async def _consume_lots(partner_id: int, transfer_id: int, amount: int, only_lot: int | None = None) -> None:
    """Take ``amount`` from the partner's lots, soonest-expiring first, recording each use."""
    query = Lot.select(Lot.id, Lot.remaining).where((Lot.partner == partner_id) & (Lot.remaining > 0))
    if only_lot is not None:
        query = query.where(Lot.id == only_lot)
    left = amount
    for lot in await query.order_by(Lot.expires_on).order_by(Lot.id):
        take = min(left, lot["remaining"])
        await Lot.raw("UPDATE ledger_lot SET remaining = remaining - {} WHERE id = {}", take, lot["id"])
        await LotUse.insert(LotUse(lot=lot["id"], transfer=transfer_id, amount=take))
        left -= take
        if left == 0:
            return
    if left:  # the balance check passed, so the lots must cover it: a broken invariant, never a user error
        raise RuntimeError(f"lots of partner {partner_id} short by {left}")


async def _restore_lots(reversed_transfer_id: int, transfer_id: int) -> int:
    """Give back exactly what a reversed transfer took from lots. Returns the points restored."""
    restored = 0
    for use in await LotUse.select().where(LotUse.transfer == reversed_transfer_id):
        await Lot.raw("UPDATE ledger_lot SET remaining = remaining + {} WHERE id = {}", use["amount"], use["lot"])
        await LotUse.insert(LotUse(lot=use["lot"], transfer=transfer_id, amount=-use["amount"]))
        restored += use["amount"]
    return restored


async def _locked_balance(debit_account: int, credit_account: int) -> int:
    """The credit account's balance, read under the lock the reversal will post under. On PostgreSQL both
    accounts are locked now, in owner-key order as ``_select_accounts`` does, so the amount taken back is computed
    from a balance nobody can spend meanwhile (and two reversals never deadlock)."""
    lock = "" if is_sqlite() else " ORDER BY owner_key FOR UPDATE"
    rows = await write(f"SELECT id, balance FROM ledger_account WHERE id IN ({{}}, {{}}){lock}",
                       debit_account, credit_account)
    return next(r["balance"] for r in rows if r["id"] == credit_account)


async def reverse(transfer_id: int, reason: str, actor_id: int | None = None, allow_shortfall: bool = False,
                  cap: int | None = None) -> Posted:
    """Correct a transfer with its opposite. With ``allow_shortfall`` a partner balance that cannot
    cover it all gives what it has (at most ``cap``), and the rest is recorded as a Shortfall for finance."""
    async with write_transaction():
        original = await Transfer.select(
            Transfer.all_columns(), Transfer.debit_account.partner.as_alias("debit_partner"),
            Transfer.debit_account.code.as_alias("debit_code"), Transfer.credit_account.partner.as_alias("credit_partner"),
            Transfer.credit_account.code.as_alias("credit_code"),
            Transfer.credit_account.non_negative.as_alias("credit_guarded"),
        ).where(Transfer.id == transfer_id).first()
        if original is None:
            raise NotFound()
        if original["reverses"] is not None:
            raise NotReversible()
        done = await Transfer.select(Transfer.id, Transfer.amount).where(Transfer.reverses == transfer_id).first()
        if done is not None:  # a retry answers like the first: same reversal, whatever the balance is now
            return Posted(done["id"], False, done["amount"])
        amount = original["amount"]
        if allow_shortfall and original["credit_guarded"]:
            balance = await _locked_balance(original["debit_account"], original["credit_account"])
            amount = min(amount, balance, amount if cap is None else cap)
        key = keys.reversal(transfer_id)
        posted = None
        if amount > 0:
            posted = await transfer(key, (original["credit_partner"], original["credit_code"]),
                                    (original["debit_partner"], original["debit_code"]), amount,
                                    kind="reversal", detail={"reason": reason, "reverses": transfer_id},
                                    actor_id=actor_id, reverses=transfer_id)
            if not posted.created:  # reversed meanwhile (SQLite never gets here: the write lock is held)
                return posted
        short = original["amount"] - amount
        if short:
            if posted is None:  # nothing left to take back: a zero reversal is not a transfer, so record it all
                existing = await Shortfall.select().where(Shortfall.transfer == transfer_id).first()
                if existing is None:
                    await Shortfall.insert(Shortfall(partner=original["credit_partner"], transfer=transfer_id,
                                                     amount=short, unit=original["unit"]))
                return Posted(transfer_id, False, 0)
            await Shortfall.insert(Shortfall(partner=original["credit_partner"], transfer=posted.id, amount=short,
                                             unit=original["unit"]))
        assert posted is not None
        return posted


# --- reading -----------------------------------------------------------------------------------

async def balances(partner_id: int) -> dict[str, int]:
    """Every balance of a partner, from the cached account rows: O(accounts), never O(history)."""
    rows = await Account.select(Account.code, Account.balance).where(Account.partner == partner_id)
    result = dict.fromkeys(PARTNER_ACCOUNTS, 0)
    result.update({r["code"]: r["balance"] for r in rows})
    return result


async def balance(partner_id: int | None, code: str) -> int:
    row = await Account.select(Account.balance).where(Account.owner_key == _owner_key(partner_id, code)).first()
    return row["balance"] if row else 0


async def expiring(partner_id: int, within_days: int = 30) -> list[dict]:
    """Unspent lots expiring soon, grouped by date: "N points expire on DATE"."""
    until = company_today() + dt.timedelta(days=within_days)
    rows = await Lot.select(Lot.expires_on, Lot.remaining).where(
        (Lot.partner == partner_id) & (Lot.remaining > 0) & (Lot.expires_on <= until)).order_by(Lot.expires_on)
    grouped: dict[dt.date, int] = {}
    for r in rows:
        grouped[r["expires_on"]] = grouped.get(r["expires_on"], 0) + r["remaining"]
    return [{"expires_on": d, "points": p} for d, p in grouped.items()]


@dataclass(frozen=True)
class HistoryPage:
    rows: list[dict]
    page: int
    has_next: bool


async def history(partner_id: int, unit: str = "", kind: str = "", page: int = 1, per_page: int = 30,
                  with_pending: bool = True) -> HistoryPage:
    """A partner's transfers, newest first, each with the partner's side of it and why (and, with_pending,
    whether a points accrual still waits to become available, and until when)."""
    query = Transfer.select(
        Transfer.id, Transfer.key, Transfer.amount, Transfer.unit, Transfer.kind, Transfer.detail,
        Transfer.created_at, Transfer.reverses, Transfer.debit_account.code.as_alias("from_code"),
        Transfer.debit_account.partner.as_alias("from_partner"), Transfer.credit_account.code.as_alias("to_code"),
        Transfer.credit_account.partner.as_alias("to_partner"),
    ).where(Transfer.partner == partner_id).order_by(Transfer.id, ascending=False)
    if unit:
        query = query.where(Transfer.unit == unit)
    if kind:
        query = query.where(Transfer.kind == kind)
    rows = await query.limit(per_page + 1).offset((page - 1) * per_page).output(load_json=True)
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    if with_pending:
        await _mark_pending(rows)
    return HistoryPage(rows, page, has_next)


def release_date(created_at: dt.datetime) -> dt.date | None:
    """The day release_due() makes an accrual's points available (None: when finance closes the period)."""
    if get_settings().app.points_release == "period_close":
        return None
    return created_at.astimezone(dt.timezone.utc).date() + dt.timedelta(days=get_settings().app.points_hold_days)


async def _mark_pending(rows: list[dict]) -> None:
    """Points accruals on the page still pending get ``pending`` = True and ``releases_on`` (their release day)."""
    accruals = {r["id"]: r for r in rows if r["kind"] == "accrual" and r["unit"] == POINTS}
    for r in rows:
        r["pending"] = False
    if not accruals:
        return
    ids = list(accruals)
    done = []
    for start in range(0, len(ids), 400):  # the CSV export reads the whole history: keep each IN list short
        chunk = ids[start:start + 400]
        done += await Transfer.select(Transfer.key, Transfer.reverses).where(
            Transfer.key.is_in([keys.release(i) for i in chunk]) | Transfer.reverses.is_in(chunk))
    finished = {r["reverses"] for r in done if r["reverses"]} | {
        int(r["key"].split(":")[1]) for r in done if r["key"].endswith(":release")}
    for tid, r in accruals.items():
        if tid not in finished:
            r["pending"] = True
            r["releases_on"] = release_date(r["created_at"])


async def pending_releases(partner_id: int) -> list[dict]:
    """A partner's pending points grouped by the day they become available: "N points become available on
    DATE" (``releases_on`` None: at the period close). Reads the partner's unreleased, unreversed accruals."""
    rows = await Transfer.raw(
        "SELECT t.id, t.amount, t.created_at FROM ledger_transfer t "
        "WHERE t.partner = {} AND t.kind = 'accrual' AND t.unit = 'points' "
        "AND NOT EXISTS (SELECT 1 FROM ledger_transfer r WHERE r.reverses = t.id) "
        f"AND NOT EXISTS (SELECT 1 FROM ledger_transfer x WHERE x.key = {keys.release_sql('t.id')}) "
        "ORDER BY t.id", partner_id)
    grouped: dict[dt.date | None, int] = {}
    for r in rows:
        created = r["created_at"]
        if isinstance(created, str):
            created = dt.datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.timezone.utc)
        day = release_date(created)
        grouped[day] = grouped.get(day, 0) + r["amount"]
    return [{"releases_on": d, "points": p} for d, p in sorted(grouped.items(), key=lambda kv: kv[0] or dt.date.max)]


# --- verification ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mismatch:
    account_id: int
    owner_key: str
    cached: int
    computed: int


@dataclass(frozen=True)
class Verification:
    accounts: int
    transfers: int
    mismatches: list[Mismatch]
    unit_sums: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.mismatches and all(v == 0 for v in self.unit_sums.values())


_VERIFY_SQL = """
SELECT a.id, a.owner_key, a.unit, a.balance,
       COALESCE(c.total, 0) - COALESCE(d.total, 0) AS computed
FROM ledger_account a
LEFT JOIN (SELECT credit_account AS acc, SUM(amount) AS total FROM ledger_transfer GROUP BY credit_account) c
       ON c.acc = a.id
LEFT JOIN (SELECT debit_account AS acc, SUM(amount) AS total FROM ledger_transfer GROUP BY debit_account) d
       ON d.acc = a.id
"""


async def verify() -> Verification:
    """Recompute every balance from the transfers in two grouped scans (one per side), in the database."""
    rows = await Account.raw(_VERIFY_SQL)
    transfers = await Transfer.count()
    mismatches = [Mismatch(r["id"], r["owner_key"], r["balance"], int(r["computed"]))
                  for r in rows if int(r["computed"]) != r["balance"]]
    sums: dict[str, int] = {}
    for r in rows:
        sums[r["unit"]] = sums.get(r["unit"], 0) + int(r["computed"])
    return Verification(len(rows), transfers, mismatches, sums)




# --- the operations other domains call -----------------------------------------------------------

async def accruals_for(causes: list[str]) -> list[dict]:
    """The accruals (points and cash) of the given causes, oldest first, each with ``reversed`` set when it was
    corrected: the "why this amount" lines of a claim's page. Exact keys, so it is index lookups only."""
    wanted = [keys.accrual(cause, unit) for cause in causes for unit in (POINTS, KOP)]
    if not wanted:
        return []
    rows = await Transfer.select(Transfer.id, Transfer.key, Transfer.amount, Transfer.unit, Transfer.kind,
                                 Transfer.detail, Transfer.created_at).where(
        Transfer.key.is_in(wanted)).order_by(Transfer.id).output(load_json=True)
    reversed_ids = {r["reverses"] for r in await Transfer.select(Transfer.reverses).where(
        Transfer.reverses.is_in([r["id"] for r in rows]))} if rows else set()
    for row in rows:
        row["reversed"] = row["id"] in reversed_ids
    return rows


async def accrue(cause: str, partner_id: int, unit: str, amount: int, detail: dict, actor_id: int | None = None) -> Posted:
    """Reward a partner: issued -> pending, in points or kopecks."""
    issued, pending = ("points_issued", "points_pending") if unit == POINTS else ("cash_issued", "cash_pending")
    return await transfer(keys.accrual(cause, unit), (None, issued), (partner_id, pending), amount, "accrual",
                          detail, actor_id)


async def release_due(today: dt.date | None = None, hold_days: int | None = None, at_period_close: bool = False) -> int:
    """Move points accruals older than the holding period from pending to available. Idempotent.

    With PREMIA_POINTS_RELEASE=period_close the daily job releases nothing: the period close calls this
    with ``at_period_close=True`` (and the period's end as ``today``, hold 0)."""
    if get_settings().app.points_release == "period_close" and not at_period_close and hold_days is None:
        return 0
    today = today or company_today()
    hold = get_settings().app.points_hold_days if hold_days is None else hold_days
    cutoff = dt.datetime.combine(today - dt.timedelta(days=hold), dt.time.max, tzinfo=dt.timezone.utc)
    due = await Transfer.raw(
        "SELECT t.id, t.partner, t.amount FROM ledger_transfer t "
        "WHERE t.kind = 'accrual' AND t.unit = 'points' AND t.created_at <= {} "
        "AND NOT EXISTS (SELECT 1 FROM ledger_transfer r WHERE r.reverses = t.id) "
        f"AND NOT EXISTS (SELECT 1 FROM ledger_transfer x WHERE x.key = {keys.release_sql('t.id')}) "
        "ORDER BY t.id", cutoff)
    released = 0
    for row in due:
        posted = await transfer(keys.release(row["id"]), (row["partner"], "points_pending"),
                                (row["partner"], AVAILABLE), row["amount"], "release", {"accrual": row["id"]})
        released += posted.created
    return released


async def reserve(order_key: str, partner_id: int, points: int) -> Posted:
    """Hold points for an order: available -> reserved. Refused, whole, if the balance is short."""
    return await transfer(keys.reserve(order_key), (partner_id, AVAILABLE), (partner_id, "points_reserved"), points,
                          "reserve", {"order": order_key})


async def post_reservation(order_key: str) -> Posted:
    """The order is delivered: reserved -> redeemed."""
    held = await Transfer.select().where(Transfer.key == keys.reserve(order_key)).first()
    if held is None:
        raise NotFound()
    if await Transfer.exists().where(Transfer.reverses == held["id"]):
        raise NotReversible()
    return await transfer(keys.redeem(order_key), (held["partner"], "points_reserved"), (None, "points_redeemed"),
                          held["amount"], "redeem", {"order": order_key})


async def void_reservation(order_key: str, reason: str = "cancelled") -> Posted:
    """The order is cancelled before delivery: the points go back to exactly the lots they came from."""
    held = await Transfer.select().where(Transfer.key == keys.reserve(order_key)).first()
    if held is None:
        raise NotFound()
    if await Transfer.exists().where(Transfer.key == keys.redeem(order_key)):
        raise NotReversible()
    existing = await Transfer.select().where(Transfer.reverses == held["id"]).first()
    if existing:  # cancelling twice returns the first cancellation
        return Posted(existing["id"], False, existing["amount"])
    return await reverse(held["id"], reason)


async def expire_due(today: dt.date | None = None) -> int:
    """Move the unspent remainder of every expired lot to points_expired. Running it twice changes nothing."""
    today = today or company_today()
    lots = await Lot.select(Lot.id).where((Lot.expires_on < today) & (Lot.remaining > 0))
    count = 0
    for lot_id in (row["id"] for row in lots):
        async with write_transaction():
            lot = await Lot.select().where(Lot.id == lot_id).first()
            if lot["remaining"] <= 0:
                continue
            # Numbered: points a cancelled order gives back to an expired lot expire again, as a new event.
            posted = await transfer(keys.expiry(lot_id, lot["expiries"] + 1), (lot["partner"], AVAILABLE),
                                    (None, "points_expired"), lot["remaining"], "expiry", {"lot": lot_id},
                                    lot_id=lot_id)
            if posted.created:
                await Lot.update({Lot.expiries: Lot.expiries + 1}).where(Lot.id == lot_id)
                count += 1
    return count


async def adjust(partner_id: int, unit: str, amount: int, reason: str, actor_id: int | None, cause: str) -> Posted:
    """A finance correction by hand: positive credits the partner, negative debits them. Reason required."""
    if not reason.strip():
        raise ValueError("an adjustment needs a reason")
    company = "points_adjustments" if unit == POINTS else "cash_adjustments"
    mine = AVAILABLE if unit == POINTS else "cash_payable"
    detail = {"reason": reason.strip()}
    if amount > 0:
        return await transfer(cause, (None, company), (partner_id, mine), amount, "adjustment", detail, actor_id)
    return await transfer(cause, (partner_id, mine), (None, company), -amount, "adjustment", detail, actor_id)


async def adjust_by_hand(actor, partner_id: int, unit: str, amount: int, reason: str, token: str) -> Posted:
    """Finance's manual adjustment, from the form: audited, and the form's token makes a retry harmless."""
    from portal.audit import services as audit

    from portal.accounts.tables import Partner

    if unit not in (POINTS, KOP):
        raise ValueError(unit)
    async with write_transaction():
        if not await Partner.exists().where(Partner.id == partner_id):  # else the foreign key refuses it: a 500
            raise ValidationFailed({"partner_id": gettext("Choose one of the options.")})
        posted = await adjust(partner_id, unit, amount, reason, actor.id, cause=keys.adjustment(token))
        if posted.created:
            await audit.record(actor, "ledger.adjusted", "partner", partner_id,
                               after={"unit": unit, "amount": amount, "reason": reason.strip(), "transfer": posted.id})
    return posted


async def expiring_by_partner(within_days: int = 30, today: dt.date | None = None) -> list[dict]:
    """Per partner, the points that expire within ``within_days`` and the first such date (for warnings)."""
    today = today or company_today()
    rows = await Lot.raw(
        "SELECT partner + 0 AS partner, SUM(remaining) AS points, MIN(expires_on) AS first_on FROM ledger_lot "
        "WHERE remaining > 0 AND expires_on >= {} AND expires_on <= {} GROUP BY partner",
        today, today + dt.timedelta(days=within_days))
    return [r for r in rows if r["points"]]
