"""The dealer's and the manager's dashboards: what a partner sees first, with words instead of codes."""

from __future__ import annotations

import datetime as dt

from portal.accounts.roles import Role
from portal.claims import services as claims
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.periods import services as periods
from portal.settings import get_settings
from tests import factories as f
from tests.plans.test_fulfilment import approved, points_rule, set_plan


async def test_pending_points_say_when_they_become_available(client):
    partner_id = await f.partner()
    product_id = await f.product()
    await points_rule(value=250)
    await approved(await f.dealer(partner_id), product_id, quantity=2)
    accrual = await Transfer.select(Transfer.created_at).where(Transfer.kind == "accrual").first()
    day = accrual["created_at"].astimezone(dt.timezone.utc).date() + dt.timedelta(
        days=get_settings().app.points_hold_days)
    assert await ledger.pending_releases(partner_id) == [{"releases_on": day, "points": 500}]
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    page = (await client.get("/dashboard")).text
    from portal.i18n import format_date

    assert f"500 баллов станут доступны {format_date(day, 'd MMMM', 'ru')}." in page
    history = (await client.get("/points")).text
    assert f"Станут доступны {format_date(day, 'd MMMM', 'ru')}" in history
    assert 'data-effect="neutral"' in history  # waiting in pending is not yet a gain


async def test_released_points_no_longer_wait(client):
    partner_id = await f.partner()
    await points_rule(value=100)
    await approved(await f.dealer(partner_id), await f.product())
    await ledger.release_due(today=dt.date.today() + dt.timedelta(days=400))
    assert await ledger.pending_releases(partner_id) == []
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    history = (await client.get("/points")).text
    assert "Станут доступны" not in history
    assert 'data-effect="gain"' in history  # the release is what makes them usable


async def test_the_dashboard_lists_recent_claims_with_their_status_in_words(client):
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product(name="Котёл К7")
    first = await f.claim(dealer, product_id)
    await claims.decide(await f.company(), first, "reject", reason="no_proof")
    await f.claim(dealer, product_id)
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    page = (await client.get("/dashboard")).text
    recent = page.split('id="recent-claims"')[1].split("</section>")[0]
    assert f"#{first} · Котёл К7" in recent
    assert "Отклонена" in recent and "На проверке" in recent
    assert ">rejected<" not in recent and ">submitted<" not in recent
    assert 'class="button cta-register"' in page


async def test_the_plan_shows_its_period_by_name_and_its_ladder_steps(client):
    partner_id = await f.partner()
    await set_plan(partner_id)
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    part = (await client.get("/dashboard/plan")).text
    span = periods.current_span()
    from portal.i18n import format_period

    assert format_period(span.code, "ru") in part and span.code not in part.split("<h2>")[1].split("</h2>")[0]
    assert [s for s in ("8000", "10000", "12000") if f'data-step="{s}"' in part] == ["8000", "10000", "12000"]
    await f.post_form(client, "/lang", {"lang": "en"})
    en = (await client.get("/dashboard/plan")).text
    assert format_period(span.code, "en") in en  # "November 2026"


async def test_the_manager_sees_claims_waiting_and_flagged_with_proper_plurals(client):
    product_id = await f.product(serial_pattern=r"S\d+")
    north, south = await f.partner(), await f.partner()
    await f.claim(await f.dealer(north), product_id, serials="S1")
    await f.claim(await f.dealer(north), product_id, serials="S2")
    await claims.flag_serial_attempt(["S1"], south)
    await f.login_as(client, Role.MANAGER)
    page = (await client.get("/dashboard")).text
    tile = page.split('data-tile="review-open"')[1].split("</a>")[0]
    assert ">2<" in tile and "регистрации ждут проверки" in tile
    flagged = page.split('data-tile="review-flagged"')[1].split("</a>")[0]
    assert ">1<" in flagged and "регистрация с отметкой" in flagged
    applications = page.split('data-tile="applications"')[1].split("</a>")[0]
    assert "заявок партнёров на проверку" in applications  # 0: the genitive plural
