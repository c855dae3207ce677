"""Approving a claim pays under the rules that apply; the partner sees how much and why."""

from __future__ import annotations

import datetime as dt

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.audit.tables import AuditEntry
from portal.claims import services as claims
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.rewards import calc
from portal.rewards import services as rewards
from tests import factories as f


async def rule(**fields) -> int:
    data = {"name": "Котлы", "scope": "all", "kind": "per_unit", "value": "150", "unit": "points",
            "valid_from": "2020-01-01"} | {k: str(v) for k, v in fields.items()}
    return await rewards.save_rule(SYSTEM, rewards.RuleData.parse(data))


async def test_approval_accrues_points_into_pending_with_the_reason(client):
    partner_id = await f.partner()
    dealer_id = await f.user(Role.PARTNER_ADMIN, partner_id)
    product_id = await f.product(category="boilers")
    await rule(name="Котлы за штуку", scope="category", scope_value="boilers", value=150)
    claim_id = await f.claim(await f.current(dealer_id), product_id, quantity="3")
    await claims.decide(await f.company(), claim_id, "approve")
    assert await ledger.balance(partner_id, "points_pending") == 450
    await f.login(client, await f.email_of(dealer_id))
    dashboard = await client.get("/dashboard")
    assert 'data-balance="points_pending">450<' in dashboard.text
    history = await client.get("/points")
    assert "Правило «Котлы за штуку», версия 1: 3 шт. × 150 баллов" in history.text


async def test_rejection_and_requests_for_information_pay_nothing():
    product_id = await f.product()
    await rule()
    dealer = await f.dealer()
    first = await f.claim(dealer, product_id)
    second = await f.claim(dealer, product_id)
    await claims.decide(await f.company(), first, "reject", reason="other")
    await claims.decide(await f.company(), second, "needs_info", text="?")
    assert await Transfer.count() == 0


async def test_a_partners_own_terms_beat_the_general_rule_and_the_narrowest_scope_wins():
    partner_id = await f.partner()
    product_id = await f.product(category="boilers")
    await rule(name="Всё", scope="all", value=10)
    await rule(name="Котлы", scope="category", scope_value="boilers", value=20)
    await rule(name="Этот котёл", scope="product", scope_value=product_id, value=30)
    await rule(name="Особые условия", scope="category", scope_value="boilers", value=40, partner_id=partner_id)
    own = await rewards.work_of(await f.claim(await f.dealer(partner_id), product_id))
    other = await rewards.work_of(await f.claim(await f.dealer(), product_id))
    assert [(r["name"], amount) for r, amount in await rewards.preview(own)] == [("Особые условия", 40)]
    assert [(r["name"], amount) for r, amount in await rewards.preview(other)] == [("Этот котёл", 30)]


async def test_percent_and_cash_rules_round_down_to_whole_units():
    work = calc.Work(partner_id=1, partner_group="", product_id=1, category="c", job_type_id=None, quantity=1, amount_kop=4599050,
                     sold_on=dt.date(2026, 1, 1))
    base = {"id": 1, "rule_key": "k", "version": 1, "name": "n", "partner": None, "scope": "all", "scope_value": "",
            "valid_from": dt.date(2020, 1, 1), "valid_to": None}
    assert calc.reward(base | {"kind": "percent", "value": 150, "unit": "kop"}, work) == 68985  # 1.5% of 45 990,50
    assert calc.reward(base | {"kind": "percent", "value": 150, "unit": "points"}, work) == 689  # 1.5 per 100 ₽
    assert calc.reward(base | {"kind": "fixed", "value": 500, "unit": "points"}, work) == 500


