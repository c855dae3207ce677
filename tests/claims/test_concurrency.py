"""Races the real world produces: double taps, two dealers with one serial, two managers with one claim."""

from __future__ import annotations

import asyncio

from portal.claims import services
from portal.claims.tables import Claim, ClaimFlag, ClaimSerial
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


async def test_fifty_retries_of_one_claim_with_serials_all_answer_the_claim_and_flag_nothing():
    product_id = await f.product(serial_pattern=r"RT-\d+")
    dealer = await f.dealer()
    form = f.claim_form(product_id, serials="RT-1\nRT-2", quantity="2")

    async def attempt(n: int):
        await asyncio.sleep(n * 0.002)  # retries spread over the first one's commit, as a flaky network sends them
        try:
            return await services.submit(dealer, dict(form), [])
        except ValidationFailed as refused:
            return refused

    outcomes = await asyncio.gather(*[attempt(n) for n in range(50)])
    assert [o for o in outcomes if isinstance(o, ValidationFailed)] == []
    claim = await Claim.select(Claim.id, Claim.flagged).first()
    assert {o.claim_id for o in outcomes} == {claim["id"]} and sum(o.created for o in outcomes) == 1
    assert await Claim.count() == 1 and not claim["flagged"]
    assert not await ClaimFlag.exists()


async def test_a_retry_that_missed_the_first_tap_at_its_first_look_still_answers_the_claim(monkeypatch):
    """The interleaving behind the race above, made certain: the retry looks its key up before the first tap
    commits (nothing there), and finds the serials taken after it committed."""
    product_id = await f.product(serial_pattern=r"RT-\d+")
    dealer = await f.dealer()
    form = f.claim_form(product_id, serials="RT-7")
    first = await services.submit(dealer, dict(form), [])

    async def not_yet_committed(partner_id: int, key: str):
        return None

    monkeypatch.setattr(services, "_existing_for_key", not_yet_committed)
    again = await services.submit(dealer, dict(form), [])
    assert (again.claim_id, again.created) == (first.claim_id, False)
    assert not await ClaimFlag.exists() and not (await Claim.select(Claim.flagged).first())["flagged"]
