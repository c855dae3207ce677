"""What the claim form's script is given: serial patterns it can check the server's way, and the products a dealer
registers most put first."""

from __future__ import annotations

import re

import pytest

from portal.claims import services
from portal.products.services import js_pattern
from tests import factories as f


@pytest.mark.parametrize("pattern, js", [
    (r"TT-\d{6}", r"TT-\d{6}"),
    (r"[A-Z]{2}\d{8}(-[0-9]{2})?", r"[A-Z]{2}\d{8}(-[0-9]{2})?"),
    (r"(?P<series>[A-Z])\d+(?P=series)", r"(?<series>[A-Z])\d+\k<series>"),  # named groups, spelt RegExp's way
])
def test_a_serial_pattern_is_given_to_the_browser_in_javascripts_spelling(pattern, js):
    assert js_pattern(pattern) == js


@pytest.mark.parametrize("pattern", [r"(?i)tt-\d+", r"(?>A+)B", r"A++B", r"\d{2,3}+", r"\ATT\d+\Z"])
def test_a_pattern_javascript_would_read_differently_is_left_to_the_server(pattern):
    re.compile(pattern)  # valid for the server
    assert js_pattern(pattern) == ""


async def test_the_picker_puts_the_partners_last_and_most_registered_products_first():
    often, once, last, never = [await f.product() for _ in range(4)]
    partner_id = await f.partner()
    dealer = await f.current(await f.user("partner_staff", partner_id))
    colleague = await f.current(await f.user("partner_staff", partner_id))
    for _ in range(3):
        await f.claim(colleague, often)
    await f.claim(dealer, once)
    await f.claim(colleague, last)
    assert await services.favourite_items(dealer, recent=1) == [f"p:{last}", f"p:{often}", f"p:{once}"]
    stranger = await f.dealer()
    assert await services.favourite_items(stranger) == []
    assert f"p:{never}" not in await services.favourite_items(dealer)
