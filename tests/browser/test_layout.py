"""Every main page of every role fits a 375 px phone and a 1280 px desktop without page-level sideways
scrolling, and its links, buttons and fields are at least 44×44 px (links inside running text excepted)."""

from __future__ import annotations

import pytest

from tests.browser import walk

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(walk.ROLES))
async def test_every_main_page_of_the_role_fits_and_has_big_enough_targets(role, live_server, browser):
    await walk.load_demo_data()
    failures = []
    for viewport in (walk.PHONE, walk.DESKTOP):
        phone = viewport is walk.PHONE
        context = await browser.new_context(viewport=viewport, locale="ru-RU", is_mobile=phone, has_touch=phone)
        page = await context.new_page()
        await walk.sign_in(page, live_server, walk.ROLES[role])
        pages = await walk.role_pages(page, live_server)
        for path in pages:
            await page.goto(live_server + path)
            where = f"[{viewport['width']} px] {path}"
            if problem := await walk.overflow(page):
                failures.append(f"{where}: sideways scrolling: {problem}")
            if small := await walk.small_targets(page):
                failures.append(f"{where}: targets under 44 px: " + "; ".join(small[:8]))
        await context.close()
    assert not failures, "\n".join(failures)


async def test_the_admin_navigation_fits_a_1280_px_screen(live_server, browser):
    await walk.load_demo_data()
    context = await browser.new_context(viewport=walk.DESKTOP, locale="ru-RU")
    page = await context.new_page()
    await walk.sign_in(page, live_server, walk.ROLES["admin"])
    assert await walk.overflow(page) is None
    # Every top-level entry of the menu is on screen, and each group opens to show its links.
    boxes = await page.eval_on_selector_all(
        "header nav.desktop > a, header nav.desktop > details > summary, header nav.desktop > form button",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim(), r.left, r.right, r.top]; })")
    assert boxes
    for name, left, right, top in boxes:
        assert 0 <= left and right <= 1280, f"{name!r} is off screen ({left}..{right})"
    tops = {round(top) for *_, top in boxes}
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} lines"
    groups = page.locator("header nav.desktop details")
    assert await groups.count() >= 2
    await groups.first.locator("summary").click()
    link = groups.first.locator("a").first
    assert await link.is_visible()
    box = await link.bounding_box()
    assert box["x"] + box["width"] <= 1280
    await context.close()


async def test_list_pages_open_on_results_on_a_phone_with_the_filters_folded(live_server, browser):
    await walk.load_demo_data()
    for viewport in (walk.PHONE, walk.DESKTOP):
        phone = viewport is walk.PHONE
        context = await browser.new_context(viewport=viewport, locale="ru-RU", is_mobile=phone, has_touch=phone)
        page = await context.new_page()
        await walk.sign_in(page, live_server, walk.ROLES["manager"])
        await page.goto(live_server + "/review/?region=central&flagged=")
        region = page.locator("select[name=region]")
        first = page.locator("ul.cards > li.card").first
        if phone:
            assert not await region.is_visible()
            box = await first.bounding_box()
            assert box["y"] < viewport["height"], "the first result is below the fold"
            await page.get_by_text("Фильтры (1)").click()  # the region is the one filter set
            assert await region.is_visible()
        else:
            assert await region.is_visible()  # a wide screen shows the filters as they are
        await context.close()
