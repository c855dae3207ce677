"""Ordering prizes: points are reserved, posted or given back exactly once; stock never goes below zero."""

from __future__ import annotations

import asyncio

import pytest

from catalog import services
from catalog.tables import Prize, PrizeOrder, PrizeVariant
from portal.accounts.roles import Role
from portal.audit.tables import AuditEntry
from portal.errors import Conflict
from portal.ledger import services as ledger
from portal.notifications.tables import Notification
from tests import factories as f
from tests.catalog.helpers import DELIVERY, give_points, order, prize


async def balances(partner_id: int) -> tuple[int, int]:
    return (await ledger.balance(partner_id, "points_available"), await ledger.balance(partner_id, "points_reserved"))


async def stock(prize_id: int) -> int | None:
    return (await Prize.select(Prize.stock).where(Prize.id == prize_id).first())["stock"]


async def test_placing_an_order_reserves_the_points_and_takes_the_stock():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 5000)
    prize_id = await prize(points=1500, stock=3)
    order_id = await order(dealer, prize_id, quantity=2)
    assert await balances(dealer.partner_id) == (2000, 3000)
    assert await stock(prize_id) == 1
    row = await PrizeOrder.select().where(PrizeOrder.id == order_id).first()
    assert (row["status"], row["points"]) == ("placed", 3000)
    assert await Notification.exists().where(Notification.kind == "order.placed")
    assert await AuditEntry.exists().where(AuditEntry.action == "order.placed")


async def test_a_double_tap_places_one_order():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 5000)
    prize_id = await prize(points=1000)
    first = await order(dealer, prize_id, token="same-token")
    again = await order(dealer, prize_id, token="same-token")
    assert first == again and await PrizeOrder.count() == 1
    assert await balances(dealer.partner_id) == (4000, 1000)


async def test_two_hundred_orders_against_a_balance_for_one_make_exactly_one():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    prize_id = await prize(points=1000)

    async def attempt(n: int):
        try:
            return await order(dealer, prize_id, token=f"race-{n}")
        except ledger.InsufficientFunds as refused:
            return refused

    outcomes = await asyncio.gather(*[attempt(n) for n in range(200)])
    assert sum(isinstance(o, int) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, ledger.InsufficientFunds)]
    assert len(refused) == 199 and "Недостаточно баллов" in refused[0].message
    assert await balances(dealer.partner_id) == (0, 1000)
    assert await PrizeOrder.count() == 1
    assert (await ledger.verify()).ok


async def test_fifty_partners_racing_for_the_last_unit_make_one_order():
    prize_id = await prize(points=100, stock=1)
    dealers = []
    for _ in range(50):
        dealer = await f.dealer()
        await give_points(dealer.partner_id, 500)
        dealers.append(dealer)

    async def attempt(dealer):
        try:
            return await order(dealer, prize_id)
        except services.OutOfStock as refused:
            return refused

    outcomes = await asyncio.gather(*[attempt(d) for d in dealers])
    assert sum(isinstance(o, int) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, services.OutOfStock)]
    assert len(refused) == 49 and "нет в наличии" in refused[0].message
    assert await stock(prize_id) == 0
    assert await PrizeOrder.count() == 1
    reserved = [await ledger.balance(d.partner_id, "points_reserved") for d in dealers]
    assert sorted(reserved) == [0] * 49 + [100]  # the losers' points were never touched


async def test_the_last_unit_of_a_size_is_its_own_stock():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    prize_id = await prize(points=100, variants="S: 0\nL: 1")
    variants = {v["name"]: v["id"] for v in await PrizeVariant.select().where(PrizeVariant.prize == prize_id)}
    with pytest.raises(services.OutOfStock):
        await order(dealer, prize_id, variant_id=variants["S"])
    await order(dealer, prize_id, variant_id=variants["L"])
    assert await balances(dealer.partner_id) == (900, 100)


