"""A dealer registers work from a phone: the form, its checks and a claim's life before review."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.accounts.roles import Role
from portal.claims import services
from portal.claims.tables import Claim, ClaimFlag, ClaimSerial
from portal.db import company_today
from portal.errors import Conflict, ValidationFailed
from tests import factories as f

PATTERN = r"TT-\d{6}"


async def _submit_http(client, product_id, files=None, **overrides):
    data = f.claim_form(product_id, **overrides)
    return await f.post_form(client, "/claims/new", data, files=files or {"photos": ("", b"", "application/octet-stream")})


async def test_dealer_registers_a_sale_and_sees_it_in_their_list(client):
    product_id = await f.product(name="Котёл Термо 24", serial_pattern=PATTERN)
    await f.login_as(client, Role.PARTNER_STAFF)
    response = await _submit_http(client, product_id, serials="tt-123456", amount="45 990,50",
                                  files={"photos": ("invoice.jpg", f.jpeg(), "image/jpeg")})
    assert response.status_code == 303
    claim = await Claim.select().first()
    assert claim["amount_kop"] == 4599050 and claim["serials"] == "TT-123456" and claim["status"] == "submitted"
    assert response.headers["location"] == f"/claims/{claim['id']}?registered=1"
    assert response.headers["x-content-type-options"] == "nosniff" and "content-security-policy" in response.headers
    page = await client.get(response.headers["location"])
    assert "Зарегистрировать ещё" in page.text
    listing = await client.get("/claims/")
    assert "Котёл Термо 24" in listing.text and "45\xa0990,50\xa0₽" in listing.text


async def test_the_form_starts_with_the_last_product_used(client):
    product_id = await f.product(name="Котёл Повтор")
    await f.login_as(client, Role.PARTNER_STAFF)
    await _submit_http(client, product_id)
    form = await client.get("/claims/new")
    assert f'value="p:{product_id}" checked' in form.text


async def test_a_double_tap_creates_exactly_one_claim(client):
    product_id = await f.product()
    await f.login_as(client, Role.PARTNER_STAFF)
    data = f.claim_form(product_id)
    first = await f.post_form(client, "/claims/new", data, files={"photos": ("", b"", "application/octet-stream")})
    second = await f.post_form(client, "/claims/new", data, files={"photos": ("", b"", "application/octet-stream")})
    assert first.headers["location"].split("?")[0] == second.headers["location"].split("?")[0]
    assert await Claim.count() == 1


async def test_a_serial_claimed_by_another_partner_is_refused_without_naming_them(client):
    product_id = await f.product(serial_pattern=PATTERN)
    first_dealer = await f.dealer(await f.partner(legal_name="ООО «Первый»"))
    owner_claim = await f.claim(first_dealer, product_id, serials="TT-000001")
    await f.login_as(client, Role.PARTNER_STAFF)
    response = await _submit_http(client, product_id, serials="TT-000001", comment="моя продажа")
    assert response.status_code == 400
    assert "Серийный номер TT-000001 уже зарегистрирован в программе." in response.text
    assert "Первый" not in response.text
    assert "моя продажа" in response.text  # the form keeps what was typed
    flag = await ClaimFlag.select().where(ClaimFlag.claim == owner_claim).output(load_json=True).first()
    assert flag["kind"] == "duplicate_serial" and flag["detail"]["serial"] == "TT-000001"
    assert (await Claim.select(Claim.flagged).where(Claim.id == owner_claim).first())["flagged"]
    assert await Claim.count() == 1


@pytest.mark.parametrize(("overrides", "message"), [
    ({"serials": "XX-1"}, "не соответствует формату"),
    ({"serials": "TT-000001\nTT-000002", "quantity": "1"}, "ожидается 1, введено 2"),
    ({"serials": "TT-000001\nTT-000001", "quantity": "2"}, "введён дважды"),
    ({"quantity": "0"}, "Количество должно быть от 1 до 1000."),
    ({"quantity": "1001"}, "Количество должно быть от 1 до 1000."),
    ({"amount": "0"}, "Сумма должна быть больше нуля"),
    ({"amount": "сто рублей"}, "Введите сумму в рублях"),
    ({"sold_on": (company_today() + dt.timedelta(days=1)).isoformat()}, "Дата не может быть в будущем."),
    ({"sold_on": (company_today() - dt.timedelta(days=400)).isoformat()}, "Дата больше года назад."),
    ({"item": "p:999999"}, "Выберите товар или вид работ из списка."),
])
async def test_bad_input_is_refused_with_a_clear_message(client, overrides, message):
    product_id = await f.product(serial_pattern=PATTERN)
    await f.login_as(client, Role.PARTNER_STAFF)
    overrides.setdefault("serials", "TT-000001")
    response = await _submit_http(client, product_id, **overrides)
    assert response.status_code == 400
    assert message in response.text
    assert await Claim.count() == 0


async def test_job_types_are_registered_without_a_product(client):
    from portal.products.tables import JobType

    job = JobType(code="INSTALL", name="Монтаж котла", search_name="install монтаж котла")
    await job.save()
    await f.login_as(client, Role.PARTNER_ADMIN)
    data = f.claim_form(0, item=f"j:{job.id}", amount="7 000")
    response = await f.post_form(client, "/claims/new", data, files={"photos": ("", b"", "application/octet-stream")})
    assert response.status_code == 303
    claim = await Claim.select().first()
    assert claim["job_type"] == job.id and claim["product"] is None and claim["amount_kop"] == 700000


async def test_search_as_you_type_returns_matching_products(client):
    await f.product(name="Котёл Альфа", sku="ALPHA-1")
    await f.product(name="Бойлер Бета", sku="BETA-1")
    await f.login_as(client, Role.PARTNER_STAFF)
    partial = await client.get("/claims/items", params={"q": "альф"}, headers={"HX-Request": "true"})
    assert "Котёл Альфа" in partial.text and "Бойлер Бета" not in partial.text
    assert "<html" not in partial.text
    page = await client.get("/claims/items", params={"q": "beta"})  # the no-JS page
    assert "Бойлер Бета" in page.text and "/claims/new?item=" in page.text


async def test_partner_withdraws_before_a_decision_and_the_serial_is_free_again():
    product_id = await f.product(serial_pattern=PATTERN)
    dealer = await f.dealer()
    claim_id = await f.claim(dealer, product_id, serials="TT-000009")
    await services.withdraw(dealer, claim_id)
    assert await ClaimSerial.count() == 0
    again = await f.claim(dealer, product_id, serials="TT-000009")
    assert again != claim_id


async def test_a_decided_claim_cannot_be_withdrawn():
    product_id = await f.product()
    dealer = await f.dealer()
    claim_id = await f.claim(dealer, product_id)
    await services.decide(await f.company(), claim_id, "approve")
    with pytest.raises(Conflict):
        await services.withdraw(dealer, claim_id)


async def test_another_partners_claim_is_a_404(client):
    product_id = await f.product()
    claim_id = await f.claim(await f.dealer(), product_id)
    await f.login_as(client, Role.PARTNER_ADMIN)
    assert (await client.get(f"/claims/{claim_id}")).status_code == 404
    assert (await f.post_form(client, f"/claims/{claim_id}/withdraw")).status_code == 404


async def test_needs_info_then_resubmit_then_approve():
    product_id = await f.product()
    dealer = await f.dealer()
    manager = await f.company()
    claim_id = await f.claim(dealer, product_id)
    with pytest.raises(ValidationFailed):
        await services.decide(manager, claim_id, "needs_info", text="")
    await services.decide(manager, claim_id, "needs_info", text="Приложите фото гарантийного талона")
    await services.resubmit(dealer, claim_id, "Вот талон", [f.jpeg(seed=7)])
    assert (await Claim.select(Claim.status).where(Claim.id == claim_id).first())["status"] == "resubmitted"
    await services.decide(manager, claim_id, "approve")
    claim = await services.get_claim(manager, claim_id)
    assert [e["to_status"] for e in claim["history"]] == ["submitted", "needs_info", "resubmitted", "approved"]
    assert len(claim["photos"]) == 1


async def test_partner_edits_a_claim_before_a_decision_but_not_after(client):
    product_id = await f.product(serial_pattern=PATTERN)
    partner_id = await f.partner()
    user_id = await f.user(Role.PARTNER_STAFF, partner_id)
    claim_id = await f.claim(await f.current(user_id), product_id, serials="TT-000001")
    await f.login(client, await f.email_of(user_id))
    form = await client.get(f"/claims/{claim_id}/edit")
    assert "TT-000001" in form.text and "45 990,00" in form.text
    data = f.claim_form(product_id, serials="TT-000002", amount="50 000")
    saved = await f.post_form(client, f"/claims/{claim_id}/edit", data,
                              files={"photos": ("", b"", "application/octet-stream")})
    assert saved.status_code == 303
    claim = await Claim.select().where(Claim.id == claim_id).first()
    assert (claim["serials"], claim["amount_kop"]) == ("TT-000002", 5000000)
    assert {r["serial"] for r in await ClaimSerial.select(ClaimSerial.serial)} == {"TT-000002"}
    await services.decide(await f.company(), claim_id, "approve")
    late = await f.post_form(client, f"/claims/{claim_id}/edit", data,
                             files={"photos": ("", b"", "application/octet-stream")})
    assert late.status_code == 409


async def test_a_resend_after_the_product_was_retired_still_answers_with_the_first_claim():
    """The offline queue resends a form whose answer it never got; what changed meanwhile must not turn the
    registered claim into a field error (nor into a second claim)."""
    from portal.products.tables import Product

    dealer = await f.dealer()
    product_id = await f.product()
    form = f.claim_form(product_id)
    first = await services.submit(dealer, dict(form), [])
    await Product.update({Product.is_active: False}).where(Product.id == product_id)
    again = await services.submit(dealer, dict(form), [])
    assert (again.claim_id, again.created) == (first.claim_id, False)
    assert await Claim.count() == 1
