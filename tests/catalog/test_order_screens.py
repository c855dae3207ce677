"""After an order: a message with the new balance, a cancel that asks once, a checkout that remembers."""

from __future__ import annotations

from catalog.tables import PrizeOrder
from portal.accounts.roles import Role
from portal.ledger import services as ledger
from tests import factories as f
from tests.catalog.helpers import DELIVERY, give_points, order, prize


async def status_of(order_id: int) -> str:
    return (await PrizeOrder.select(PrizeOrder.status).where(PrizeOrder.id == order_id).first())["status"]


async def test_the_checkout_prefills_address_and_phone_from_the_last_order(client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await give_points(partner_id, 5000)
    prize_id = await prize(points=1000)
    await f.post_form(client, "/catalog/cart", {"prize_id": prize_id})
    await f.post_form(client, "/catalog/checkout", {"token": "t-1", "recipient": "Пётр Иванов",
                                                    "address": DELIVERY.address, "phone": DELIVERY.phone})
    await f.post_form(client, "/catalog/cart", {"prize_id": prize_id})
    cart = (await client.get("/catalog/cart")).text
    assert f">{DELIVERY.address}</textarea>" in cart
    assert f'value="{DELIVERY.phone}"' in cart
    assert 'value="Пётр Иванов"' in cart


async def test_placing_an_order_says_so_with_the_new_balance(client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await give_points(partner_id, 5000)
    await f.post_form(client, "/catalog/cart", {"prize_id": await prize(points=1200)})
    response = await f.post_form(client, "/catalog/checkout", {"token": "t-2", "recipient": "Иван",
                                                               "address": DELIVERY.address, "phone": DELIVERY.phone})
    assert response.status_code == 303 and response.headers["location"].endswith("?placed=1")
    page = (await client.get(response.headers["location"])).text
    message = page.split('data-just="placed">')[1].split("</p>")[0]
    assert "1\xa0200" in message and "3\xa0800" in message  # reserved, and what is available now


async def test_cancelling_asks_once_then_gives_the_points_back(client):
    partner_id = await f.partner()
    user_id = await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await give_points(partner_id, 2000)
    order_id = await order(await f.current(user_id), await prize(points=500))
    page = (await client.get(f"/catalog/orders/{order_id}")).text
    assert f'href="/catalog/orders/{order_id}/cancel"' in page  # a link to the question, not the cancel itself
    unconfirmed = await f.post_form(client, f"/catalog/orders/{order_id}/cancel", {})
    assert unconfirmed.status_code == 200 and 'name="confirm" value="1"' in unconfirmed.text
    assert await status_of(order_id) == "placed"
    question = await client.get(f"/catalog/orders/{order_id}/cancel")
    assert "Да, отменить заказ" in question.text and await status_of(order_id) == "placed"
    done = await f.post_form(client, f"/catalog/orders/{order_id}/cancel", {"confirm": "1"})
    assert done.status_code == 303 and await status_of(order_id) == "cancelled"
    assert await ledger.balance(partner_id, "points_available") == 2000
    page = (await client.get(done.headers["location"])).text
    assert "2\xa0000" in page.split('data-just="cancelled">')[1].split("</p>")[0]
    again = await f.post_form(client, f"/catalog/orders/{order_id}/cancel", {"confirm": "1"})
    assert again.status_code == 303  # a retry answers like the first one


async def test_the_history_colours_a_reservation_as_a_loss_and_its_return_as_a_gain(client):
    partner_id = await f.partner()
    user_id = await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await give_points(partner_id, 2000)
    order_id = await order(await f.current(user_id), await prize(points=500))
    await f.post_form(client, f"/catalog/orders/{order_id}/cancel", {"confirm": "1"})
    rows = (await client.get("/points")).text.split('<li class="card row">')[1:]
    assert 'data-effect="gain"' in rows[0] and "+500" in rows[0]  # the return, newest first
    assert 'data-effect="loss"' in rows[1] and "\u2212500" in rows[1]  # the reservation
    assert "cancelled" not in rows[0]
