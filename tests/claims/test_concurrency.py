"""Races the real world produces: double taps, two dealers with one serial, two managers with one claim."""

from __future__ import annotations

import asyncio

from portal.claims import services
from portal.claims.tables import Claim, ClaimSerial
from portal.errors import Conflict, ValidationFailed
from tests import factories as f


async def test_fifty_submissions_with_one_idempotency_key_make_one_claim():
    product_id = await f.product()
    dealer = await f.dealer()
    form = f.claim_form(product_id)
    results = await asyncio.gather(*[services.submit(dealer, dict(form), []) for _ in range(50)])
    assert await Claim.count() == 1
    assert {r.claim_id for r in results} == {(await Claim.select(Claim.id).first())["id"]}
    assert sum(r.created for r in results) == 1


async def test_twenty_dealers_racing_for_one_serial_leave_one_owner():
    product_id = await f.product(serial_pattern=r"RACE-\d+")
    dealers = [await f.dealer() for _ in range(20)]

    async def attempt(dealer):
        try:
            return await services.submit(dealer, f.claim_form(product_id, serials="RACE-1"), [])
        except ValidationFailed as refused:
            return refused

    outcomes = await asyncio.gather(*[attempt(d) for d in dealers])
    winners = [o for o in outcomes if not isinstance(o, ValidationFailed)]
    refused = [o for o in outcomes if isinstance(o, ValidationFailed)]
    assert len(winners) == 1 and len(refused) == 19
    assert all("RACE-1" in r.errors["serials"] for r in refused)
    assert await ClaimSerial.count() == 1 and await Claim.count() == 1


async def test_two_managers_approving_at_once_make_one_decision():
    product_id = await f.product()
    claim_id = await f.claim(await f.dealer(), product_id)
    managers = [await f.company(), await f.company()]

    async def decide(manager):
        try:
            return await services.decide(manager, claim_id, "approve")
        except Conflict as refused:
            return refused

    outcomes = await asyncio.gather(*[decide(m) for m in managers])
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "str"]
    claim = await services.get_claim(managers[0], claim_id)
    assert [e["to_status"] for e in claim["history"]] == ["submitted", "approved"]
