"""The transfer budget: a dealer's dashboard opened with a cold cache moves at most 60 KB over the network, and a
repeat visit fetches no unchanged static file. Bytes are what chromium counts on the wire (CDP encodedDataLength:
headers and the compressed body) for the page's requests, and, apart, the service worker's install."""

from __future__ import annotations

import json
import sys

import httpx
import pytest

from portal.accounts.roles import Role
from tests import factories as f
from tests.browser.test_pwa_offline import WORKER_READY

pytestmark = pytest.mark.browser

BUDGET = 60 * 1024


def _signed_in_cookies(base: str, email: str) -> list[dict]:
    """A session made over plain HTTP, so the browser's first page is the dashboard itself."""
    with httpx.Client(base_url=base) as http:
        http.get("/login")
        token = http.cookies.get("csrftoken")
        answer = http.post("/login", data={"email": email, "password": f.PASSWORD}, headers={"x-csrftoken": token})
        assert answer.status_code == 303, answer.text
        return [{"name": c.name, "value": c.value, "url": base} for c in http.cookies.jar]


class Wire:
    """What one page moves over the network, from the DevTools protocol's Network events."""

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.via_worker: set[str] = set()
        self.bytes: dict[str, int] = {}

    async def attach(self, page) -> None:
        cdp = await page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", lambda e: self.bytes.__setitem__(e["requestId"], e["encodedDataLength"]))
        await cdp.send("Network.enable")

    def _response(self, event: dict) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])
        if response.get("fromServiceWorker"):  # the worker answered: from its cache, or by its own fetch
            self.via_worker.add(event["requestId"])

    def from_network(self) -> dict[str, int]:
        """url -> bytes of every request the page sent to the server itself (not answered by a cache or the
        service worker; what the worker fetched is counted on the worker's side)."""
        return {self.urls.get(rid, rid): n for rid, n in self.bytes.items()
                if rid not in self.cached and rid not in self.via_worker}

    def seen(self) -> set[str]:
        return set(self.urls.values())

    def total(self) -> int:
        return sum(self.from_network().values())


async def test_the_dashboard_first_load_fits_60_kb_and_a_repeat_visit_fetches_no_static_file(
        live_server, browser, tmp_path):
    partner_id = await f.partner()
    dealer = await f.user(Role.PARTNER_ADMIN, partner_id)
    await f.claim(await f.current(dealer), await f.product())
    context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                        locale="ru-RU")
    try:
        await context.add_cookies(_signed_in_cookies(live_server, await f.email_of(dealer)))
        worker_bytes: dict[str, int] = {}

        async def count_worker(request) -> None:
            if request.service_worker is not None:
                sizes = await request.sizes()
                worker_bytes[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

        context.on("requestfinished", count_worker)
        page = await context.new_page()
        first = Wire()
        await first.attach(page)
        await page.goto(live_server + "/dashboard", wait_until="networkidle")
        page_bytes = first.total()
        for _ in range(150):  # the service worker installs after the page: count it apart
            if await page.evaluate(WORKER_READY):
                break
            await page.wait_for_timeout(200)
        await page.wait_for_timeout(500)
        print(json.dumps({"name": "pwa.dashboard_first_load_kb", "value": round(page_bytes / 1024, 1), "unit": "KB"}))
        print(json.dumps({"name": "pwa.worker_install_kb", "value": round(sum(worker_bytes.values()) / 1024, 1),
                          "unit": "KB"}))
        print(json.dumps(first.from_network(), indent=1), json.dumps(worker_bytes, indent=1), file=sys.stderr)
        assert page_bytes <= BUDGET, first.from_network()
        assert page_bytes + sum(worker_bytes.values()) <= BUDGET  # the offline copies included
        statics = [u for u in first.from_network() if "/static/" in u]
        assert any("htmx.min.js" in u for u in statics)  # the cold load did fetch them: the counting works

        worker_bytes.clear()
        again = await context.new_page()
        repeat = Wire()
        await repeat.attach(again)
        await again.goto(live_server + "/dashboard", wait_until="networkidle")
        assert any("htmx.min.js" in u for u in repeat.seen())
        fetched = [u for u in [*repeat.from_network(), *worker_bytes] if "/static/" in u]
        assert fetched == [], fetched
        assert any(u.endswith("/dashboard") for u in worker_bytes)  # the page itself is never kept
    finally:
        await context.close()
