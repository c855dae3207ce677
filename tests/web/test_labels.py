"""No code shown to people: every page of every role, on the demo data, in both languages, is free of the
raw status, kind, category and audit codes (they have labels)."""

from __future__ import annotations

import html
import re

import pytest

from portal.demo import DEMO_PASSWORD, load_demo
from tests import factories as f

ROLES = {
    "partner_admin": "dealer@premia.example", "partner_staff": "staff@premia.example",
    "manager": "manager@premia.example", "finance": "finance@premia.example", "admin": "admin@premia.example",
}
# Codes that exist in the data and must never reach a page as they are. Codes with "_" or "." are never
# words; the one-word codes are English words, so they are looked for on the Russian pages only.
COMPOUND_CODES = re.compile(
    r"\b(per_unit|job_type|water_heaters|awaiting_approval|needs_info|partner_staff|partner_admin|north_west|"
    r"far_east|north_caucasus|plan_bonus|cash_payable|points_[a-z]+|"
    r"[a-z_]+\.(?:created|updated|versioned|approved|registered|built|activated|succeeded|failed|placed))\b")
WORD_CODES = re.compile(
    r"\b(percent|fixed|boilers|radiators|pumps|controls|payable|cancelled|resubmitted|submitted|approved|"
    r"rejected|placed|delivered|accrual|reserve|release|redeem|system)\b")
_HIDDEN = re.compile(r"<(code|script|style|head)\b.*?</\1>|<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page)))


def nav_links(page: str) -> list[str]:
    nav = page[page.find("<nav"):page.find("</nav>")]
    return list(dict.fromkeys(re.findall(r'href="(/[^"]*)"', nav)))


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("role", list(ROLES))
async def test_no_page_of_the_role_shows_a_raw_code(client, role, language):
    await load_demo()
    await f.login(client, ROLES[role], DEMO_PASSWORD)
    client.cookies.set("premia_lang", language)
    home = await client.get("/dashboard")
    pages = ["/dashboard", *nav_links(home.text), "/notifications/"]
    found = []
    for path in dict.fromkeys(pages):
        response = await client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.text)
        for pattern in (COMPOUND_CODES, WORD_CODES) if language == "ru" else (COMPOUND_CODES,):
            if m := pattern.search(text):
                found.append(f"{path}: {m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 20]!r}")
    assert not found, "\n".join(found)


async def test_the_audit_log_says_who_did_what_in_words(client):
    await load_demo()
    await f.login(client, ROLES["admin"], DEMO_PASSWORD)
    page = (await client.get("/admin/audit?action=partner.created")).text
    assert "Система" in page  # the "system" actor
    assert "Партнёр: создание" in page
    assert "\\u04" not in page  # before/after show Cyrillic as it is
