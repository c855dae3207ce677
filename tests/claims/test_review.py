"""Managers review claims: the queue, decisions, bulk approval, exports and the partner's bell."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from portal import events
from portal.accounts.roles import Role
from portal.claims import services
from portal.claims.events import ClaimDecided
from portal.claims.tables import Claim
from portal.errors import Conflict, Forbidden
from tests import factories as f


async def test_queue_filters_by_region_partner_product_and_flag(client):
    north = await f.partner(region="north_west", legal_name="ООО «Северный»")
    south = await f.partner(region="south", legal_name="ООО «Южный»")
    boiler = await f.product(name="Котёл К1", serial_pattern=r"S\d+")
    heater = await f.product(name="Бойлер Б1")
    await f.claim(await f.dealer(north), boiler, serials="S1")
    await f.claim(await f.dealer(south), heater)
    await services.flag_serial_attempt(["S1"], south)
    await f.login_as(client, Role.MANAGER)

    async def names(**params) -> str:
        page = (await client.get("/review/", params=params)).text
        return page.split('<ul class="cards">')[1].split("</ul>")[0]  # the claim rows, not the filter menus

    text = await names(region="north_west")
    assert "ООО «Северный»" in text and "ООО «Южный»" not in text
    text = await names(partner=str(south))
    assert "ООО «Южный»" in text and "ООО «Северный»" not in text
    text = await names(product=str(heater))
    assert "Бойлер Б1" in text and "Котёл К1" not in text
    text = await names(flagged="1")
    assert "ООО «Северный»" in text and "ООО «Южный»" not in text


async def test_queue_can_be_sorted_oldest_first():
    product_id = await f.product()
    dealer = await f.dealer()
    first = await f.claim(dealer, product_id)
    second = await f.claim(dealer, product_id)
    newest = await services.queue(services.QueueFilter())
    oldest = await services.queue(services.QueueFilter(oldest_first=True))
    assert [r["id"] for r in newest.rows] == [second, first]
    assert [r["id"] for r in oldest.rows] == [first, second]


async def test_approval_notifies_every_user_of_the_partner(client):
    partner_id = await f.partner()
    dealer_id = await f.user(Role.PARTNER_ADMIN, partner_id)
    product_id = await f.product()
    claim_id = await f.claim(await f.current(dealer_id), product_id)
    await services.decide(await f.company(), claim_id, "approve")
    await f.login(client, await f.email_of(dealer_id))
    dashboard = await client.get("/dashboard")
    assert '<span class="badge">1</span>' in dashboard.text
    bell = await client.get("/notifications/")
    assert f"Регистрация №{claim_id} подтверждена." in bell.text
    await f.post_form(client, "/notifications/read")
    assert '<span class="badge">' not in (await client.get("/dashboard")).text


async def test_the_bell_counts_to_99_plus(client):
    """A user who never reads notifications sees "99+", and each page still counts at most 100 rows."""
    from portal.notifications.services import notify_partner

    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    for n in range(99):
        await notify_partner(partner_id, "test", "Your registration was approved.", {"n": n})
    assert '<span class="badge">99</span>' in (await client.get("/dashboard")).text
    for n in range(30):
        await notify_partner(partner_id, "test", "Your registration was approved.", {"n": n})
    assert '<span class="badge">99+</span>' in (await client.get("/dashboard")).text


async def test_approving_publishes_one_event_and_knows_nothing_of_points():
    seen: list[ClaimDecided] = []

    async def collect(event: ClaimDecided) -> None:
        seen.append(event)

    events.subscribe(ClaimDecided, collect)
    try:
        product_id = await f.product()
        claim_id = await f.claim(await f.dealer(), product_id)
        await services.decide(await f.company(), claim_id, "approve")
    finally:
        events._subscribers[ClaimDecided].remove(collect)
    assert [(e.claim_id, e.status) for e in seen] == [(claim_id, "approved")]


async def test_second_manager_sees_already_decided_by_the_first():
    product_id = await f.product()
    claim_id = await f.claim(await f.dealer(), product_id)
    first = await f.current(await f.user(Role.MANAGER, full_name="Мария Первая"))
    await services.decide(first, claim_id, "approve")
    with pytest.raises(Conflict) as refused:
        await services.decide(await f.company(), claim_id, "reject", reason="other")
    assert "Мария Первая" in refused.value.message


async def test_nobody_decides_a_claim_they_submitted():
    product_id = await f.product()
    manager = await f.company()
    # A manager registering on a partner's behalf (bulk import) is the submitter.
    partner_id = await f.partner()
    claim_id = await f.claim(manager.__class__(**{**manager.__dict__, "partner_id": partner_id}), product_id)
    with pytest.raises(Forbidden):
        await services.decide(manager, claim_id, "approve")


async def test_reject_needs_a_reason_and_the_form_says_so(client):
    product_id = await f.product()
    claim_id = await f.claim(await f.dealer(), product_id)
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, f"/review/{claim_id}/decide", {"action": "reject", "text": "нет"})
    assert response.status_code == 400
    assert "Выберите причину отклонения." in response.text
    ok = await f.post_form(client, f"/review/{claim_id}/decide", {"action": "reject", "reason": "no_proof",
                                                                   "text": "Нет счёта"})
    assert ok.status_code == 303
    claim = await Claim.select().where(Claim.id == claim_id).first()
    assert (claim["status"], claim["decision_reason"], claim["decision_text"]) == ("rejected", "no_proof", "Нет счёта")


async def test_bulk_approve_decides_the_open_ones_and_reports_the_rest(client):
    product_id = await f.product()
    dealer = await f.dealer()
    open_ids = [await f.claim(dealer, product_id) for _ in range(3)]
    decided = await f.claim(dealer, product_id)
    await services.decide(await f.company(), decided, "reject", reason="other")
    await f.login_as(client, Role.MANAGER)
    page = await f.post_form(client, "/review/bulk-approve", {"claim_ids": [str(i) for i in open_ids + [decided]]})
    assert page.status_code == 200
    assert "Одобрено 3 регистрации" in page.text and f"#{decided}" in page.text
    statuses = {r["id"]: r["status"] for r in await Claim.select(Claim.id, Claim.status)}
    assert [statuses[i] for i in open_ids] == ["approved"] * 3 and statuses[decided] == "rejected"


async def test_export_matches_the_filtered_queue(client):
    north = await f.partner(region="north_west", legal_name="ООО «Северный»")
    product_id = await f.product(sku="K-24", name="Котёл")
    await f.claim(await f.dealer(north), product_id, amount="1 000,00")
    await f.claim(await f.dealer(), product_id)
    await f.login_as(client, Role.MANAGER)
    response = await client.get("/review/export/csv", params={"region": "north_west"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Регистрация", "Зарегистрирована", "Статус"]
    assert len(rows) == 2 and "ООО «Северный»" in rows[1] and "100000" in rows[1]
    xlsx = await client.get("/review/export/xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3 and sheet["G2"].value == "K-24"