async def test_a_new_rule_version_leaves_earned_accruals_alone():
    partner_id = await f.partner()
    product_id = await f.product()
    await rule(value=100)
    dealer = await f.dealer(partner_id)
    first = await f.claim(dealer, product_id)
    await claims.decide(await f.company(), first, "approve")
    key = (await rewards.current_rules())[0]["rule_key"]
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "per_unit", "value": "250", "unit": "points",
        "valid_from": "2020-01-01"}), rule_key=key)
    second = await f.claim(dealer, product_id)
    await claims.decide(await f.company(), second, "approve")
    accruals = await Transfer.select(Transfer.amount, Transfer.detail).where(Transfer.kind == "accrual").order_by(
        Transfer.id).output(load_json=True)
    assert [(a["amount"], a["detail"]["version"]) for a in accruals] == [(100, 1), (250, 2)]
    assert await ledger.balance(partner_id, "points_pending") == 350


async def test_rules_only_apply_inside_their_dates():
    product_id = await f.product()
    await rule(valid_from="2020-01-01", valid_to="2020-12-31")
    claim_id = await f.claim(await f.dealer(), product_id)
    await claims.decide(await f.company(), claim_id, "approve")
    assert await Transfer.count() == 0


async def test_finance_adjusts_by_hand_with_a_reason_and_it_is_audited(client):
    partner_id = await f.partner()
    finance_id = await f.login_as(client, Role.FINANCE)
    form = (await client.get("/finance/adjust/")).text
    token = form.split('name="token" value="')[1].split('"')[0]
    missing = await f.post_form(client, "/finance/adjust/", {"partner_id": str(partner_id), "unit": "points",
                                                             "amount": "100", "reason": "", "token": token})
    assert missing.status_code == 400 and "Для каждой корректировки нужна причина." in missing.text
    data = {"partner_id": str(partner_id), "unit": "points", "amount": "100", "reason": "Бонус за выставку",
            "token": token}
    assert (await f.post_form(client, "/finance/adjust/", data)).status_code == 200
    assert (await f.post_form(client, "/finance/adjust/", data)).status_code == 200  # a retry does not pay twice
    assert await ledger.balance(partner_id, "points_available") == 100
    entry = await AuditEntry.select().where(AuditEntry.action == "ledger.adjusted").output(load_json=True).first()
    assert entry["actor_id"] == finance_id and entry["after"]["reason"] == "Бонус за выставку"
    assert await AuditEntry.count().where(AuditEntry.action == "ledger.adjusted") == 1
    too_much = await f.post_form(client, "/finance/adjust/", {**data, "amount": "-500", "token": "another-token-123456"})
    assert too_much.status_code == 409 and "Недостаточно баллов" in too_much.text


async def test_history_exports_to_csv(client):
    partner_id = await f.partner()
    await ledger.adjust(partner_id, "points", 42, "подарок", None, "adj:x")
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    csv_text = (await client.get("/points/export.csv")).content.decode("utf-8-sig")
    assert "подарок" in csv_text and ";42;" in csv_text


async def test_withdrawing_an_approval_reverses_the_accruals_and_records_what_was_spent(client):
    from portal.ledger.tables import Shortfall

    partner_id = await f.partner()
    dealer_id = await f.user(Role.PARTNER_ADMIN, partner_id)
    product_id = await f.product()
    await rule(value=100)
    await rule(name="Деньги", kind="fixed", value=5000, unit="kop")
    dealer = await f.current(dealer_id)
    kept = await f.claim(dealer, product_id)
    taken_back = await f.claim(dealer, product_id)
    manager = await f.company()
    for claim_id in (kept, taken_back):
        await claims.decide(manager, claim_id, "approve")
    await ledger.release_due(hold_days=-1)  # 200 points available
    await ledger.reserve("order:1", partner_id, 150)
    await ledger.post_reservation("order:1")  # 50 left
    await f.login_as(client, Role.MANAGER)
    missing = await f.post_form(client, f"/review/{taken_back}/revoke", {"text": ""})
    assert missing.status_code == 400
    done = await f.post_form(client, f"/review/{taken_back}/revoke", {"text": "Счёт поддельный"})
    assert done.status_code == 303
    b = await ledger.balances(partner_id)
    assert (b["points_available"], b["points_pending"], b["cash_pending"]) == (0, 0, 5000)
    shortfall = await Shortfall.select().first()
    assert (shortfall["amount"], shortfall["unit"]) == (50, "points")
    assert (await ledger.verify()).ok
    status = (await claims.get_claim(manager, taken_back))["status"]
    assert status == "needs_info"


