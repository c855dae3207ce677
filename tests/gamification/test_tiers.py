"""Tiers: earned over 12 rolling months (never the balance), up at once, down only at a close after the grace."""

from __future__ import annotations

from portal import events
from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.db import company_today, write_transaction
from portal.gamification import tiers
from portal.gamification.tables import PartnerTier, TierMove, TierWatch
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.notifications.tables import Notification
from portal.periods import services as periods
from portal.periods.events import PeriodClosed
from portal.rewards import services as rewards
from tests import factories as f
from tests.catalog import helpers as shop


async def rule(value: int = 1000, **fields) -> int:
    data = {"name": "Котлы", "scope": "all", "kind": "per_unit", "value": str(value), "unit": "points",
            "valid_from": "2020-01-01"} | {k: str(v) for k, v in fields.items()}
    return await rewards.save_rule(SYSTEM, rewards.RuleData.parse(data))


async def sell(dealer, product_id: int, quantity: int) -> int:
    claim_id = await f.claim(dealer, product_id, quantity=str(quantity))
    await claims.decide(await f.company(), claim_id, "approve")
    return claim_id


async def tier_row(partner_id: int) -> dict:
    return await PartnerTier.select().where(PartnerTier.partner == partner_id).first()


async def close(code: str) -> dict:
    async with write_transaction():
        await events.publish(PeriodClosed(code=code, actor_id=None))
    return {}


def period_after(months: int) -> str:
    span = periods.current_span()
    for _ in range(months):
        span = span.next()
    return span.code


async def test_the_tier_rests_on_points_earned_and_an_upgrade_is_immediate():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(1000)
    await sell(dealer, product_id, 15)  # 15 000: still Bronze
    assert (await tier_row(partner_id))["tier"] == "bronze"
    await sell(dealer, product_id, 6)  # 21 000: Silver, in the approval's transaction
    row = await tier_row(partner_id)
    assert (row["tier"], row["earned_12m"]) == ("silver", 21_000)
    moves = await TierMove.select(TierMove.from_tier, TierMove.to_tier, TierMove.direction).where(
        TierMove.partner == partner_id)
    assert moves == [{"from_tier": "bronze", "to_tier": "silver", "direction": "up"}]
    assert await Notification.exists().where(Notification.kind == "tier.up")


async def test_points_credited_by_hand_do_not_count_towards_the_tier():
    partner_id = await f.partner()
    await shop.give_points(partner_id, 500_000)
    assert await tiers.earned_12m(partner_id) == 0
    assert (await tiers.effective(partner_id))["code"] == "bronze"


async def test_a_big_redemption_keeps_the_tier():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(1000)
    await sell(dealer, product_id, 61)  # Gold
    assert (await tier_row(partner_id))["tier"] == "gold"
    await ledger.release_due(hold_days=0)
    await shop.give_points(partner_id, 70_000)
    await shop.order(dealer, await shop.prize(points=130_000))  # everything it had, the earned points too
    assert await ledger.balance(partner_id, ledger.AVAILABLE) == 1000
    assert await tiers.earned_12m(partner_id) == 61_000
    await close(periods.current_span().code)
    assert (await tier_row(partner_id))["tier"] == "gold"
    assert not await TierWatch.exists().where(TierWatch.partner == partner_id)


async def test_a_withdrawn_approval_lowers_the_rolling_sum_but_the_tier_waits_for_the_close():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(1000)
    await sell(dealer, product_id, 15)
    second = await sell(dealer, product_id, 10)  # 25 000: Silver
    await claims.revoke_approval(await f.company(), second, "Дубликат")
    assert await tiers.earned_12m(partner_id) == 15_000
    row = await tier_row(partner_id)
    assert (row["tier"], row["earned_12m"]) == ("silver", 15_000)
    # A replayed revocation counts once.
    await tiers.on_approval_revoked(type("E", (), {"claim_id": second, "partner_id": partner_id})())
    assert await tiers.earned_12m(partner_id) == 15_000


async def test_the_downgrade_comes_after_a_warned_grace_period():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(1000)
    await sell(dealer, product_id, 61)
    # Eleven months on, this month's sales are still in the window.
    await close(period_after(11))
    assert (await tier_row(partner_id))["tier"] == "gold"
    assert not await TierWatch.exists()
    # Twelve months on they have left it: the first close below warns, with what to earn and by when.
    code = period_after(12)
    await close(code)
    watch = await TierWatch.select().where(TierWatch.partner == partner_id).first()
    assert (watch["tier"], watch["shortfall"]) == ("gold", 60_000)
    assert watch["deadline"] == periods.span_for(code).next().ends_on.isoformat()
    warning = await Notification.select(Notification.params).where(Notification.kind == "tier.warning").first()
    assert "60" in warning["params"] and "Золото" in warning["params"]
    await close(code)  # a replayed close does not eat the grace
    assert (await tier_row(partner_id))["tier"] == "gold"
    # The next close, still below: down to the tier the sum qualifies for.
    await close(period_after(13))
    assert (await tier_row(partner_id))["tier"] == "bronze"
    move = await TierMove.select().where(TierMove.direction == "down").first()
    assert (move["from_tier"], move["to_tier"], move["period"]) == ("gold", "bronze", period_after(13))
    assert not await TierWatch.exists()


