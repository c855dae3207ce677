"""A walk over the main pages of every role, shared by the accessibility and layout tests.

The pages are the ones each role's navigation links to (read from the page itself, so a new menu link is
walked without editing this file), plus a few detail pages a person opens from them. The data is the demo
(portal/demo.py): every list has rows, every status and kind a code, so labels, tables and empty states
are all on screen.
"""

from __future__ import annotations

from pathlib import Path

from portal.demo import DEMO_PASSWORD

ROLES = {
    "partner_admin": "dealer@premia.example",
    "partner_staff": "staff@premia.example",
    "manager": "manager@premia.example",
    "finance": "finance@premia.example",
    "admin": "admin@premia.example",
}
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
AXE = Path(__file__).with_name("vendor") / "axe.min.js"

# Pages a person reaches from a list (the first row's link), by the list they are on.
DETAILS = {
    "/claims/": "main a[href^='/claims/'][href$='/'], main a[href^='/claims/']:not([href$='new'])",
    "/catalog/": "main a[href^='/catalog/p/'], main .prize-card a",
    "/review/": "main a[href^='/review/']",
    "/finance/": "main a[href^='/finance/periods/'], main a[href^='/finance/']",
}


async def load_demo_data() -> None:
    from portal.demo import load_demo

    await load_demo()


async def sign_in(page, url: str, email: str) -> None:
    await page.goto(url + "/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Войти").click()
    await page.wait_for_url("**/dashboard")


async def nav_pages(page) -> list[str]:
    """The paths the role's navigation links to, in menu order, each once."""
    hrefs = await page.eval_on_selector_all("header nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    hrefs = ["/dashboard", *hrefs, "/notifications/"]
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/")))


async def detail_pages(page, url: str, pages: list[str]) -> list[str]:
    """The first detail page behind each list the walk knows, where the list has one."""
    found = []
    for path, selector in DETAILS.items():
        if path not in pages:
            continue
        await page.goto(url + path)
        hrefs = await page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
        hrefs = [h for h in hrefs if h and h.rstrip("/") != path.rstrip("/") and "?" not in h]
        if hrefs:
            found.append(hrefs[0])
    return [h for h in dict.fromkeys(found) if h not in pages]


async def role_pages(page, url: str) -> list[str]:
    pages = await nav_pages(page)
    return pages + await detail_pages(page, url, pages)


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)),
    count: v.nodes.length,
  }));
}"""


async def axe_violations(page) -> list[dict]:
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    return await page.evaluate(AXE_RUN)


def describe_axe(path: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{path}: [{v['impact']}] {v['id']}: {v['help']} ({v['count']} elements)")
        lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)


# Targets smaller than 44×44 CSS px among the links, buttons and fields of the navigation and the main
# content. A link inside running text (a paragraph, a table cell's sentence) is exempt, as WCAG 2.5.8 allows;
# a checkbox or radio counts by its label, which is what a finger hits.
SMALL_TARGETS = """(min) => {
  const out = [];
  const seen = new Set();
  const els = document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary,' +
    'header a[href], header button, header summary');
  for (const el of els) {
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    }
    if (seen.has(target)) continue;
    seen.add(target);
    const style = getComputedStyle(target);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not rendered (a closed menu)
    if (el.closest('.sr-only')) continue;
    if (el.matches('a') && el.closest('p, li.text, td, dd, .inline-text') && style.display === 'inline') {
      const block = el.closest('p, td, dd, .inline-text, li');
      if (block && block.textContent.trim().length > el.textContent.trim().length + 2) continue;
    }
    if (r.width + 0.5 < min || r.height + 0.5 < min) {
      const name = (target.getAttribute('aria-label') || target.textContent || target.name || target.type || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
      out.push(`${target.tagName.toLowerCase()}${target.className ? '.' + String(target.className).replace(/ /g, '.') : ''} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return out;
}"""


async def small_targets(page, minimum: int = 44) -> list[str]:
    return await page.evaluate(SMALL_TARGETS, minimum)


async def overflow(page) -> str | None:
    """None if the page fits its width; else the widest culprits, to say what to fix."""
    fits = await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if fits:
        return None
    return await page.evaluate("""() => {
      const w = window.innerWidth;
      const wide = [];
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 1 && !el.closest('.table-wrap, .tabs, .scroll-x')) {
          wide.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).replace(/ /g, '.') : ''} right=${Math.round(r.right)}`);
        }
      }
      return `scrollWidth ${document.documentElement.scrollWidth} > ${w}: ` + wide.slice(0, 6).join(', ');
    }""")
