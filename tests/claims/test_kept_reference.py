"""Submissions keep what they read of reference data (the product, closed periods) per data revision:
a change to that data must reach the very next submission, and a double tap that lands in the same
commit group as its first tap still gets the first claim."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from portal.claims import services
from portal.claims.tables import Claim
from portal.db import write_transaction
from portal.errors import ValidationFailed
from portal.i18n import format_period
from portal.periods import services as periods
from portal.periods.tables import Period
from portal.products.tables import Product
from portal.revisions import services as revisions
from tests import factories as f


async def _request(dealer):
    """The dealer as a request sees them: with the data revision read along with the session."""
    revision = await revisions.current(dealer.partner_id)
    assert revision is not None
    return replace(dealer, revision=revision)


async def test_a_switched_off_product_is_refused_on_the_next_submission():
    product_id = await f.product()
    dealer = await f.dealer()
    assert (await services.submit(await _request(dealer), f.claim_form(product_id), [])).created

    await Product.update({Product.is_active: False}).where(Product.id == product_id)  # not through a service

    with pytest.raises(ValidationFailed) as refused:
        await services.submit(await _request(dealer), f.claim_form(product_id), [])
    assert "item" in refused.value.errors
    assert await Claim.count() == 1


async def test_a_serial_pattern_added_to_a_product_applies_to_the_next_submission():
    product_id = await f.product()
    dealer = await f.dealer()
    assert (await services.submit(await _request(dealer), f.claim_form(product_id), [])).created

    await Product.update({Product.serial_pattern: r"TT-\d{6}"}).where(Product.id == product_id)

    with pytest.raises(ValidationFailed) as refused:
        await services.submit(await _request(dealer), f.claim_form(product_id, serials="NOT-A-SERIAL"), [])
    assert "serials" in refused.value.errors


async def test_a_period_closed_after_a_submission_refuses_the_next_one_with_the_field_message():
    span = periods.current_span().previous()
    await Period(code=span.code, kind=span.kind, starts_on=span.starts_on, ends_on=span.ends_on).save()
    product_id = await f.product()
    dealer = await f.dealer()
    before_close = await _request(dealer)
    assert (await services.submit(before_close, f.claim_form(product_id, sold_on=span.ends_on.isoformat()),
                                  [])).created

    await Period.update({Period.status: "closed"}).where(Period.code == span.code)

    with pytest.raises(ValidationFailed) as refused:
        await services.submit(await _request(dealer), f.claim_form(product_id, sold_on=span.ends_on.isoformat()), [])
    assert format_period(span.code) in refused.value.errors["sold_on"]  # "Октябрь 2026", not the code
    # A request that began before the close holds the old revision (the period was open then): the
    # database refuses its insert, and the dealer still gets the field message, not an error page.
    with pytest.raises(ValidationFailed) as late:
        await services.submit(before_close, f.claim_form(product_id, sold_on=span.starts_on.isoformat()), [])
    assert format_period(span.code) in late.value.errors["sold_on"]
    assert await Claim.count() == 1


async def test_a_double_tap_in_the_same_commit_group_gets_the_first_claim():
    product_id = await f.product()
    dealer = await f.dealer()
    form = f.claim_form(product_id)
    holding = asyncio.Event()

    async def another_writer():
        # Holds the write lock (on SQLite) so that both taps queue behind it and end up in one commit
        # group: the second tap inserts while the first tap's claim is written but not yet committed.
        async with write_transaction():
            holding.set()
            await asyncio.sleep(0.05)

    async def tap():
        await holding.wait()
        return await services.submit(await _request(dealer), dict(form), [])

    _, first, second = await asyncio.gather(another_writer(), tap(), tap())
    assert first.claim_id == second.claim_id
    assert sorted([first.created, second.created]) == [False, True]
    assert await Claim.count() == 1
