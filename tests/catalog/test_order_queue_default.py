"""The managers' order queue opens on a status that has orders, never on an empty filter while there is work."""

from __future__ import annotations

from catalog import services
from portal.accounts.roles import Role
from tests import factories as f
from tests.catalog.helpers import give_points, order, prize


async def test_the_queue_opens_on_confirmed_orders_when_none_is_waiting_to_be_confirmed(client):
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    order_id = await order(dealer, await prize(points=400))
    await services.confirm((await f.company()).actor(), order_id)
    await f.login_as(client, Role.MANAGER)
    page = await client.get("/manage/orders/")
    assert page.status_code == 200
    assert f'data-order="{order_id}"' in page.text
    assert '<option value="confirmed" selected>' in page.text


async def test_an_asked_for_status_is_kept_even_when_it_is_empty(client):
    dealer = await f.dealer()
    await give_points(dealer.partner_id, 1000)
    await order(dealer, await prize(points=400))
    await f.login_as(client, Role.MANAGER)
    page = await client.get("/manage/orders/?status=shipped")
    assert "data-order=" not in page.text
    assert '<option value="shipped" selected>' in page.text


async def test_with_no_orders_at_all_the_queue_shows_every_status(client):
    await f.login_as(client, Role.MANAGER)
    page = await client.get("/manage/orders/")
    assert page.status_code == 200
    status_select = page.text.split('name="status"')[1].split("</select>")[0]
    assert " selected" not in status_select  # "All"
