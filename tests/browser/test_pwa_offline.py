"""Works offline: the claim form opens without a network, claims registered offline wait on the phone and reach
the server exactly once when the network is back, on the "online" event or on the next page load."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from portal.accounts.roles import Role
from portal.claims.tables import Claim, ClaimPhoto
from tests import factories as f
from tests.browser.test_phone_flows import _sign_in

pytestmark = pytest.mark.browser

WORKER_READY = """async () => {
  if (!window.caches) return false;
  if (!navigator.serviceWorker.controller) return false;
  const cache = await caches.open("premia-pages");
  return !!(await cache.match("/claims/new"));
}"""
QUEUE_SIZE = "() => window.PremiaOffline.queue.all().then(entries => entries.length)"


async def _installed(page, base: str, email: str) -> None:
    """Signed in on the dashboard, with the service worker in control and the claim form kept for offline use."""
    await _sign_in(page, base, email)
    await page.wait_for_url("**/dashboard")
    for _ in range(150):
        if await page.evaluate(WORKER_READY):
            return
        await page.wait_for_timeout(200)
    raise AssertionError("the service worker did not take control and keep the claim form within 30 s")


async def _register_offline(page, product_id: int, serial: str, amount: str, photo=None) -> None:
    form = page.locator("form[action='/claims/new']")
    await form.locator(f"input[name=item][value='p:{product_id}']").check()
    await form.locator("textarea[name=serials]").fill(serial)
    await form.locator("input[name=amount]").fill(amount)
    if photo is not None:
        await form.locator("input[type=file]").first.set_input_files(str(photo))
    await form.locator("button[type=submit]").click()


async def test_two_claims_registered_offline_arrive_once_when_the_network_is_back(live_server, phone, tmp_path):
    product_id = await f.product(name="Котёл Термо 24", sku="TT-K24", serial_pattern=r"TT-\d{6}")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    photo = tmp_path / "invoice.jpg"
    photo.write_bytes(f.jpeg(80, 60))
    await _installed(phone, live_server, await f.email_of(dealer))

    await phone.context.set_offline(True)
    await phone.locator("main a[href='/claims/new']").first.click()  # a boosted link: from the worker's copy
    await _register_offline(phone, product_id, "TT-100001", "45 990", photo)
    box = phone.locator("#offline-queue")
    await expect(box.locator("h2")).to_have_text("1 регистрация ждёт отправки")
    await expect(box).to_contain_text("Нет связи")
    await _register_offline(phone, product_id, "TT-100002", "12 500")
    await expect(box.locator("h2")).to_have_text("2 регистрации ждут отправки")
    await phone.screenshot(path=str(tmp_path / "offline-queue.png"), full_page=True)
    assert await Claim.count() == 0
    await phone.goto(live_server + "/dashboard")  # any other page: the offline page, in Russian
    await expect(phone.get_by_role("heading", name="Нет связи")).to_be_visible()

    await phone.goto(live_server + "/claims/new")
    await expect(phone.locator("#offline-queue h2")).to_have_text("2 регистрации ждут отправки")
    await phone.context.set_offline(False)  # the "online" event sends them
    await expect(phone.locator("#offline-queue a[href^='/claims/']")).to_have_count(2, timeout=30_000)
    await expect(phone.locator("#offline-queue")).to_contain_text("зарегистрирована под №")
    assert await phone.evaluate(QUEUE_SIZE) == 0

    claims = await Claim.select(Claim.id, Claim.serials, Claim.amount_kop, Claim.partner).order_by(Claim.id)
    assert [(c["serials"], c["amount_kop"], c["partner"]) for c in claims] == [
        ("TT-100001", 4599000, partner_id), ("TT-100002", 1250000, partner_id)]
    assert await ClaimPhoto.count().where(ClaimPhoto.claim == claims[0]["id"]) == 1  # the photo went with it
    await phone.goto(live_server + "/dashboard")  # a page load sends what waits: nothing does
    await phone.wait_for_timeout(1500)
    assert await Claim.count() == 2


async def test_a_claim_kept_offline_survives_closing_the_app_and_goes_on_the_next_page_load(
        live_server, browser, phone, tmp_path):
    product_id = await f.product(name="Бойлер 100 л", sku="TT-B100")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    await _installed(phone, live_server, await f.email_of(dealer))
    context = phone.context
    await context.set_offline(True)
    await phone.goto(live_server + "/claims/new")
    await _register_offline(phone, product_id, "", "7 000")
    await expect(phone.locator("#offline-queue h2")).to_have_text("1 регистрация ждёт отправки")
    await phone.close()  # the app is closed while offline

    await context.set_offline(False)
    again = await context.new_page()
    await again.goto(live_server + "/dashboard")
    await expect(again.locator("#offline-queue a[href^='/claims/']")).to_have_count(1, timeout=30_000)
    claim = await Claim.select().first()
    assert claim["amount_kop"] == 700000 and claim["partner"] == partner_id
    assert await again.evaluate(QUEUE_SIZE) == 0
    assert await Claim.count() == 1


async def test_a_claim_the_server_refuses_waits_to_be_fixed_and_opens_filled_in(live_server, phone, tmp_path):
    product_id = await f.product(name="Котёл Термо 24", sku="TT-K24", serial_pattern=r"TT-\d{6}")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    await f.claim(await f.dealer(await f.partner()), product_id, serials="TT-555555")  # someone else's serial
    await _installed(phone, live_server, await f.email_of(dealer))
    await phone.context.set_offline(True)
    await phone.goto(live_server + "/claims/new")
    await _register_offline(phone, product_id, "TT-555555", "45 990")
    await phone.context.set_offline(False)

    box = phone.locator("#offline-queue")
    await expect(box).to_contain_text("нужно исправить", timeout=30_000)
    await expect(box).to_contain_text("TT-555555 уже зарегистрирован")
    assert await phone.evaluate(QUEUE_SIZE) == 1  # kept until fixed
    await box.get_by_role("link", name="Исправить").click()
    form = phone.locator("form[action='/claims/new']")
    await expect(form.locator("textarea[name=serials]")).to_have_value("TT-555555")
    await expect(form.locator("input[name=amount]")).to_have_value("45 990")
    await expect(form.locator(f"input[name=item][value='p:{product_id}']")).to_be_checked()
    await form.locator("textarea[name=serials]").fill("TT-555556")
    await form.locator("button[type=submit]").click()
    await phone.get_by_text("Зарегистрировано. Менеджер скоро проверит.").wait_for()
    mine = await Claim.select().where(Claim.partner == partner_id)
    assert [c["serials"] for c in mine] == ["TT-555556"]
    assert await phone.evaluate(QUEUE_SIZE) == 0


async def test_a_claim_whose_sending_fails_on_the_network_is_kept_by_the_service_worker(live_server, phone):
    """The phone thinks it is online, but the form's POST never reaches the server: the worker keeps the claim."""
    product_id = await f.product(name="Бойлер 100 л", sku="TT-B100")
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_STAFF, partner_id)
    await _installed(phone, live_server, await f.email_of(dealer))
    await phone.goto(live_server + "/claims/new")

    async def lost(route):
        if route.request.method == "POST":
            await route.abort("internetdisconnected")
        else:
            await route.continue_()

    await phone.context.route("**/claims/new", lost)
    await _register_offline(phone, product_id, "", "3 300")
    await expect(phone.locator("#offline-queue h2")).to_have_text("1 регистрация ждёт отправки", timeout=15_000)
    assert await Claim.count() == 0
    await phone.context.unroute("**/claims/new", lost)
    await phone.goto(live_server + "/dashboard")  # the next page load sends it
    await expect(phone.locator("#offline-queue a[href^='/claims/']")).to_have_count(1, timeout=30_000)
    assert [c["amount_kop"] for c in await Claim.select(Claim.amount_kop)] == [330000]
    assert await phone.evaluate(QUEUE_SIZE) == 0