async def test_cancelling_after_confirmation_returns_points_and_stock_exactly_once():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    prize_id = await prize(points=400, stock=2)
    order_id = await order(dealer, prize_id)
    manager = (await f.company()).actor()
    await services.confirm(manager, order_id)
    await asyncio.gather(services.cancel_by_company(manager, order_id, "нет на складе"),
                         services.cancel_by_company(manager, order_id, "нет на складе"))
    await services.cancel_by_company(manager, order_id, "нет на складе")  # and a third, later
    assert await balances(dealer.partner_id) == (1000, 0)
    assert await stock(prize_id) == 2
    assert (await ledger.verify()).ok


async def test_a_partner_cannot_cancel_a_confirmed_order():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    order_id = await order(dealer, await prize(points=400))
    await services.confirm((await f.company()).actor(), order_id)
    with pytest.raises(Conflict):
        await services.cancel_by_partner(dealer, order_id)
    assert await balances(dealer.partner_id) == (600, 400)


async def test_delivery_spends_the_points_and_nothing_can_cancel_it_afterwards():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    order_id = await order(dealer, await prize(points=400))
    manager = (await f.company()).actor()
    await services.confirm(manager, order_id)
    await services.ship(manager, order_id, "RA123456789RU")
    await services.deliver(manager, order_id)
    assert await balances(dealer.partner_id) == (600, 0)
    assert await ledger.balance(None, "points_redeemed") == 400
    with pytest.raises(Conflict):
        await services.cancel_by_company(manager, order_id, "поздно")
    assert await balances(dealer.partner_id) == (600, 0)


async def test_staff_orders_wait_for_the_partner_admin_who_can_decline_them():
    partner_id = await f.partner()
    admin = await f.dealer(partner_id, role=Role.PARTNER_ADMIN)
    staff = await f.dealer(partner_id)
    await give_points(partner_id, 1000)
    await services.set_policy(admin, True)
    prize_id = await prize(points=300, stock=1)
    first = await order(staff, prize_id)
    assert (await PrizeOrder.select(PrizeOrder.status).where(PrizeOrder.id == first).first())["status"] == \
        "awaiting_approval"
    assert await balances(partner_id) == (700, 300)  # reserved at once: it cannot be spent twice meanwhile
    with pytest.raises(Exception):
        await services.approve_by_partner_admin(staff, first)
    await services.decline_by_partner_admin(admin, first)
    assert await balances(partner_id) == (1000, 0) and await stock(prize_id) == 1
    second = await order(staff, prize_id)
    await services.approve_by_partner_admin(admin, second)
    assert (await PrizeOrder.select(PrizeOrder.status).where(PrizeOrder.id == second).first())["status"] == "placed"


