"""A claim changes status one way: its transitions map, compare-and-set, history row, audit and event together."""

from __future__ import annotations

import pytest

from portal import events
from portal.audit.tables import AuditEntry
from portal.claims import services
from portal.claims.events import ClaimDecided
from portal.claims.tables import Claim, ClaimEvent
from portal.db import write_transaction
from portal.errors import Conflict
from tests import factories as f


async def status_of(claim_id: int) -> str:
    return (await Claim.select(Claim.status).where(Claim.id == claim_id).first())["status"]


async def test_an_approval_cannot_be_revoked_from_a_claim_nobody_approved():
    dealer, manager = await f.dealer(), await f.company()
    claim_id = await f.claim(dealer, await f.product())
    with pytest.raises(Conflict):
        await services.revoke_approval(manager, claim_id, "ошибка")
    assert await status_of(claim_id) == "submitted"
    assert await ClaimEvent.count().where(ClaimEvent.claim == claim_id) == 1  # only "submitted"
    assert not await AuditEntry.exists().where(AuditEntry.action == "claim.approval_revoked")


async def test_an_approved_claim_cannot_be_resubmitted_or_withdrawn_by_its_partner():
    dealer, manager = await f.dealer(), await f.company()
    claim_id = await f.claim(dealer, await f.product())
    await services.decide(manager, claim_id, "approve")
    with pytest.raises(Conflict):
        await services.resubmit(dealer, claim_id, "ещё фото", [])
    with pytest.raises(Conflict):
        await services.withdraw(dealer, claim_id)
    assert await status_of(claim_id) == "approved"


async def test_approving_writes_status_history_audit_and_event_in_one_transaction():
    dealer, manager = await f.dealer(), await f.company()
    claim_id = await f.claim(dealer, await f.product())
    seen: list[ClaimDecided] = []

    async def listen(event: ClaimDecided) -> None:
        seen.append(event)

    events.subscribe(ClaimDecided, listen)
    try:
        with pytest.raises(RuntimeError):
            async with write_transaction():
                async with write_transaction():
                    await services.set_status(manager.actor(), claim_id, "approve")
                assert seen and seen[-1].status == "approved"
                raise RuntimeError("the rest of the work failed")
        assert await status_of(claim_id) == "submitted"
        assert await ClaimEvent.count().where(ClaimEvent.claim == claim_id) == 1
        assert not await AuditEntry.exists().where(AuditEntry.action == "claim.approved")

        async with write_transaction():
            moved = await services.set_status(manager.actor(), claim_id, "approve")
        assert (moved.old, moved.new) == ("submitted", "approved")
    finally:
        events._subscribers[ClaimDecided].remove(listen)
    assert await status_of(claim_id) == "approved"
    last = await ClaimEvent.select().where(ClaimEvent.claim == claim_id).order_by(ClaimEvent.id, ascending=False).first()
    assert (last["from_status"], last["to_status"], last["actor"]) == ("submitted", "approved", manager.id)
    entry = await AuditEntry.select().where(AuditEntry.action == "claim.approved").first().output(load_json=True)
    assert entry["object_id"] == str(claim_id) and entry["before"] == {"status": "submitted"}
    assert [(e.claim_id, e.status) for e in seen] == [(claim_id, "approved"), (claim_id, "approved")]


async def test_another_partners_claim_does_not_move_and_answers_not_found():
    claim_id = await f.claim(await f.dealer(), await f.product())
    stranger = await f.dealer()
    with pytest.raises(services.NotFound):
        await services.withdraw(stranger, claim_id)
    assert await status_of(claim_id) == "submitted"
