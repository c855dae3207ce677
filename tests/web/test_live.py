"""/live: the one small question an open page asks. "Nothing changed" is a 304 without a body; a change of the
partner's data, of reference data or of the bell answers the new bell and its token."""

from __future__ import annotations

import re

from portal.accounts.roles import Role
from portal.claims import services as claims
from portal.notifications import services as bell
from tests import factories as f


def _token(response) -> str:
    return response.headers["etag"].strip('"')


async def _page_token(client, path: str = "/dashboard") -> str:
    """The token a page carries on its bell (what static/js/live.js sends back). On PostgreSQL, rows the
    factories wrote outside a write transaction are counted by the first request: the second page has it."""
    await client.get(path)
    match = re.search(r'id="bell"[^>]*data-live="([^"]+)"', (await client.get(path)).text)
    assert match, "the page has a bell with its token"
    return match.group(1)


async def _ask(client, token: str):
    return await client.get("/live", headers={"if-none-match": f'"{token}"'})


async def test_nothing_changed_is_a_bodyless_304(client):
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    token = await _page_token(client)
    answer = await _ask(client, token)
    assert answer.status_code == 304 and answer.content == b""
    assert _token(answer) == token
    assert answer.headers["cache-control"] == "no-store"  # a proxy never answers for the server
    size = sum(len(name) + len(value) + 4 for name, value in answer.headers.multi_items())
    print({"name": "live.unchanged_answer_bytes", "value": size, "unit": "B"})
    assert size < 1024  # headers only: ~460 bytes, most of them the security headers every answer has


async def test_a_claim_of_the_partner_changes_the_answer(client):
    partner_id = await f.partner()
    staff_id = await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    token = await _page_token(client)
    await f.claim(await f.current(staff_id), await f.product())
    answer = await _ask(client, token)
    assert answer.status_code == 200 and _token(answer) != token
    assert 'id="bell"' in answer.text and f'data-live="{_token(answer)}"' in answer.text
    assert (await _ask(client, _token(answer))).status_code == 304  # and holds again with the new token


async def test_another_partners_data_does_not_wake_the_page(client):
    product_id = await f.product()  # reference data first: a new product moves every partner's token
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    token = await _page_token(client)
    other = await f.dealer(await f.partner())
    claim_id = await f.claim(other, product_id, quantity="3")
    await claims.decide(await f.company(), claim_id, "approve")
    assert (await _ask(client, token)).status_code == 304


async def test_an_approval_rings_the_bell_and_changes_the_answer(client):
    partner_id = await f.partner()
    staff_id = await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    claim_id = await f.claim(await f.current(staff_id), await f.product())
    token = await _page_token(client)
    await claims.decide(await f.company(), claim_id, "approve")
    answer = await _ask(client, token)
    assert answer.status_code == 200
    assert re.search(r'class="badge">1<', answer.text)  # the new bell, with the unread notification


async def test_reading_the_notifications_changes_the_answer(client):
    partner_id = await f.partner()
    staff_id = await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    claim_id = await f.claim(await f.current(staff_id), await f.product())
    await claims.decide(await f.company(), claim_id, "approve")
    token = await _page_token(client)
    await bell.mark_all_read(staff_id)  # the bell's count is no partner data, but the page shows it
    answer = await _ask(client, token)
    assert answer.status_code == 200 and 'class="badge"' not in answer.text


async def test_a_company_user_is_answered_too(client):
    await f.login_as(client, Role.MANAGER)
    token = await _page_token(client)
    assert (await _ask(client, token)).status_code == 304
    await f.product()  # reference data
    assert (await _ask(client, token)).status_code == 200


async def test_anonymous_is_sent_to_login(client):
    assert (await client.get("/live")).status_code == 303


async def test_an_open_claims_status_is_its_tag(client):
    partner_id = await f.partner()
    staff_id = await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    claim_id = await f.claim(await f.current(staff_id), await f.product())
    page = (await client.get(f"/claims/{claim_id}")).text
    assert f'hx-get="/claims/{claim_id}/status"' in page and 'hx-trigger="premia:changed from:body"' in page
    await claims.decide(await f.company(), claim_id, "approve")
    tag = (await client.get(f"/claims/{claim_id}/status")).text
    assert "claim-approved" in tag and 'id="claim-status"' in tag


async def test_another_partners_claim_status_is_not_found(client):
    other = await f.dealer(await f.partner())
    claim_id = await f.claim(other, await f.product())
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    assert (await client.get(f"/claims/{claim_id}/status")).status_code == 404


async def test_the_dashboard_no_longer_polls_on_a_timer(client):
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    page = (await client.get("/dashboard")).text
    assert "every 10s" not in page
    assert page.count('hx-trigger="premia:changed from:body"') == 3  # balances, plan and the game's panels
