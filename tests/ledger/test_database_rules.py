"""The database itself keeps the ledger's hard rules against any writer, not only the ledger service:
plain SQL cannot take a partner's balance below zero, nor change or remove a transfer."""

from __future__ import annotations

import pytest

from portal.db import write_transaction
from portal.ledger import services as ledger
from portal.ledger.tables import Account, Transfer
from tests import factories as f


async def _plain_sql(sql: str, *args) -> None:
    async with write_transaction():
        await Account.raw(sql, *args)


async def test_plain_sql_cannot_take_a_partner_balance_below_zero():
    partner = await f.partner()
    await ledger.accrue("claim:1", partner, "points", 100, {})
    with pytest.raises(Exception, match="ledger_account_partner_non_negative"):
        await _plain_sql("UPDATE ledger_account SET balance = balance - 101 WHERE owner_key = {}",
                         f"p:{partner}:points_pending")
    with pytest.raises(Exception, match="ledger_account_partner_non_negative"):
        await _plain_sql("INSERT INTO ledger_account (owner_key, partner, code, unit, balance, non_negative) "
                         "VALUES ({}, {}, 'cash_payable', 'kop', -1, {})", f"p:{partner}:cash_payable", partner, True)
    assert await ledger.balance(partner, "points_pending") == 100
    assert (await ledger.verify()).ok


async def test_company_accounts_are_the_contra_side_and_may_run_negative():
    partner = await f.partner()
    await ledger.accrue("claim:1", partner, "points", 100, {})
    await _plain_sql("UPDATE ledger_account SET balance = balance - 5 WHERE owner_key = 'c:points_issued'")
    assert await ledger.balance(None, "points_issued") == -105


async def test_plain_sql_cannot_change_or_delete_a_transfer():
    partner = await f.partner()
    posted = await ledger.accrue("claim:1", partner, "points", 100, {})
    with pytest.raises(Exception, match="ledger_transfer_immutable"):
        await _plain_sql("UPDATE ledger_transfer SET amount = 1 WHERE id = {}", posted.id)
    with pytest.raises(Exception, match="ledger_transfer_immutable"):
        await _plain_sql("UPDATE ledger_transfer SET kind = {} WHERE id = {}", "gift", posted.id)
    with pytest.raises(Exception, match="ledger_transfer_immutable"):
        await _plain_sql("DELETE FROM ledger_transfer WHERE id = {}", posted.id)
    row = await Transfer.select(Transfer.amount).where(Transfer.id == posted.id).first()
    assert row == {"amount": 100}
    assert (await ledger.verify()).ok


async def test_a_correction_is_a_new_row_so_the_guards_never_stop_the_ledger_itself():
    partner = await f.partner()
    accrual = await ledger.accrue("claim:1", partner, "points", 100, {})
    await ledger.release_due(hold_days=-1)
    await ledger.reserve("order:1", partner, 100)
    await ledger.void_reservation("order:1")
    await ledger.reserve("order:2", partner, 100)
    await ledger.post_reservation("order:2")
    await ledger.reverse(accrual.id, "claim withdrawn", allow_shortfall=True)
    assert await Transfer.count() == 6  # the accrual's reversal found nothing left: a shortfall, not a row
    assert await ledger.balances(partner) == dict.fromkeys(ledger.PARTNER_ACCOUNTS, 0)
    assert (await ledger.verify()).ok
