"""axe-core over every main page of every role, at phone and desktop width: no violation at all.

axe is vendored (tests/browser/vendor/axe.min.js, MPL-2.0, its licence beside it) and injected by the test;
the portal never serves it. The context bypasses the CSP only so that the test can inject it.
"""

from __future__ import annotations

import pytest

from tests.browser import walk

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(walk.ROLES))
async def test_every_main_page_of_the_role_has_no_axe_violation(role, live_server, browser):
    await walk.load_demo_data()
    failures = []
    for viewport in (walk.PHONE, walk.DESKTOP):
        context = await browser.new_context(viewport=viewport, locale="ru-RU", bypass_csp=True,
                                            is_mobile=viewport is walk.PHONE, has_touch=viewport is walk.PHONE)
        page = await context.new_page()
        await walk.sign_in(page, live_server, walk.ROLES[role])
        pages = await walk.role_pages(page, live_server)
        assert len(pages) >= 5, pages
        for path in pages:
            response = await page.goto(live_server + path)
            assert response.status == 200, f"{path} answered {response.status}"
            violations = await walk.axe_violations(page)
            if violations:
                failures.append(f"[{viewport['width']} px] " + walk.describe_axe(path, violations))
        await context.close()
    assert not failures, "axe found violations:\n" + "\n".join(failures)


async def test_the_sign_in_page_and_an_error_page_have_no_axe_violation(live_server, browser):
    context = await browser.new_context(viewport=walk.PHONE, locale="ru-RU", bypass_csp=True)
    page = await context.new_page()
    failures = []
    for path, status in (("/login", 200), ("/no-such-page", 404)):
        response = await page.goto(live_server + path)
        assert response.status == status
        if violations := await walk.axe_violations(page):
            failures.append(walk.describe_axe(path, violations))
    await context.close()
    assert not failures, "axe found violations:\n" + "\n".join(failures)
