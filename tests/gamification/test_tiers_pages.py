"""Tier-only prizes are refused by the catalogue's service (a crafted POST too); the admin edits the ladder;
managers read the engagement page and export it."""

from __future__ import annotations

import pytest

from catalog import services as catalog
from catalog.tables import CartLine, PrizeOrder
from portal.accounts.roles import Role
from portal.audit.tables import AuditEntry
from portal.db import company_today
from portal.errors import ValidationFailed
from portal.gamification import tiers
from portal.gamification.tables import PartnerTier
from portal.ledger import services as ledger
from tests import factories as f
from tests.catalog.helpers import DELIVERY, give_points, order, prize


async def make_gold(partner_id: int) -> None:
    await tiers.ensure_ladder()
    await PartnerTier.insert(PartnerTier(partner=partner_id, tier="gold", earned_12m=60_000))


async def test_a_gold_prize_is_shown_locked_and_refused_by_the_service_below_gold(client):
    partner_id = await f.partner()
    await give_points(partner_id, 50_000)
    gold_prize = await prize(points=1000, min_tier="gold")
    dealer = await f.dealer(partner_id)
    with pytest.raises(catalog.TierTooLow):
        await catalog.add_to_cart(dealer, gold_prize, None)
    with pytest.raises(catalog.TierTooLow):
        await order(dealer, gold_prize)
    assert await PrizeOrder.count() == 0
    assert await ledger.balance(partner_id, ledger.AVAILABLE) == 50_000
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    shelf = (await client.get("/catalog/")).text
    assert 'data-min-tier="gold"' in shelf and "с уровня «Золото»" in shelf
    page = (await client.get(f"/catalog/prizes/{gold_prize}")).text
    assert "для партнёров уровня «Золото» и выше" in page and 'action="/catalog/cart"' not in page


async def test_a_crafted_post_cannot_put_a_locked_prize_in_the_cart_or_through_checkout(client):
    partner_id = await f.partner()
    await give_points(partner_id, 50_000)
    gold_prize = await prize(points=1000, min_tier="gold")
    user_id = await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    response = await f.post_form(client, "/catalog/cart", {"prize_id": gold_prize, "quantity": "1"})
    assert response.status_code == 403 and "Золото" in response.text
    assert await CartLine.count() == 0
    # A line that got into the cart anyway (put there while the partner was Gold, say) is refused at checkout.
    await CartLine.insert(CartLine(key=f"{user_id}:{gold_prize}:0", user=user_id, prize=gold_prize, quantity=1))
    response = await f.post_form(client, "/catalog/checkout", {"token": "t-crafted-1234567", "recipient": "Иван",
                                                               "address": DELIVERY.address, "phone": DELIVERY.phone})
    assert response.status_code == 403
    assert await PrizeOrder.count() == 0 and await ledger.balance(partner_id, ledger.AVAILABLE) == 50_000


async def test_a_gold_partner_orders_the_gold_prize():
    partner_id = await f.partner()
    await give_points(partner_id, 5000)
    await make_gold(partner_id)
    gold_prize = await prize(points=1000, min_tier="gold")
    silver_prize = await prize(points=1000, min_tier="silver")
    dealer = await f.dealer(partner_id)
    assert await order(dealer, gold_prize) and await order(dealer, silver_prize)
    assert await ledger.balance(partner_id, ledger.AVAILABLE) == 3000


async def test_a_prizes_min_tier_must_name_a_tier():
    with pytest.raises(ValidationFailed) as refused:
        await prize(min_tier="diamond")
    assert "min_tier" in refused.value.errors


