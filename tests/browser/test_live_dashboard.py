"""Live, but cheap: an open page learns of a manager's decision through /live alone. While nothing changes it asks
/live only (a 304 without a body), never the balances or the plan; after an approval the balance and the bell of
the open dashboard, and the status of an open claim, change without a reload."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.rewards import services as rewards
from tests import factories as f
from tests.browser.test_phone_flows import _sign_in

pytestmark = pytest.mark.browser


async def _points_rule() -> None:
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "per_unit", "value": "300", "unit": "points",
        "valid_from": "2020-01-01"}))


async def _until(page, check, timeout_ms: int) -> None:
    for _ in range(timeout_ms // 250):
        if check():
            return
        await page.wait_for_timeout(250)
    assert check()


def _record(page) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    page.on("response", lambda r: seen.append((urlsplit(r.url).path.lstrip("/"), r.status)))
    return seen


async def test_an_approval_updates_the_open_dashboards_balance_and_bell(live_server, phone):
    await _points_rule()
    product_id = await f.product(name="Котёл")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id)
    claim_id = await f.claim(await f.current(dealer), product_id, quantity="2")
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/dashboard")
    seen = _record(phone)
    await phone.evaluate("window.__sameDocument = true")
    pending = phone.locator('[data-balance="points_pending"]')
    await expect(pending).to_have_text("0")
    await expect(phone.locator("#bell .badge")).to_have_count(0)

    # nothing changes: the page asks /live, hears 304, and asks nothing else
    await _until(phone, lambda: ("live", 304) in seen, 25_000)
    assert not [u for u, _ in seen if u.startswith("dashboard/")]

    await claims.decide(await f.company(), claim_id, "approve")
    await expect(pending).to_have_text("600", timeout=30_000)  # the next ask hears the change
    await expect(phone.locator("#bell .badge")).to_have_text("1")
    assert await phone.evaluate("window.__sameDocument === true")
    assert ("live", 200) in seen
    assert {u for u, _ in seen if u.startswith("dashboard/")} == {"dashboard/balances", "dashboard/plan", "dashboard/game"}


async def test_an_open_claim_shows_its_new_status_without_a_reload(live_server, phone):
    product_id = await f.product(name="Котёл")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    claim_id = await f.claim(await f.current(dealer), product_id)
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + f"/claims/{claim_id}")
    await expect(phone.locator("#claim-status")).to_have_class("tag claim-submitted")
    await phone.evaluate("window.__sameDocument = true")
    await claims.decide(await f.company(), claim_id, "reject", reason="no_proof")
    await expect(phone.locator("#claim-status")).to_have_class("tag claim-rejected", timeout=30_000)
    assert await phone.evaluate("window.__sameDocument === true")


async def test_a_hidden_tab_does_not_ask(live_server, phone):
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    await _sign_in(phone, live_server, await f.email_of(dealer))
    await phone.wait_for_url("**/dashboard")
    await phone.goto(live_server + "/dashboard")
    seen = _record(phone)
    await phone.evaluate("""() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    }""")
    await phone.wait_for_timeout(13_000)  # past the first 10 s wait
    assert not [u for u, _ in seen if u.startswith("live")]
    await phone.evaluate("""() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
      document.dispatchEvent(new Event("visibilitychange"));
    }""")
    await _until(phone, lambda: len([u for u, _ in seen if u.startswith("live")]) == 1, 5_000)