async def test_a_partner_back_above_the_threshold_keeps_the_tier_and_the_warning_goes():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(1000)
    await sell(dealer, product_id, 21)  # Silver
    await close(period_after(12))
    assert await TierWatch.exists().where(TierWatch.partner == partner_id)
    panel = await tiers.panel(partner_id)
    assert panel["warning"]["points"] == 20_000  # today's sales have left the window ending at the deadline
    # The partner earns in the window again (as if in the next months): the following close keeps Silver.
    await tiers._credit(partner_id, "test:1", tiers.month_of(periods.span_for(period_after(13)).ends_on), 20_000)
    await close(period_after(13))
    assert (await tier_row(partner_id))["tier"] == "silver"
    assert not await TierWatch.exists()


async def test_the_dashboard_shows_the_tier_the_way_to_the_next_and_the_warning(client):
    partner_id = await f.partner()
    dealer_id = await f.user(Role.PARTNER_ADMIN, partner_id)
    product_id = await f.product()
    await rule(1000)
    await sell(await f.current(dealer_id), product_id, 21)
    await f.login(client, await f.email_of(dealer_id))
    page = (await client.get("/dashboard")).text
    assert 'data-tier="silver"' in page
    assert 'data-to-next="39000"' in page and "Золото" in page
    assert "+10% к начислениям" in page  # what Gold gives


async def test_the_multiplier_shows_in_why_this_amount_and_in_the_estimate(client):
    partner_id = await f.partner()
    dealer_id = await f.user(Role.PARTNER_ADMIN, partner_id)
    product_id = await f.product()
    await rule(1000)
    dealer = await f.current(dealer_id)
    await sell(dealer, product_id, 60)  # Gold: this accrual is still paid at Bronze
    claim_id = await sell(dealer, product_id, 2)
    accrual = await Transfer.select(Transfer.amount, Transfer.detail).where(
        Transfer.key == f"claim:{claim_id}:accrual:points").output(load_json=True).first()
    assert accrual["amount"] == 2200 and accrual["detail"]["base_amount"] == 2000
    assert await tiers.earned_12m(partner_id) == 62_000  # the tier counts points before its own multiplier
    await f.login(client, await f.email_of(dealer_id))
    history = (await client.get("/points")).text
    assert "×1,1 для уровня «Золото»" in history
    claim_page = (await client.get(f"/claims/{claim_id}")).text
    assert 'data-accrual="2200"' in claim_page and "×1,1 для уровня «Золото»" in claim_page
    form = f.claim_form(product_id, quantity="1")
    estimate = await client.get("/claims/earn", params={k: form[k] for k in ("item", "quantity", "amount", "sold_on")})
    assert 'data-points="1100"' in estimate.text and "×1,1 для уровня «Золото»" in estimate.text


async def test_concurrent_approvals_that_reach_a_tier_together_move_it_up_once():
    import asyncio

    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(1000)
    claim_ids = [await f.claim(dealer, product_id, quantity="3") for _ in range(7)]  # 7 × 3 000 = 21 000
    manager = await f.company()
    await asyncio.gather(*[claims.decide(manager, c, "approve") for c in claim_ids])
    row = await tier_row(partner_id)
    assert (row["tier"], row["earned_12m"]) == ("silver", 21_000)
    assert await TierMove.count().where(TierMove.partner == partner_id) == 1


async def test_after_any_mix_of_approvals_and_withdrawals_the_kept_sum_equals_the_ledger_recomputed():
    """A fixed-seed walk of approvals, withdrawals, resubmissions and re-approvals: the 12-month sum kept in the
    approvals' transactions equals the sum recomputed from the ledger's points accruals not reversed."""
    import random

    from portal.ledger.tables import Transfer

    rng = random.Random(15)
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(700)
    manager = await f.company()
    claim_ids = [await f.claim(dealer, product_id, quantity=str(rng.randint(1, 9))) for _ in range(6)]
    status = {c: "submitted" for c in claim_ids}
    for _step in range(40):
        c = rng.choice(claim_ids)
        if status[c] in ("submitted", "resubmitted"):
            await claims.decide(manager, c, "approve")
            status[c] = "approved"
        elif status[c] == "approved":
            await claims.revoke_approval(manager, c, "Проверка")
            status[c] = "needs_info"
        else:
            await claims.resubmit(dealer, c, "Исправил", [])
            status[c] = "resubmitted"
    accruals = await Transfer.select(Transfer.id, Transfer.detail, Transfer.amount).where(
        (Transfer.kind == "accrual") & (Transfer.partner == partner_id) & (Transfer.unit == "points")
    ).output(load_json=True)
    reversed_ids = {r["reverses"] for r in await Transfer.select(Transfer.reverses).where(
        Transfer.reverses.is_not_null())}
    expected = sum(a["detail"].get("base_amount", a["amount"]) for a in accruals if a["id"] not in reversed_ids)
    assert await tiers.earned_12m(partner_id) == expected
    assert (await tier_row(partner_id))["earned_12m"] == expected
    assert sum(1 for s in status.values() if s == "approved") >= 1
