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