async def test_checkout_refuses_an_unaffordable_cart_with_the_reason_and_keeps_the_cart(client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await give_points(partner_id, 100)
    prize_id = await prize(points=1000)
    await f.post_form(client, "/catalog/cart", {"prize_id": prize_id, "quantity": "1"})
    response = await f.post_form(client, "/catalog/checkout", {"token": "t1", "recipient": "Иван",
                                                               "address": DELIVERY.address, "phone": DELIVERY.phone})
    assert response.status_code == 409
    assert "Недостаточно баллов" in response.text and "Приз" in response.text
    assert await PrizeOrder.count() == 0


async def test_checkout_form_errors_are_shown_by_field(client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await give_points(partner_id, 5000)
    await f.post_form(client, "/catalog/cart", {"prize_id": await prize(points=1000), "quantity": "1"})
    response = await f.post_form(client, "/catalog/checkout", {"token": "t1", "recipient": "", "address": "кор",
                                                               "phone": "abc"})
    assert response.status_code == 400
    assert "Укажите полный адрес" in response.text and "Введите номер телефона" in response.text
    assert await PrizeOrder.count() == 0


async def test_a_partner_orders_through_the_web_and_sees_the_address_remembered(client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await give_points(partner_id, 5000)
    prize_id = await prize(points=1200)
    await f.post_form(client, "/catalog/cart", {"prize_id": prize_id, "quantity": "2"})
    cart = await client.get("/catalog/cart")
    assert 'data-total="2400"' in cart.text
    response = await f.post_form(client, "/catalog/checkout", {"token": "t-web", "recipient": "Иван",
                                                               "address": DELIVERY.address, "phone": DELIVERY.phone})
    assert response.status_code == 303
    assert await ledger.balance(partner_id, "points_available") == 2600
    again = await client.get("/catalog/cart")
    assert "Ваша корзина пуста" in again.text
    await f.post_form(client, "/catalog/cart", {"prize_id": prize_id, "quantity": "1"})
    assert DELIVERY.address in (await client.get("/catalog/cart")).text


async def test_another_partners_order_is_not_found(client):
    other = await f.dealer()
    await give_points(other.partner_id, 1000)
    order_id = await order(other, await prize(points=100))
    await f.login_as(client, Role.PARTNER_ADMIN, await f.partner())
    assert (await client.get(f"/catalog/orders/{order_id}")).status_code == 404
    assert (await f.post_form(client, f"/catalog/orders/{order_id}/cancel")).status_code == 404
    assert await ledger.balance(other.partner_id, "points_reserved") == 100


async def test_the_warehouse_export_totals_its_lines(client):
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 10_000)
    await order(dealer, await prize(points=700), quantity=2)
    await order(dealer, await prize(points=300), quantity=1)
    await f.login_as(client, Role.MANAGER)
    text = (await client.get("/manage/orders/export/csv?status=placed")).content.decode("utf-8-sig")
    lines = [l.split(";") for l in text.strip().splitlines()]
    assert lines[-1][0] == "Итого" and lines[-1][9] == "1700" and lines[-1][8] == "3"
    assert sum(int(l[9]) for l in lines[1:-1]) == 1700


async def test_managers_confirm_in_bulk_and_the_partner_is_told(client):
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 10_000)
    ids = [await order(dealer, await prize(points=100)) for _ in range(3)]
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, "/manage/orders/confirm", {"order_id": [str(i) for i in ids]})
    assert response.status_code == 200
    statuses = {r["status"] for r in await PrizeOrder.select(PrizeOrder.status)}
    assert statuses == {"confirmed"}
    assert await Notification.count().where(Notification.kind == "order.confirmed") == 3


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                  "/\t/evil.example/", "javascript:alert(1)"])
async def test_the_order_queue_sends_managers_back_only_to_its_own_pages(client, back):
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    order_id = await order(dealer, await prize(points=100))
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, f"/manage/orders/{order_id}/confirm", {"back": back})
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/orders/"
    local = await f.post_form(client, f"/manage/orders/{order_id}/cancel",
                              {"back": "/manage/orders/?status=confirmed", "reason": "нет на складе"})
    assert local.headers["location"] == "/manage/orders/?status=confirmed"


async def test_fifty_checkouts_with_one_token_place_one_order_and_all_answer_it():
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 5000)
    prize_id = await prize(points=1000)
    await services.add_to_cart(dealer, prize_id, None, 2)

    async def attempt(n: int):
        await asyncio.sleep(n * 0.002)  # retries spread over the first one's commit, as a flaky network sends them
        try:
            return await services.place_cart(dealer, "one-token", DELIVERY)
        except services.EmptyCart as refused:
            return refused

    outcomes = await asyncio.gather(*[attempt(n) for n in range(50)])
    assert await PrizeOrder.count() == 1
    order_id = (await PrizeOrder.select(PrizeOrder.id).first())["id"]
    assert outcomes == [order_id] * 50
    assert await balances(dealer.partner_id) == (3000, 2000)


async def test_a_checkout_retry_that_finds_the_cart_emptied_by_its_first_tap_answers_the_order():
    """The interleaving behind the race above, made certain: the retry reads the cart after the first tap
    placed the order and emptied it."""
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 5000)
    await services.add_to_cart(dealer, await prize(points=1000), None, 1)
    first = await services.place_cart(dealer, "tap", DELIVERY)
    assert await services.place_order(dealer, "tap", [], DELIVERY) == first
    assert await PrizeOrder.count() == 1
