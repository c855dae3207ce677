"""Concurrency: points are never minted or spent twice, whatever arrives at once."""

from __future__ import annotations

import asyncio

from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from tests import factories as f


async def test_two_hundred_debits_against_a_balance_for_one_make_exactly_one():
    partner = await f.partner()
    await ledger.accrue("claim:1", partner, "points", 1000, {})
    await ledger.release_due(hold_days=-1)

    async def order(n: int):
        try:
            return await ledger.reserve(f"order:{n}", partner, 1000)
        except ledger.InsufficientFunds as refused:
            return refused

    outcomes = await asyncio.gather(*[order(n) for n in range(200)])
    assert sum(isinstance(o, ledger.Posted) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, ledger.InsufficientFunds)]
    assert len(refused) == 199 and "Недостаточно баллов" in refused[0].message
    assert await ledger.balance(partner, "points_available") == 0
    assert await ledger.balance(partner, "points_reserved") == 1000
    assert (await ledger.verify()).ok


async def test_fifty_concurrent_accruals_with_one_key_make_one_transfer():
    partner = await f.partner()
    outcomes = await asyncio.gather(*[ledger.accrue("claim:42", partner, "points", 70, {}) for _ in range(50)])
    assert len({o.id for o in outcomes}) == 1 and sum(o.created for o in outcomes) == 1
    assert await Transfer.count() == 1
    assert await ledger.balance(partner, "points_pending") == 70


async def test_one_key_posted_at_once_on_unrelated_accounts_makes_one_transfer_and_conflicts(monkeypatch):
    """Two partners' own accounts share no row to lock, so only the key's UNIQUE index orders them (on
    PostgreSQL; SQLite runs one writer at a time). The pause lets every posting look for the key before any
    inserts it, so the late ones meet it at the INSERT."""
    a, b = await f.partner(), await f.partner()
    for partner in (a, b):
        await ledger.adjust(partner, "points", 100, "start", None, cause=f"start:{partner}")
    insert = ledger._insert_transfers

    async def after_a_pause(*args):
        await asyncio.sleep(0.05)
        return await insert(*args)

    monkeypatch.setattr(ledger, "_insert_transfers", after_a_pause)

    async def reserve(partner: int):
        try:
            return await ledger.reserve("order:1", partner, 10)
        except ledger.KeyConflict as conflict:
            return conflict

    outcomes = await asyncio.gather(*[reserve(p) for _ in range(10) for p in (a, b)])
    posted = [o for o in outcomes if isinstance(o, ledger.Posted)]
    assert sum(o.created for o in posted) == 1 and len({o.id for o in posted}) == 1
    assert len(posted) + sum(isinstance(o, ledger.KeyConflict) for o in outcomes) == 20
    assert await Transfer.count().where(Transfer.kind == "reserve") == 1
    assert await ledger.balance(a, "points_reserved") + await ledger.balance(b, "points_reserved") == 10
    assert (await ledger.verify()).ok


async def test_two_big_batches_over_the_same_accounts_in_opposite_orders_both_post(monkeypatch):
    """A batch locks its accounts 500 at a time; in one order across the chunks, two batches that share
    accounts (and no company account that would line them up first) wait for each other instead of
    deadlocking: on PostgreSQL, locking each chunk in its own order aborted one of them."""
    partners = [await f.partner() for _ in range(600)]
    await ledger.post_batch([ledger.Spec(f"earn:{p}", (None, "cash_issued"), (p, "cash_pending"), 10, "accrual")
                             for p in partners])

    def batch(tag: str, order: list[int]) -> list[ledger.Spec]:
        return [ledger.Spec(f"{tag}:{p}", (p, "cash_pending"), (p, "cash_payable"), 5, "payable") for p in order]

    real_write = ledger.write

    async def pause_after_locking(sql: str, *args):  # lets the other batch take its first chunk meanwhile
        rows = await real_write(sql, *args)
        if "FOR UPDATE" in sql:
            await asyncio.sleep(0.2)
        return rows

    monkeypatch.setattr(ledger, "write", pause_after_locking)
    await asyncio.gather(ledger.post_batch(batch("up", partners)), ledger.post_batch(batch("down", partners[::-1])))
    assert {await ledger.balance(p, "cash_payable") for p in (partners[0], partners[300], partners[-1])} == {10}
    assert {await ledger.balance(p, "cash_pending") for p in (partners[0], partners[-1])} == {0}
    assert (await ledger.verify()).ok
