"""A company joins: self-registration, a manager's approval, staff invitations."""

from __future__ import annotations

import datetime as dt

from portal.accounts.inn import make_inn10
from portal.accounts.roles import PartnerStatus, Role
from portal.accounts.tables import Invitation, Partner, User
from portal.audit.tables import AuditEntry
from portal.db import utcnow
from tests import factories as f

VALID_INN = make_inn10("770708389")


def registration(**overrides) -> dict:
    return {
        "legal_name": "ООО «Новый дилер»",
        "inn": VALID_INN,
        "partner_type": "dealer",
        "region": "north_west",
        "contact_name": "Пётр Новиков",
        "contact_email": "Petr@Example.com",
        "password": "long-enough-1",
        "password_confirm": "long-enough-1",
    } | overrides


async def test_company_registers_and_waits_for_approval(client):
    response = await f.post_form(client, "/register/", registration())
    assert response.status_code == 303
    partner = await Partner.select().where(Partner.inn == VALID_INN).first()
    assert partner["status"] == PartnerStatus.PENDING
    admin = await User.select().where(User.email == "petr@example.com").first()
    assert admin["role"] == Role.PARTNER_ADMIN and admin["partner"] == partner["id"]
    refused = await f.post_form(client, "/login", {"email": "petr@example.com", "password": "long-enough-1"})
    assert refused.status_code == 403


async def test_registration_with_bad_inn_keeps_the_input_and_explains(client):
    response = await f.post_form(client, "/register/", registration(inn="7707083894"))
    assert response.status_code == 400
    assert "контрольными цифрами" in response.text
    assert "ООО «Новый дилер»" in response.text  # what the user typed is still there
    assert "long-enough-1" not in response.text  # passwords are never echoed back
    assert await Partner.count() == 0


async def test_duplicate_inn_is_refused_with_the_reason(client):
    await f.partner(inn=VALID_INN)
    response = await f.post_form(client, "/register/", registration())
    assert response.status_code == 400
    assert "Партнёр с таким ИНН уже зарегистрирован." in response.text
    assert await User.count().where(User.email == "petr@example.com") == 0


async def test_mismatched_passwords_are_flagged_on_the_confirmation_field(client):
    response = await f.post_form(client, "/register/", registration(password_confirm="something-else"))
    assert response.status_code == 400
    assert "Пароли не совпадают." in response.text


async def test_manager_approves_a_registration_and_the_dealer_can_log_in(client, another_client):
    await f.post_form(client, "/register/", registration())
    partner_id = (await Partner.select(Partner.id).where(Partner.inn == VALID_INN).first())["id"]
    await f.login_as(another_client, Role.MANAGER)
    queue = await another_client.get("/manage/partners/")
    assert "ООО «Новый дилер»" in queue.text
    response = await f.post_form(another_client, f"/manage/partners/{partner_id}/approve")
    assert response.status_code == 303
    await f.login(client, "petr@example.com", "long-enough-1")
    assert (await client.get("/dashboard")).status_code == 200
    entry = await AuditEntry.select().where(AuditEntry.action == "partner.approved").first()
    assert entry["object_id"] == str(partner_id)


async def test_approval_through_htmx_returns_just_the_row(client):
    partner_id = await f.partner(status=PartnerStatus.PENDING.value, legal_name="ООО «Строка»")
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, f"/manage/partners/{partner_id}/approve", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li class="card row" id="partner-{partner_id}">')
    assert "Активен" in response.text


async def test_second_manager_sees_the_application_already_decided(client, another_client):
    partner_id = await f.partner(status=PartnerStatus.PENDING.value)
    await f.login_as(client, Role.MANAGER)
    await f.login_as(another_client, Role.MANAGER)
    await f.post_form(client, f"/manage/partners/{partner_id}/approve")
    late = await f.post_form(another_client, f"/manage/partners/{partner_id}/reject")
    assert late.status_code == 409
    assert "уже обработана" in late.text
    assert (await Partner.select(Partner.status).where(Partner.id == partner_id).first())["status"] == "active"


async def test_partner_admin_invites_a_colleague_who_joins_once(client, another_client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_ADMIN, partner_id)
    page = await f.post_form(client, "/team/invitations", {"email": "new.staff@example.com", "role": "partner_staff"})
    assert page.status_code == 200
    link = page.text.split('class="copy" type="text" readonly value="')[1].split('"')[0]
    path = link.split("testserver.local")[1]
    form = await another_client.get(path)
    assert form.status_code == 200
    joined = await f.post_form(another_client, path, {"full_name": "Анна Новая", "password": "new-pass-123",
                                                      "password_confirm": "new-pass-123"})
    assert joined.status_code == 303
    staff = await User.select().where(User.email == "new.staff@example.com").first()
    assert staff["partner"] == partner_id and staff["role"] == Role.PARTNER_STAFF
    again = await f.post_form(another_client, path, {"full_name": "Кто-то ещё", "password": "new-pass-123",
                                                     "password_confirm": "new-pass-123"})
    assert again.status_code == 404
    assert await User.count().where(User.email == "new.staff@example.com") == 1


async def test_revoking_another_partners_invitation_answers_404(client):
    other_admin = await f.user(Role.PARTNER_ADMIN)
    other_partner = (await User.select(User.partner).where(User.id == other_admin).first())["partner"]
    await Invitation.insert(Invitation(partner=other_partner, email="x@example.com", role="partner_staff",
                                       token_hash="0" * 64, invited_by=other_admin,
                                       expires_at=utcnow() + dt.timedelta(days=1)))
    invitation_id = (await Invitation.select(Invitation.id).first())["id"]
    await f.login_as(client, Role.PARTNER_ADMIN)
    response = await f.post_form(client, f"/team/invitations/{invitation_id}/revoke")
    assert response.status_code == 404
    assert (await Invitation.select(Invitation.revoked_at).first())["revoked_at"] is None


async def test_invitation_for_an_existing_email_answers_like_any_other_and_tells_the_owner(client, another_client):
    from portal.notifications.tables import Notification

    partner_id = await f.partner(legal_name="ООО «Приглашающий»")
    existing = await f.user(Role.MANAGER)
    await f.login_as(client, Role.PARTNER_ADMIN, partner_id)
    page = await f.post_form(client, "/team/invitations", {"email": await f.email_of(existing), "role": "partner_staff"})
    assert page.status_code == 200
    assert "Пользователь с таким email уже существует." not in page.text
    assert 'class="copy" type="text" readonly value="' in page.text  # a link, as for a new address
    note = await Notification.select().where(Notification.user == existing).first()
    assert note["kind"] == "account.invitation_email_in_use"
    path = page.text.split('class="copy" type="text" readonly value="')[1].split('"')[0].split("testserver.local")[1]
    joined = await f.post_form(another_client, path, {"full_name": "Второй Аккаунт", "password": "new-pass-123",
                                                      "password_confirm": "new-pass-123"})
    assert joined.status_code == 409  # the link cannot make a second account for the address
    assert await User.count().where(User.email == await f.email_of(existing)) == 1
