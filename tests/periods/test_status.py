"""Periods and payout lines change status one way: the transitions map, compare-and-set, event and audit."""

from __future__ import annotations

import pytest

from portal import workflow
from portal.accounts.roles import Role
from portal.accounts.tables import Partner
from portal.audit.services import SYSTEM
from portal.audit.tables import AuditEntry
from portal.db import write_transaction
from portal.errors import Conflict
from portal.ledger import services as ledger
from portal.notifications.tables import Notification
from portal.periods import payouts
from portal.periods import services as periods
from portal.periods.close import close_period
from portal.periods.tables import PayoutEvent, PayoutLine
from tests import factories as f
from tests.periods.world import finished_period

NO_DETAILS = {Partner.bank_name: "", Partner.bik: "", Partner.settlement_account: ""}


async def closed_register(partners: int = 1):
    world = await finished_period(partners=partners)
    await close_period(world.span.code, SYSTEM)
    return world, (await payouts.register_of(world.span.code)).lines


async def test_a_payout_line_cannot_be_paid_before_it_is_approved():
    _world, lines = await closed_register()
    finance = (await f.company(Role.FINANCE)).actor()
    with pytest.raises(Conflict):
        await payouts.set_status(finance, lines[0]["id"], "pay")
    line = await PayoutLine.select().where(PayoutLine.id == lines[0]["id"]).first()
    assert line["status"] == "draft" and line["payments"] == 0
    assert not await PayoutEvent.exists() and not await AuditEntry.exists().where(
        AuditEntry.action == "payout_line.pay")
    assert await ledger.balance(line["partner"], "cash_paid") == 0


async def test_approving_a_payout_line_writes_status_event_and_audit_together():
    _world, lines = await closed_register()
    finance = (await f.company(Role.FINANCE)).actor()
    assert await payouts.set_status(finance, lines[0]["id"], "approve") == "approved"
    event = await PayoutEvent.select().first()
    assert (event["line"], event["from_status"], event["to_status"]) == (lines[0]["id"], "draft", "approved")
    entry = await AuditEntry.select().where(AuditEntry.action == "payout_line.approve").first().output(
        load_json=True)
    assert entry["before"] == {"status": "draft"} and entry["after"]["status"] == "approved"


async def test_a_failure_after_the_move_leaves_no_status_event_or_audit():
    _world, lines = await closed_register()
    finance = (await f.company(Role.FINANCE)).actor()
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await payouts.set_status(finance, lines[0]["id"], "approve")
            raise RuntimeError("power cut")
    assert (await PayoutLine.select(PayoutLine.status).first())["status"] == "draft"
    assert not await PayoutEvent.exists()
    assert not await AuditEntry.exists().where(AuditEntry.action == "payout_line.approve")


async def test_a_line_without_bank_details_cannot_be_approved_nor_paid():
    world, lines = await closed_register()
    line = lines[0]
    await Partner.update(NO_DETAILS).where(Partner.id == line["partner"])
    await PayoutLine.update({PayoutLine.bik: "", PayoutLine.settlement_account: ""}).where(
        PayoutLine.id == line["id"])
    finance = (await f.company(Role.FINANCE)).actor()
    with pytest.raises(payouts.NoBankDetails) as refused:
        await payouts.set_status(finance, line["id"], "approve")
    assert "нет банковских реквизитов" in refused.value.message and line["legal_name"] in refused.value.message
    # an older line approved before the rule is not paid either
    await PayoutLine.update({PayoutLine.status: "approved"}).where(PayoutLine.id == line["id"])
    with pytest.raises(payouts.NoBankDetails):
        await payouts.set_status(finance, line["id"], "pay")
    assert await ledger.balance(line["partner"], "cash_paid") == 0
    assert not await Notification.exists().where(Notification.kind == "payout.paid")


async def test_bank_details_given_after_the_register_was_built_are_taken_at_approval():
    _world, lines = await closed_register()
    line = lines[0]
    await PayoutLine.update({PayoutLine.bank_name: "", PayoutLine.bik: "", PayoutLine.settlement_account: ""}).where(
        PayoutLine.id == line["id"])
    finance = (await f.company(Role.FINANCE)).actor()
    await payouts.set_status(finance, line["id"], "approve")
    row = await PayoutLine.select().where(PayoutLine.id == line["id"]).first()
    assert (row["status"], row["bik"], row["settlement_account"]) == ("approved", "049205001", "40702810000000000002")


async def test_the_register_page_shows_which_partners_lack_bank_details(client):
    world, lines = await closed_register(partners=2)
    gap = lines[0]
    await Partner.update(NO_DETAILS).where(Partner.id == gap["partner"])
    await PayoutLine.update({PayoutLine.settlement_account: ""}).where(PayoutLine.id == gap["id"])
    await f.login_as(client, Role.FINANCE)
    page = await client.get(f"/finance/payouts/{world.span.code}")
    assert 'data-no-bank-details="1"' in page.text and "Нет реквизитов" in page.text
    card = page.text.split(f'data-line="{gap["id"]}"')[1].split("</li>")[0]
    assert 'data-gap="bank"' in card
    other = page.text.split(f'data-line="{lines[1]["id"]}"')[1].split("</li>")[0]
    assert 'data-gap="bank"' not in other
    response = await f.post_form(client, f"/finance/payouts/{world.span.code}",
                                 {"action": "approve", "line_id": [str(l["id"]) for l in lines]})
    assert "нет банковских реквизитов" in response.text
    statuses = {r["id"]: r["status"] for r in await PayoutLine.select(PayoutLine.id, PayoutLine.status)}
    assert statuses == {gap["id"]: "draft", lines[1]["id"]: "approved"}


async def test_a_period_moves_only_open_to_closing_to_closed():
    world = await finished_period(partners=1)
    code = world.span.code
    await periods.ensure(world.span)
    async with write_transaction():
        with pytest.raises(workflow.Refused):
            await periods.set_status(SYSTEM, code, "finish")
    assert await periods.status_of(code) == "open"
    async with write_transaction():
        moved = await periods.set_status(SYSTEM, code, "close")
    assert (moved.old, moved.new) == ("open", "closing")
    assert await periods.status_of(code) == "closing"
    entry = await AuditEntry.select().where(AuditEntry.action == "period.closing").first().output(load_json=True)
    assert entry["object_id"] == code and entry["before"] == {"status": "open"}
    async with write_transaction():
        with pytest.raises(workflow.Refused):
            await periods.set_status(SYSTEM, code, "close")
    assert await AuditEntry.count().where(AuditEntry.action == "period.closing") == 1
