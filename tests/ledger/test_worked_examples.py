"""Accounting stories: what a partner's balances do as work is earned, spent, corrected and expires."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.ledger import services as ledger
from portal.ledger.tables import Lot, Shortfall, Transfer
from tests import factories as f


async def _points(partner_id: int) -> dict[str, int]:
    b = await ledger.balances(partner_id)
    return {k: v for k, v in b.items() if k.startswith("points")}


async def _earn_available(partner_id: int, points: int, cause: str) -> int:
    posted = await ledger.accrue(cause, partner_id, "points", points, {"test": True})
    await ledger.release_due(hold_days=-1)
    return posted.id


async def test_earned_points_wait_in_pending_until_the_holding_period_ends():
    partner = await f.partner()
    await ledger.accrue("claim:1", partner, "points", 500, {"rule": "x"})
    assert await _points(partner) == {"points_pending": 500, "points_available": 0, "points_reserved": 0}
    assert await ledger.release_due(hold_days=14) == 0  # accrued today: not yet
    with pytest.raises(ledger.InsufficientFunds):
        await ledger.reserve("order:1", partner, 1)
    assert await ledger.release_due(hold_days=-1) == 1
    assert await ledger.release_due(hold_days=-1) == 0  # releasing twice moves nothing
    assert await _points(partner) == {"points_pending": 0, "points_available": 500, "points_reserved": 0}


async def test_replaying_a_cause_is_a_no_op_and_a_different_amount_is_refused():
    partner = await f.partner()
    first = await ledger.accrue("claim:7", partner, "points", 100, {})
    again = await ledger.accrue("claim:7", partner, "points", 100, {})
    assert (again.id, again.created) == (first.id, False)
    with pytest.raises(ledger.KeyConflict):
        await ledger.accrue("claim:7", partner, "points", 101, {})
    assert await ledger.balance(partner, "points_pending") == 100


async def test_every_unit_sums_to_zero_and_verify_agrees():
    partner = await f.partner()
    await ledger.accrue("claim:1", partner, "points", 300, {})
    await ledger.accrue("claim:1", partner, "kop", 150_00, {})
    await ledger.release_due(hold_days=-1)
    await ledger.reserve("order:1", partner, 120)
    await ledger.post_reservation("order:1")
    result = await ledger.verify()
    assert result.ok and result.unit_sums == {"points": 0, "kop": 0}
    assert await ledger.balance(None, "points_issued") == -300


async def test_a_reservation_voided_returns_points_to_the_very_lots_they_came_from():
    partner = await f.partner()
    await _earn_available(partner, 100, "claim:1")
    await _earn_available(partner, 50, "claim:2")
    await ledger.reserve("order:1", partner, 120)
    lots = {r["points"]: r["remaining"] for r in await Lot.select(Lot.points, Lot.remaining)}
    assert lots == {100: 0, 50: 30}
    await ledger.void_reservation("order:1")
    again = await ledger.void_reservation("order:1")  # a second cancel changes nothing
    assert again.created is False
    lots = {r["points"]: r["remaining"] for r in await Lot.select(Lot.points, Lot.remaining)}
    assert lots == {100: 100, 50: 50}
    assert await _points(partner) == {"points_pending": 0, "points_available": 150, "points_reserved": 0}


async def test_a_posted_reservation_cannot_be_voided():
    partner = await f.partner()
    await _earn_available(partner, 100, "claim:1")
    await ledger.reserve("order:1", partner, 100)
    await ledger.post_reservation("order:1")
    with pytest.raises(ledger.NotReversible):
        await ledger.void_reservation("order:1")


async def test_expiry_takes_only_the_unspent_remainder_and_twice_changes_nothing():
    partner = await f.partner()
    await _earn_available(partner, 100, "claim:old")
    await ledger.reserve("order:1", partner, 70)
    await ledger.post_reservation("order:1")
    await _earn_available(partner, 40, "claim:new")
    old_lot = (await Lot.select().where(Lot.points == 100).first())
    await Lot.update({Lot.expires_on: dt.date(2020, 1, 1)}).where(Lot.id == old_lot["id"])
    assert await ledger.expire_due() == 1
    assert await ledger.expire_due() == 0
    assert await ledger.balance(partner, "points_available") == 40
    assert await ledger.balance(None, "points_expired") == 30
    assert (await ledger.verify()).ok


async def test_points_expiring_soon_are_announced():
    partner = await f.partner()
    await _earn_available(partner, 80, "claim:1")
    soon = dt.date.today() + dt.timedelta(days=10)
    await Lot.update({Lot.expires_on: soon}).where(Lot.partner == partner)
    assert await ledger.expiring(partner, within_days=30) == [{"expires_on": soon, "points": 80}]
    assert await ledger.expiring(partner, within_days=5) == []


async def test_a_reversal_is_made_once_and_is_never_itself_reversed():
    partner = await f.partner()
    accrual = await ledger.accrue("claim:9", partner, "points", 60, {})
    reversal = await ledger.reverse(accrual.id, "claim returned")
    assert await ledger.balance(partner, "points_pending") == 0
    with pytest.raises(ledger.NotReversible):
        await ledger.reverse(reversal.id, "undo the undo")
    again = await ledger.reverse(accrual.id, "twice")
    assert (again.id, again.created) == (reversal.id, False)
    assert await Transfer.count().where(Transfer.reverses == accrual.id) == 1


async def test_refund_after_the_points_were_spent_keeps_the_balance_at_zero_and_records_the_shortfall():
    partner = await f.partner()
    accrual = await _earn_available(partner, 100, "claim:1")
    release = await Transfer.select().where(Transfer.kind == "release").first()
    await ledger.reserve("order:1", partner, 80)
    await ledger.post_reservation("order:1")
    await ledger.reverse(release["id"], "claim cancelled after payout", allow_shortfall=True)
    assert await ledger.balance(partner, "points_available") == 0
    shortfall = await Shortfall.select().first()
    assert (shortfall["amount"], shortfall["partner"]) == (80, partner)
    assert accrual and (await ledger.verify()).ok


async def test_manual_adjustment_needs_a_reason_and_moves_both_ways():
    partner = await f.partner()
    with pytest.raises(ValueError):
        await ledger.adjust(partner, "points", 10, "  ", actor_id=None, cause="adj:1")
    await ledger.adjust(partner, "points", 25, "goodwill", actor_id=None, cause="adj:1")
    await ledger.adjust(partner, "points", -5, "typo", actor_id=None, cause="adj:2")
    assert await ledger.balance(partner, "points_available") == 20
    with pytest.raises(ledger.InsufficientFunds):
        await ledger.adjust(partner, "points", -21, "too much", actor_id=None, cause="adj:3")


async def test_with_release_at_period_close_the_daily_job_leaves_points_pending(monkeypatch):
    import dataclasses

    from portal import settings as settings_module

    original = settings_module.get_settings()
    changed = dataclasses.replace(original, app=dataclasses.replace(original.app, points_release="period_close"))
    monkeypatch.setattr(ledger, "get_settings", lambda: changed)
    partner = await f.partner()
    await ledger.accrue("claim:1", partner, "points", 90, {})
    long_after = dt.date.today() + dt.timedelta(days=90)  # well past the holding period
    assert await ledger.release_due(today=long_after) == 0
    assert await ledger.release_due(today=long_after, at_period_close=True) == 1
    assert await ledger.balance(partner, "points_available") == 90


async def test_a_batch_posts_once_keeps_balances_exact_and_refuses_to_overdraw():
    from portal.ledger.services import Spec, post_batch

    a, b = await f.partner(), await f.partner()
    await ledger.accrue("claim:1", a, "kop", 5_000, {})
    specs = [Spec(f"close:{a}:payable", (a, "cash_pending"), (a, "cash_payable"), 5_000, "payable"),
             Spec(f"close:{a}:bonus", (None, "points_issued"), (a, "points_available"), 700, "plan_bonus"),
             Spec(f"close:{b}:bonus", (None, "cash_issued"), (b, "cash_payable"), 1_234, "plan_bonus")]
    assert await post_batch(specs) == 3
    assert await post_batch(specs) == 0  # a re-run of the close posts nothing new
    assert await ledger.balance(a, "cash_payable") == 5_000 and await ledger.balance(a, "cash_pending") == 0
    assert await ledger.balance(a, "points_available") == 700 and await ledger.balance(b, "cash_payable") == 1_234
    assert (await ledger.verify()).ok
    with pytest.raises(ledger.InsufficientFunds):
        await post_batch([Spec(f"close:{b}:too-much", (b, "cash_pending"), (b, "cash_payable"), 1, "payable")])
    with pytest.raises(ledger.KeyConflict):
        await post_batch([Spec(f"close:{b}:bonus", (None, "cash_issued"), (b, "cash_payable"), 999, "plan_bonus")])
    assert (await ledger.verify()).ok


async def test_a_batch_may_spend_points_an_earlier_transfer_of_the_same_batch_made_available():
    from portal.ledger.services import Spec, post_batch

    partner = await f.partner()
    specs = [Spec("close:bonus", (None, "points_issued"), (partner, ledger.AVAILABLE), 100, "plan_bonus"),
             Spec("order:1:reserve", (partner, ledger.AVAILABLE), (partner, "points_reserved"), 30, "reserve")]
    assert await post_batch(specs) == 2
    assert [(r["points"], r["remaining"]) for r in await Lot.select(Lot.points, Lot.remaining)] == [(100, 70)]
    assert await _points(partner) == {"points_pending": 0, "points_available": 70, "points_reserved": 30}
    with pytest.raises(ledger.InsufficientFunds):  # refused whole, before anything is written
        await post_batch([Spec("order:2:reserve", (partner, ledger.AVAILABLE), (partner, "points_reserved"), 71,
                               "reserve")])
    assert await Transfer.count() == 2 and (await ledger.verify()).ok


async def test_a_retried_refund_with_a_shortfall_answers_like_the_first_and_records_the_shortfall_once():
    partner = await f.partner()
    await _earn_available(partner, 100, "claim:1")
    release = await Transfer.select().where(Transfer.kind == "release").first()
    await ledger.reserve("order:1", partner, 80)
    await ledger.post_reservation("order:1")
    first = await ledger.reverse(release["id"], "claim cancelled after payout", allow_shortfall=True)
    await ledger.adjust(partner, "points", 50, "goodwill", actor_id=None, cause="adj:1")  # the balance moves meanwhile
    again = await ledger.reverse(release["id"], "claim cancelled after payout", allow_shortfall=True)
    assert (again.id, again.created, again.amount) == (first.id, False, 20)
    assert [s["amount"] for s in await Shortfall.select()] == [80]
    assert await ledger.balance(partner, "points_available") == 50
    assert (await ledger.verify()).ok
