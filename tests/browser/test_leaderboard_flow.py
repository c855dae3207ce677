"""The leaderboard on a phone: the dealer finds its own row, hidden names stay hidden, a filter swaps the table
in place (htmx), and the league panel sits on the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.gamification import board, leagues
from portal.rewards import services as rewards
from tests import factories as f
from tests.browser.test_phone_flows import _fits_the_screen, _sign_in

pytestmark = pytest.mark.browser


async def test_a_dealer_sees_its_place_and_others_masked_on_a_phone(live_server, phone, tmp_path):
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "per_unit", "value": "100", "unit": "points",
        "valid_from": "2020-01-01"}))
    product_id = await f.product(name="Котёл")
    me = await f.partner(legal_name="ООО «Мой дилер»", region="south")
    rival = await f.partner(legal_name="ООО «Скрытный конкурент»", region="south")
    open_one = await f.partner(legal_name="ООО «Открытый»", region="ural")
    manager = await f.company()
    for pid, qty in ((rival, 7), (open_one, 5), (me, 3)):
        claim_id = await f.claim(await f.dealer(pid), product_id, quantity=str(qty))
        await claims.decide(manager, claim_id, "approve")
    await board.set_show_name(SYSTEM, open_one, True)
    await leagues.seed_season()
    user = await f.user(Role.PARTNER_ADMIN, me)
    await _sign_in(phone, live_server, await f.email_of(user))
    await phone.wait_for_url("**/dashboard")
    await expect(phone.locator(".league-panel")).to_contain_text("Место 3 из 3")

    await phone.goto(live_server + "/leaderboard")
    await expect(phone.locator(".board-me")).to_contain_text("Ваше место: 3")
    await expect(phone.locator("tr.own")).to_contain_text("ООО «Мой дилер»")
    await expect(phone.locator("#board")).to_contain_text(re.compile(r"Дилер №\d{7}"))  # a pseudonym, not the id
    assert f"Дилер №{rival}<" not in await phone.content()
    assert "Скрытный" not in await phone.content()
    assert await _fits_the_screen(phone)
    await phone.screenshot(path=str(tmp_path / "leaderboard.png"), full_page=True)

    await phone.evaluate("window.__sameDocument = true")
    await phone.select_option("#b-region", "south")  # htmx swaps the table; the page stays
    await expect(phone.locator("tr.own td").first).to_have_text("2")
    assert await phone.evaluate("window.__sameDocument === true")
    assert "Открытый" not in await phone.locator("#board").inner_text()
