"""A partner changes status one way: its transitions map, compare-and-set and the audit entry together."""

from __future__ import annotations

import asyncio

import pytest

from portal.accounts import services
from portal.accounts.roles import PartnerStatus
from portal.accounts.tables import Partner
from portal.audit.services import SYSTEM
from portal.audit.tables import AuditEntry
from portal.db import write_transaction
from portal.errors import Conflict
from tests import factories as f


async def status_of(partner_id: int) -> str:
    return (await Partner.select(Partner.status).where(Partner.id == partner_id).first())["status"]


async def test_a_rejected_company_cannot_be_approved_or_reactivated():
    partner_id = await f.partner(status=PartnerStatus.PENDING.value)
    await services.reject_partner(SYSTEM, partner_id)
    for move in (services.approve_partner, services.reactivate_partner):
        with pytest.raises(Conflict):
            await move(SYSTEM, partner_id)
    assert await status_of(partner_id) == "rejected"
    assert await AuditEntry.count().where(AuditEntry.object_id == str(partner_id)) == 1


async def test_approving_writes_status_and_audit_in_one_transaction():
    partner_id = await f.partner(status=PartnerStatus.PENDING.value)
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await services.set_partner_status(SYSTEM, partner_id, "approve")
            raise RuntimeError("the rest of the work failed")
    assert await status_of(partner_id) == "pending"
    assert not await AuditEntry.exists().where(AuditEntry.action == "partner.approved")
    assert await services.set_partner_status(SYSTEM, partner_id, "approve") == "active"
    entry = await AuditEntry.select().where(AuditEntry.action == "partner.approved").first().output(load_json=True)
    assert entry["before"] == {"status": "pending"} and entry["after"] == {"status": "active"}


async def test_two_managers_deciding_one_company_at_once_make_one_decision():
    partner_id = await f.partner(status=PartnerStatus.PENDING.value)
    outcomes = await asyncio.gather(services.approve_partner(SYSTEM, partner_id),
                                    services.reject_partner(SYSTEM, partner_id), return_exceptions=True)
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    assert await AuditEntry.count().where(AuditEntry.object_id == str(partner_id)) == 1
