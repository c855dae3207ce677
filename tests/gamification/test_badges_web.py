"""Badge pages: the partner's shelf with progress and art, the dashboard's celebration, the admin's rules."""

from __future__ import annotations

from portal.accounts.roles import Role
from portal.claims import services as claims
from portal.gamification.tables import BadgeAward, BadgeRule
from tests import factories as f
from tests.gamification.test_badges import approved, rule


async def test_the_shelf_shows_earned_and_locked_badges_with_progress(client):
    await rule("first", "sales", n=1, points=50)
    await rule("ten", "sales", n=10)
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    dealer = await f.dealer(partner_id)
    product = await f.product()
    for _ in range(3):
        await approved(dealer, product)
    page = await client.get("/badges")
    assert page.status_code == 200
    text = page.text
    assert "Значок first" in text and "Значок ten" in text
    assert "3 из 10" in text and '<progress class="progress" max="10" value="3">' in text
    assert text.count('class="badge-art locked"') == 1 and text.count("<svg") >= 2
    assert "style=" not in text.split("<main", 1)[-1]  # CSP: no inline styles in the art


async def test_a_new_badge_is_celebrated_once_on_the_dashboard(client):
    await rule("first", "sales", n=1)
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    dealer = await f.dealer(partner_id)
    first = await client.get("/dashboard")
    assert "data-celebrate" not in first.text
    await approved(dealer, await f.product())
    page = await client.get("/dashboard")
    assert "data-celebrate" in page.text and "Новое достижение: Значок first" in page.text
    assert "1 неделя подряд" in page.text
    again = await client.get("/dashboard")  # seen: the kept dashboard is made afresh, without it
    assert again.status_code == 200 and "data-celebrate" not in again.text
    assert (await BadgeAward.select(BadgeAward.seen).first())["seen"] is True


async def test_another_partners_badge_page_shows_only_my_progress(client):
    await rule("first", "sales", n=1)
    other = await f.dealer()
    await approved(other, await f.product())
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    page = await client.get("/badges/first")
    assert page.status_code == 200 and "Получено" not in page.text and 'class="badge-art locked"' in page.text
    assert (await client.get("/badges/nope")).status_code == 404


async def test_an_admin_creates_and_edits_a_badge_and_a_bad_form_keeps_the_input(client):
    await f.login_as(client, Role.ADMIN)
    form = {"code": "pumps5", "name_ru": "Насосник", "name_en": "Pump pro", "kind": "sales", "n": "5",
            "scope": "category", "value": "", "reward_points": "200", "shape": "shield", "colour": "#228833",
            "glyph": "bolt", "active": "1"}
    bad = await f.post_form(client, "/admin/badges/new", form)
    assert bad.status_code == 400 and "Укажите товар или категорию." in bad.text and 'value="Насосник"' in bad.text
    created = await f.post_form(client, "/admin/badges/new", form | {"value": "pumps"})
    assert created.status_code == 303
    row = await BadgeRule.select().where(BadgeRule.code == "pumps5").first()
    assert row["reward_points"] == 200 and row["event"] == "claim_approved" and row["per_period"] is False
    listing = await client.get("/admin/badges")
    assert "Насосник" in listing.text and "5 подтверждённых продаж в категории «Насосы»" in listing.text
    edit = await f.post_form(client, f"/admin/badges/{row['id']}", form | {"value": "pumps", "code": "other"})
    assert edit.status_code == 400 and "Код достижения нельзя изменить." in edit.text
    ok = await f.post_form(client, f"/admin/badges/{row['id']}", form | {"value": "pumps", "n": "7"})
    assert ok.status_code == 303
    assert "7 подтверждённых продаж" in (await client.get("/admin/badges")).text
    duplicate = await f.post_form(client, "/admin/badges/new", form | {"value": "pumps"})
    assert duplicate.status_code == 400 and "уже есть" in duplicate.text


async def test_a_revoked_approval_keeps_the_badge_on_the_shelf(client):
    await rule("first", "sales", n=1)
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    dealer = await f.dealer(partner_id)
    claim_id = await approved(dealer, await f.product())
    await claims.revoke_approval(await f.company(), claim_id, "ошибка")
    page = await client.get("/badges")
    assert 'class="badge-art locked"' not in page.text and "Получено" in page.text