async def test_the_admin_edits_a_tier_and_bad_input_re_renders_with_messages(client):
    await f.login_as(client, Role.ADMIN)
    form = (await client.get("/admin/tiers/gold")).text
    assert 'value="60000"' in form and 'value="1,1"' in form
    bad = await f.post_form(client, "/admin/tiers/gold", {"name_ru": "Золото", "name_en": "Gold",
                                                         "threshold_points": "10000", "colour": "gold",
                                                         "multiplier": "0,5"})
    assert bad.status_code == 400
    assert "#rrggbb" in bad.text and "от 1 до 5" in bad.text
    assert (await tiers.tier("gold"))["colour"] == "#b8860b"  # nothing written
    low = await f.post_form(client, "/admin/tiers/gold", {"name_ru": "Золото", "name_en": "Gold",
                                                         "threshold_points": "10000", "colour": "#AA8800",
                                                         "multiplier": "1,15"})
    assert low.status_code == 400 and "выше, чем у уровня ниже" in low.text
    ok = await f.post_form(client, "/admin/tiers/gold", {"name_ru": "Золото+", "name_en": "Gold+",
                                                        "threshold_points": "50000", "colour": "#AA8800",
                                                        "multiplier": "1,15", "benefits_ru": "Всё лучшее"})
    assert ok.status_code == 303
    gold = await tiers.tier("gold")
    assert (gold["name_ru"], gold["threshold_points"], gold["colour"], gold["multiplier_bp"]) == (
        "Золото+", 50_000, "#aa8800", 11_500)
    assert await AuditEntry.exists().where(AuditEntry.action == "tier.updated")
    ladder = (await client.get("/admin/tiers")).text
    assert "Золото+" in ladder and 'fill="#aa8800"' in ladder


async def test_the_engagement_page_draws_each_section_and_exports_it(client):
    first, second, third = await f.partner(), await f.partner(), await f.partner()
    await make_gold(first)
    await tiers._credit(second, "test:a", tiers.month_of(company_today()), 100)
    await f.login_as(client, Role.MANAGER)
    page = (await client.get("/manage/engagement/")).text
    for key in ("active", "tiers", "moves"):
        assert f'data-section="{key}"' in page
    assert "<svg" in page and 'fill="#b8860b"' in page  # Gold's bar in Gold's colour
    export = await client.get("/manage/engagement/tiers/export/csv")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Уровень;")
    counts = {line.split(";")[0]: line.split(";")[2] for line in lines[1:]}
    assert counts["Золото"] == "1" and counts["Бронза"] == "2"
    active = (await client.get("/manage/engagement/active/export/xlsx"))
    assert active.status_code == 200 and active.content[:2] == b"PK"
    assert (await client.get("/manage/engagement/nothing/export/csv")).status_code == 404


async def test_the_partner_pages_show_the_tier(client):
    gold, newcomer = await f.partner(), await f.partner()
    await make_gold(gold)
    await f.login_as(client, Role.ADMIN)
    card = (await client.get(f"/admin/partners/{gold}")).text
    assert 'data-tier="gold"' in card and 'data-earned="60000"' in card
    listing = (await client.get("/admin/partners/")).text
    assert 'data-tier="gold"' in listing and 'data-tier="bronze"' in listing
    await f.login_as(client, Role.MANAGER)
    managed = (await client.get("/manage/partners/?status=active")).text
    assert 'data-tier="gold"' in managed


async def test_the_engagement_page_shows_who_holds_each_badge_and_who_plays_each_contest(client):
    from portal.audit.services import SYSTEM
    from portal.gamification import contests
    from portal.gamification.tables import BadgeAward, BadgeRule, ContestStanding
    from tests.gamification.test_contests import contest_form
    from portal.gamification.forms_contests import parse

    a, b = await f.partner(), await f.partner()
    rule = (await BadgeRule.insert(BadgeRule(code="first_sale", name_ru="Первая продажа", name_en="First sale",
                                             condition="{}")).returning(BadgeRule.id))[0]["id"]
    await BadgeAward.insert(BadgeAward(key=f"{rule}:{a}:", rule=rule, partner=a))
    contest_id = await contests.create(SYSTEM, parse(contest_form(name="Котлы декабря")))
    await contests.start(SYSTEM, contest_id)
    await ContestStanding.insert(ContestStanding(key=f"{contest_id}:{b}", contest=contest_id, partner=b, value=3,
                                                 claims=1))
    await f.login_as(client, Role.MANAGER)
    page = (await client.get("/manage/engagement/")).text
    assert 'data-section="badges"' in page and 'data-section="contests"' in page
    badges = (await client.get("/manage/engagement/badges/export/csv")).content.decode("utf-8-sig").splitlines()
    assert badges[1].startswith("Первая продажа;1;")
    played = (await client.get("/manage/engagement/contests/export/csv")).content.decode("utf-8-sig").splitlines()
    assert played[1].startswith("Котлы декабря;1;0;")
