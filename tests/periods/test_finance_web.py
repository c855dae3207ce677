"""Finance closes a period from the browser and pays the register; partners download their own acts."""

from __future__ import annotations

import asyncio

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.ledger import services as ledger
from portal.periods import services as periods
from portal.periods.close import close_period
from portal.periods.tables import Act, PayoutLine
from tests import factories as f
from tests.periods.world import finished_period


async def test_finance_closes_a_period_from_the_page_and_watches_it_finish(client):
    world = await finished_period(partners=2)
    code = world.span.code
    await f.login_as(client, Role.FINANCE)
    response = await f.post_form(client, f"/finance/periods/{code}/close")
    assert response.status_code == 303
    for _ in range(200):
        if await periods.status_of(code) == "closed":
            break
        await asyncio.sleep(0.05)
    progress = await client.get(f"/finance/periods/{code}/progress")
    assert "Закрыт" in progress.text and "hx-trigger" not in progress.text  # polling stops once closed
    page = await client.get(f"/finance/periods/{code}")
    assert page.text.count("/finance/acts/") == 2
    archive = await client.get(f"/finance/periods/{code}/acts.zip")
    assert archive.headers["content-type"] == "application/zip" and archive.content[:2] == b"PK"


async def test_a_period_being_closed_polls_its_progress(client):
    world = await finished_period(partners=1)
    from portal.periods.tables import Period

    await periods.ensure(world.span)
    await Period.update({Period.status: "closing", Period.close_stage: "acts", Period.close_done: 3,
                         Period.close_total: 10}).where(Period.code == world.span.code)
    await f.login_as(client, Role.FINANCE)
    part = await client.get(f"/finance/periods/{world.span.code}/progress")
    assert 'hx-trigger="every 1s"' in part.text and 'value="3"' in part.text and "3 из 10" in part.text


async def test_finance_pays_the_register_from_the_page_once(client):
    world = await finished_period(partners=2)
    await close_period(world.span.code, SYSTEM)
    lines = await PayoutLine.select()
    await f.login_as(client, Role.FINANCE)
    ids = [str(l["id"]) for l in lines]
    assert (await f.post_form(client, f"/finance/payouts/{world.span.code}", {"action": "approve", "line_id": ids})
            ).status_code == 200
    for _ in range(2):  # the same click twice: the second changes nothing
        await f.post_form(client, f"/finance/payouts/{world.span.code}", {"action": "pay", "line_id": ids})
    for line in lines:
        assert await ledger.balance(line["partner"], "cash_paid") == line["amount_kop"]
    page = await client.get(f"/finance/payouts/{world.span.code}")
    assert f'data-total="{sum(l["amount_kop"] for l in lines)}"' in page.text
    dash = await client.get("/finance/")
    assert world.span.code in dash.text


async def test_a_partner_downloads_its_own_act_but_not_anothers(client):
    world = await finished_period(partners=2)
    await close_period(world.span.code, SYSTEM)
    mine, theirs = [await Act.select().where(Act.partner == p).first() for p in world.partners]
    await f.login_as(client, Role.PARTNER_STAFF, world.partners[0])
    listing = await client.get("/acts/")
    assert mine["number"] in listing.text and theirs["number"] not in listing.text
    pdf = await client.get(f"/acts/{mine['id']}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (await client.get(f"/acts/{theirs['id']}")).status_code == 404
