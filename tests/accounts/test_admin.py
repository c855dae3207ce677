"""Administration: partners, users, API tokens, and the audit trail they leave."""

from __future__ import annotations

from portal.accounts.inn import make_inn10
from portal.accounts.roles import Role
from portal.accounts.tables import ApiToken, Partner, User
from portal.audit.tables import AuditEntry
from tests import factories as f


async def test_admin_creates_a_partner_and_it_is_audited(client):
    admin_id = await f.login_as(client, Role.ADMIN)
    inn = make_inn10("123456789")
    response = await f.post_form(client, "/admin/partners/new", {
        "legal_name": "ООО «Админский»", "inn": inn, "partner_type": "installer", "region": "ural"})
    assert response.status_code == 303
    partner = await Partner.select().where(Partner.inn == inn).first()
    assert partner["status"] == "active"
    entry = await AuditEntry.select().where(AuditEntry.action == "partner.created").output(load_json=True).first()
    assert entry["actor_id"] == admin_id
    assert entry["after"]["inn"] == inn


async def test_admin_searches_partners_by_inn_prefix_and_name(client):
    await f.partner(legal_name="ООО «Альфа»", inn=make_inn10("900000001"))
    await f.partner(legal_name="ООО «Бета»", inn=make_inn10("800000001"))
    await f.login_as(client, Role.ADMIN)
    by_inn = await client.get("/admin/partners/", params={"q": "9000"})
    assert "Альфа" in by_inn.text and "Бета" not in by_inn.text
    by_name = await client.get("/admin/partners/", params={"q": "бета"})
    assert "Бета" in by_name.text


async def test_deactivating_a_partner_signs_out_its_users(client, another_client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    await f.login_as(another_client, Role.ADMIN)
    await f.post_form(another_client, f"/admin/partners/{partner_id}/deactivate")
    assert (await client.get("/dashboard")).status_code == 303
    entry = await AuditEntry.select().where(AuditEntry.action == "partner.deactivated").output(load_json=True).first()
    assert entry["before"] == {"status": "active"} and entry["after"] == {"status": "deactivated"}


async def test_admin_creates_a_user_with_field_errors_first(client):
    await f.login_as(client, Role.ADMIN)
    bad = await f.post_form(client, "/admin/users/new", {"email": "not-an-email", "full_name": "", "role": "partner_staff",
                                                         "password": "short"})
    assert bad.status_code == 400
    for message in ("Введите правильный адрес email.", "Обязательное поле.",
                    "Пользователю партнёра нужно указать партнёра.", "Пароль должен быть не короче 10 символов."):
        assert message in bad.text
    good = await f.post_form(client, "/admin/users/new", {"email": "fin@example.com", "full_name": "Фин Финыч",
                                                          "role": "finance", "password": "long-password"})
    assert good.status_code == 303
    assert await User.exists().where(User.email == "fin@example.com")


async def test_admin_cannot_deactivate_themselves(client):
    admin_id = await f.login_as(client, Role.ADMIN)
    response = await f.post_form(client, f"/admin/users/{admin_id}/deactivate")
    assert response.status_code == 409
    assert (await User.select(User.is_active).where(User.id == admin_id).first())["is_active"]


async def test_api_token_authenticates_until_revoked(client, another_client):
    await f.login_as(client, Role.ADMIN)
    dealer_id = await f.user(Role.PARTNER_ADMIN)
    page = await f.post_form(client, "/admin/tokens/", {"user_id": str(dealer_id), "name": "ERP"})
    raw = page.text.split('class="copy" type="text" readonly value="')[1].split('"')[0]
    me = await another_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert me.json()["id"] == dealer_id
    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    assert (await ApiToken.select(ApiToken.token_hash).first())["token_hash"] != raw  # only a hash is stored
    await f.post_form(client, f"/admin/tokens/{token_id}/revoke")
    refused = await another_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert refused.status_code == 401


async def test_api_ignores_the_session_cookie(client):
    await f.login_as(client, Role.ADMIN)
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_openapi_schema_lists_the_api(client):
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "/api/v1/me" in schema["paths"]
    assert not any(path.startswith("/admin") for path in schema["paths"])


async def test_audit_log_page_shows_who_did_what(client):
    await f.login_as(client, Role.ADMIN)
    inn = make_inn10("111222333")
    await f.post_form(client, "/admin/partners/new", {"legal_name": "ООО «След»", "inn": inn,
                                                      "partner_type": "dealer", "region": "south"})
    page = await client.get("/admin/audit/")
    assert "partner.created" in page.text and inn in page.text
