"""An order changes status one way: its transitions map, compare-and-set, history, audit and notice together."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.tables import OrderEvent, PrizeOrder
from portal.audit.tables import AuditEntry
from portal.db import write_transaction
from portal.errors import Conflict
from portal.ledger import services as ledger
from portal.notifications.tables import Notification
from tests import factories as f
from tests.catalog.helpers import give_points, order, prize


async def placed_order():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    return dealer, await order(dealer, await prize(points=400))


async def status_of(order_id: int) -> str:
    return (await PrizeOrder.select(PrizeOrder.status).where(PrizeOrder.id == order_id).first())["status"]


async def test_an_order_cannot_be_delivered_before_it_ships():
    dealer, order_id = await placed_order()
    manager = (await f.company()).actor()
    with pytest.raises(Conflict):
        await services.deliver(manager, order_id)
    assert await status_of(order_id) == "placed"
    assert await ledger.balance(dealer.partner_id, "points_reserved") == 400  # not spent
    assert await OrderEvent.count().where(OrderEvent.order == order_id) == 1  # only "placed"
    assert not await AuditEntry.exists().where(AuditEntry.action == "order.delivered")


async def test_confirming_writes_status_history_audit_and_notice_in_one_transaction():
    dealer, order_id = await placed_order()
    manager = (await f.company()).actor()
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await services.set_status(manager, order_id, "confirm")
            raise RuntimeError("the rest of the work failed")
    assert await status_of(order_id) == "placed"
    assert await OrderEvent.count().where(OrderEvent.order == order_id) == 1
    assert not await AuditEntry.exists().where(AuditEntry.action == "order.confirmed")
    assert not await Notification.exists().where(Notification.kind == "order.confirmed")

    moved = await services.set_status(manager, order_id, "confirm")
    assert (moved.old, moved.new) == ("placed", "confirmed")
    assert await status_of(order_id) == "confirmed"
    last = await OrderEvent.select().where(OrderEvent.order == order_id).order_by(OrderEvent.id, ascending=False).first()
    assert (last["from_status"], last["to_status"], last["actor"]) == ("placed", "confirmed", manager.id)
    assert await AuditEntry.exists().where(AuditEntry.action == "order.confirmed")
    assert await Notification.exists().where(Notification.kind == "order.confirmed")


async def test_a_partner_cannot_use_the_managers_cancel_after_confirmation():
    dealer, order_id = await placed_order()
    await services.confirm((await f.company()).actor(), order_id)
    with pytest.raises(Conflict):
        await services.set_status(dealer.actor(), order_id, "cancel_own", partner_id=dealer.partner_id)
    assert await status_of(order_id) == "confirmed"
    assert await ledger.balance(dealer.partner_id, "points_reserved") == 400