async def test_a_partner_groups_terms_apply_to_its_members_only():
    key_dealer = await f.partner(partner_group="Ключевые дилеры")
    ordinary = await f.partner()
    product_id = await f.product()
    await rule(name="Всем", value=10)
    await rule(name="Ключевым", value=25, partner_group="Ключевые дилеры")
    member = await rewards.work_of(await f.claim(await f.dealer(key_dealer), product_id))
    other = await rewards.work_of(await f.claim(await f.dealer(ordinary), product_id))
    assert [(r["name"], a) for r, a in await rewards.preview(member)] == [("Ключевым", 25)]
    assert [(r["name"], a) for r, a in await rewards.preview(other)] == [("Всем", 10)]


async def _approved_withdrawn_and_resubmitted(dealer, product_id: int) -> int:
    """A claim approved, its approval withdrawn, and sent back by the partner for review."""
    claim_id = await f.claim(dealer, product_id, quantity="2")
    await claims.decide(await f.company(), claim_id, "approve")
    await claims.revoke_approval(await f.company(), claim_id, "Счёт не читается")
    await claims.resubmit(dealer, claim_id, "Вот счёт получше", [])
    return claim_id


async def test_a_claim_approved_again_after_a_withdrawal_earns_once_again():
    from portal.periods.calc import span_of
    from portal.plans import services as plans

    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(value=100)
    claim_id = await _approved_withdrawn_and_resubmitted(dealer, product_id)
    assert await ledger.balance(partner_id, "points_pending") == 0
    await claims.decide(await f.company(), claim_id, "approve")
    assert await ledger.balance(partner_id, "points_pending") == 200  # one accrual: the second approval's
    assert (await ledger.verify()).ok
    assert await plans.verify_sales(span_of(dt.date.today()).code) == []  # the plan's summary counts it once


async def test_a_claim_approved_again_after_the_rule_changed_earns_under_the_new_rule():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(value=100)
    claim_id = await _approved_withdrawn_and_resubmitted(dealer, product_id)
    key = (await rewards.current_rules())[0]["rule_key"]
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "Котлы", "scope": "all", "kind": "per_unit", "value": "250", "unit": "points",
        "valid_from": "2020-01-01"}), rule_key=key)
    assert await claims.decide(await f.company(), claim_id, "approve") == "approved"
    assert await ledger.balance(partner_id, "points_pending") == 500
    accruals = await Transfer.select(Transfer.amount, Transfer.detail).where(Transfer.kind == "accrual").order_by(
        Transfer.id).output(load_json=True)
    assert [(a["amount"], a["detail"]["version"]) for a in accruals] == [(200, 1), (500, 2)]
    assert (await ledger.verify()).ok


async def test_withdrawing_a_second_approval_reverses_its_own_accrual_only():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await rule(value=100)
    claim_id = await _approved_withdrawn_and_resubmitted(dealer, product_id)
    await claims.decide(await f.company(), claim_id, "approve")
    await claims.revoke_approval(await f.company(), claim_id, "Опять не то")
    accruals = [r["id"] for r in await Transfer.select(Transfer.id).where(Transfer.kind == "accrual").order_by(Transfer.id)]
    reversed_ = [r["reverses"] for r in await Transfer.select(Transfer.reverses).where(Transfer.kind == "reversal")
                 .order_by(Transfer.id)]
    assert reversed_ == accruals  # each withdrawal reversed its own approval's accrual, once
    assert await ledger.balance(partner_id, "points_pending") == 0
    assert (await ledger.verify()).ok
