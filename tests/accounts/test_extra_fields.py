"""Every account form reads only the fields its user may set: extra posted fields change nothing."""

from __future__ import annotations

from portal.accounts.roles import PartnerStatus, Role
from portal.accounts.tables import Invitation, Partner, User
from tests import factories as f
from tests.accounts.test_joining import VALID_INN, registration

EXTRA = {
    "partner_group": "key_dealers",
    "status": "active",
    "role": "admin",
    "partner_id": "1",
    "partner": "1",
    "is_admin": "1",
    "is_active": "1",
    "email": "someone.else@example.com",
    "password_hash": "x",
    "id": "1",
}


async def test_registration_ignores_partner_group_status_and_role(client):
    response = await f.post_form(client, "/register/", registration() | EXTRA)
    assert response.status_code == 303
    partner = await Partner.select().where(Partner.inn == VALID_INN).first()
    assert partner["partner_group"] == "" and partner["status"] == PartnerStatus.PENDING
    user = await User.select().where(User.email == "petr@example.com").first()
    assert user["role"] == Role.PARTNER_ADMIN and user["partner"] == partner["id"]
    assert partner["email"] == "petr@example.com"  # the company's address is the contact's, not an extra field


async def test_invitation_acceptance_takes_only_the_name_and_password(client, another_client):
    partner_id = await f.partner()
    other_partner = await f.partner()
    await f.login_as(client, Role.PARTNER_ADMIN, partner_id)
    page = await f.post_form(client, "/team/invitations", {"email": "joiner@example.com", "role": "partner_staff"})
    path = page.text.split('class="copy" type="text" readonly value="')[1].split('"')[0].split("testserver.local")[1]
    extra = EXTRA | {"partner_id": str(other_partner), "partner": str(other_partner)}
    joined = await f.post_form(another_client, path, extra | {"full_name": "Анна Новая", "password": "new-pass-123",
                                                              "password_confirm": "new-pass-123"})
    assert joined.status_code == 303
    user = await User.select().where(User.email == "joiner@example.com").first()
    assert user["role"] == Role.PARTNER_STAFF and user["partner"] == partner_id
    assert not await User.exists().where(User.email == "someone.else@example.com")


async def test_team_invitation_stays_in_the_inviters_company_and_partner_roles(client):
    partner_id = await f.partner()
    other_partner = await f.partner()
    await f.login_as(client, Role.PARTNER_ADMIN, partner_id)
    ok = await f.post_form(client, "/team/invitations", EXTRA | {"email": "x1@example.com", "role": "partner_staff",
                                                                 "partner_id": str(other_partner)})
    assert ok.status_code == 200
    invitation = await Invitation.select().where(Invitation.email == "x1@example.com").first()
    assert invitation["partner"] == partner_id and invitation["role"] == Role.PARTNER_STAFF
    admin_role = await f.post_form(client, "/team/invitations", {"email": "x2@example.com", "role": "admin"})
    assert admin_role.status_code == 400
    assert not await Invitation.exists().where(Invitation.email == "x2@example.com")


async def test_password_change_changes_nothing_but_the_password(client):
    user_id = await f.login_as(client, Role.PARTNER_STAFF)
    before = await User.select(User.email, User.role, User.partner, User.is_active).where(User.id == user_id).first()
    response = await f.post_form(client, "/account/password", EXTRA | {
        "current_password": f.PASSWORD, "password": "river-stone-lantern-9", "password_confirm": "river-stone-lantern-9"})
    assert response.status_code == 303
    after = await User.select(User.email, User.role, User.partner, User.is_active).where(User.id == user_id).first()
    assert after == before
