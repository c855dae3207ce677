"""The manager's review page: a photo to zoom, "Approve and next", the reject reason only after choosing reject."""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.claims.tables import Claim
from tests import factories as f


async def status_of(claim_id: int) -> str:
    return (await Claim.select(Claim.status).where(Claim.id == claim_id).first())["status"]


async def test_approve_and_next_lands_on_the_next_pending_claim_in_queue_order(client):
    product_id = await f.product()
    dealer = await f.dealer()
    oldest, decided, middle, newest = [await f.claim(dealer, product_id) for _ in range(4)]
    await f.login_as(client, Role.MANAGER)
    from portal.claims import services

    await services.decide(await f.current(await f.user(Role.MANAGER)), decided, "approve")
    response = await f.post_form(client, f"/review/{newest}/decide", {"action": "approve", "then": "next"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/{middle}?after={newest}"  # newest first: the next one down
    assert await status_of(newest) == "approved"
    page = await client.get(response.headers["location"])
    assert f"Регистрация №{newest}: одобрена." in page.text
    response = await f.post_form(client, f"/review/{middle}/decide", {"action": "approve", "then": "next"})
    assert response.headers["location"] == f"/review/{oldest}?after={middle}"  # skips the one already decided
    response = await f.post_form(client, f"/review/{oldest}/decide", {"action": "approve", "then": "next"})
    assert response.headers["location"] == "/review/"  # the queue is empty


async def test_plain_approve_stays_on_the_claim(client):
    claim_id = await f.claim(await f.dealer(), await f.product())
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, f"/review/{claim_id}/decide", {"action": "approve"})
    assert response.headers["location"] == f"/review/{claim_id}"


async def test_reject_without_a_reason_comes_back_with_the_field_message_and_reject_chosen(client):
    claim_id = await f.claim(await f.dealer(), await f.product())
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, f"/review/{claim_id}/decide", {"action": "reject", "then": "next"})
    assert response.status_code == 400
    assert '<p class="field-error">Выберите причину отклонения.</p>' in response.text
    form = response.text.split('class="decide-other"')[1].split("</form>")[0]
    assert 'id="d-reject" name="action" value="reject" checked' in form
    assert 'class="field reject-reason invalid"' in form
    assert await status_of(claim_id) == "submitted"


async def test_the_reason_field_follows_the_reject_choice_in_the_markup(client):
    """Without JavaScript the reason shows through CSS (#d-reject:checked ~ .reject-reason): the radio comes first."""
    claim_id = await f.claim(await f.dealer(), await f.product())
    await f.login_as(client, Role.MANAGER)
    page = (await client.get(f"/review/{claim_id}")).text
    form = page.split('class="decide-other"')[1].split("</form>")[0]
    assert form.index('id="d-reject"') < form.index('class="field reject-reason"')
    css = open("static/css/app.css", encoding="utf-8").read()
    assert "#d-reject:checked ~ .reject-reason { display: block; }" in css


async def test_a_photo_opens_larger_in_an_overlay(client):
    claim_id = await f.claim(await f.dealer(), await f.product(), photos=[f.jpeg(800, 600)])
    await f.login_as(client, Role.MANAGER)
    page = (await client.get(f"/review/{claim_id}")).text
    photo_id = page.split('id="photo-')[1].split('"')[0]
    assert f'href="#zoom-{photo_id}"' in page and f'id="zoom-{photo_id}"' in page
    assert f'src="/media/claims/{photo_id}/display"' in page
    assert f"/media/claims/{photo_id}/thumb" not in page  # the facts' own thumbnails are not repeated
