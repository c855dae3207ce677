"""Plans against real claims: the summary follows decisions, versions keep history, managers see everyone."""

from __future__ import annotations

import datetime as dt
import io

from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.db import company_today
from portal.errors import ValidationFailed
from portal.ledger.tables import Transfer
from portal.periods import services as periods
from portal.periods.tables import Period
from portal.plans import services as plans
from portal.plans.forms import PlanData
from portal.plans.tables import Plan
from portal.rewards import services as rewards
from tests import factories as f

import pytest


def plan_form(**over) -> dict:
    return {"name": "План ноября", "period": periods.current_span().code, "audience": "partner",
            "t0_name": "Котлы", "t0_metric": "units", "t0_scope": "all", "t0_goal": "10", "t0_bonus_unit": "points",
            "t0_s0_pct": "80", "t0_s0_bonus": "1000", "t0_s1_pct": "100", "t0_s1_bonus": "3000",
            "t0_s2_pct": "120", "t0_s2_bonus": "3000", "t0_s2_mult": "1,2"} | {k: str(v) for k, v in over.items()}


async def set_plan(partner_id: int | None = None, **over) -> str:
    if partner_id is not None:
        over["partner_id"] = partner_id
    await plans.save_plan(SYSTEM, PlanData.parse(plan_form(**over)))
    row = await Plan.select(Plan.plan_key).order_by(Plan.id, ascending=False).first()
    return row["plan_key"]


async def approved(dealer, product_id: int, quantity: int = 1, sold_on: dt.date | None = None) -> int:
    claim_id = await f.claim(dealer, product_id, quantity=str(quantity),
                             sold_on=(sold_on or company_today()).isoformat())
    await claims.decide(await f.company(), claim_id, "approve")
    return claim_id


async def points_rule(value: int = 100) -> None:
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "За котёл", "scope": "all", "kind": "per_unit", "value": str(value), "unit": "points",
        "valid_from": "2020-01-01"}))


async def test_approvals_move_fulfilment_and_a_revoked_approval_takes_it_back():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await set_plan(partner_id)
    first = await approved(dealer, product_id, quantity=6)
    await approved(dealer, product_id, quantity=2)
    got = await plans.fulfilment_of(partner_id)
    assert got.progress.targets[0].achieved == 8
    assert got.progress.targets[0].bonus == 1000  # 80 %
    await claims.revoke_approval(await f.company(), first, "wrong serial")
    got = await plans.fulfilment_of(partner_id)
    assert (got.progress.targets[0].achieved, got.progress.targets[0].bonus) == (2, 0)
    assert await plans.verify_sales(got.span.code) == []


async def test_submitted_claims_show_as_awaiting_and_do_not_count():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await set_plan(partner_id)
    await f.claim(dealer, product_id, quantity="5")
    tp = (await plans.fulfilment_of(partner_id)).progress.targets[0]
    assert (tp.achieved, tp.awaiting, tp.bonus) == (0, 5, 0)


async def test_points_targets_count_the_points_the_claims_earned():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await points_rule(150)
    await set_plan(partner_id, t0_metric="points", t0_goal="1000")
    await approved(dealer, product_id, quantity=4)
    tp = (await plans.fulfilment_of(partner_id)).progress.targets[0]
    assert (tp.achieved, tp.pct_bp) == (600, 6000)


async def test_a_partner_without_a_plan_sees_none_and_is_not_in_the_table(client):
    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    page = await client.get("/dashboard")
    assert "<h2>План на" not in page.text and "пока не задан" in page.text and "data-target" not in page.text
    assert (await plans.fulfilment_table(periods.current_span().code)).total == 0


async def test_changing_a_plan_mid_period_makes_a_version_and_leaves_accruals_alone():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    await points_rule()
    key = await set_plan(partner_id)
    await approved(dealer, product_id, quantity=8)
    before = await Transfer.select(Transfer.id, Transfer.amount, Transfer.key).order_by(Transfer.id)
    assert (await plans.fulfilment_of(partner_id)).progress.targets[0].bonus == 1000
    await plans.save_plan(SYSTEM, PlanData.parse(plan_form(t0_goal="20"), editing=True), plan_key=key)
    versions = await plans.plan_versions(key)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["superseded_at"] is not None and versions[0]["targets"][0]["goal"] == 10
    assert await Transfer.select(Transfer.id, Transfer.amount, Transfer.key).order_by(Transfer.id) == before
    tp = (await plans.fulfilment_of(partner_id)).progress.targets[0]
    assert (tp.pct_bp, tp.bonus) == (4000, 0)


async def test_a_partners_own_plan_beats_its_groups():
    grouped = await f.partner(partner_group="Ключевые")
    own = await f.partner(partner_group="Ключевые")
    await set_plan(audience="group", partner_group="Ключевые", t0_goal="50")
    await set_plan(own, t0_goal="5")
    assert (await plans.fulfilment_of(grouped)).progress.targets[0].target.goal == 50
    assert (await plans.fulfilment_of(own)).progress.targets[0].target.goal == 5


async def test_a_template_copies_to_every_matching_partner_at_once():
    north = [await f.partner(region="north_west", partner_type="installer") for _ in range(3)]
    await f.partner(region="north_west", partner_type="dealer")
    await f.partner(region="central", partner_type="installer")
    count = await plans.copy_plan(SYSTEM, PlanData.parse(plan_form(audience="copy", copy_type="installer",
                                                                   copy_region="north_west")))
    assert count == 3
    rows = await Plan.select(Plan.partner).where(Plan.superseded_at.is_null())
    assert sorted(r["partner"] for r in rows) == sorted(north)
    assert len({r["batch"] for r in await Plan.select(Plan.batch)}) == 1


async def test_a_closed_period_refuses_plan_changes():
    partner_id = await f.partner()
    key = await set_plan(partner_id)
    await Period.update({Period.status: "closed"}).where(Period.code == periods.current_span().code)
    with pytest.raises(periods.PeriodClosed):
        await plans.save_plan(SYSTEM, PlanData.parse(plan_form(t0_goal="20"), editing=True), plan_key=key)
    assert len(await plans.plan_versions(key)) == 1


def test_a_ladder_that_pays_less_higher_up_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        PlanData.parse(plan_form(t0_s1_bonus="500"))
    assert "t0_s0_pct" in exc.value.errors


async def test_the_form_shows_field_errors_in_russian(client):
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, "/manage/plans/new", plan_form(t0_goal="", name=""))
    assert response.status_code == 400
    assert "Обязательное поле" in response.text or "обязательно" in response.text.lower()
    assert await Plan.count() == 0


async def test_manager_creates_a_plan_through_the_form(client):
    partner_id = await f.partner()
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, "/manage/plans/new", plan_form(partner_id=partner_id))
    assert response.status_code == 303
    listing = await client.get(response.headers["location"])
    assert "План ноября" in listing.text


async def table_world():
    product_id = await f.product()
    span = periods.current_span()
    early = span.starts_on  # everything sold on day one: the forecast is the full run rate
    rows = {}
    for name, region, group, qty in (("Альфа", "central", "Ключевые", 12), ("Бета", "north_west", "", 9),
                                     ("Гамма", "central", "", 2)):
        pid = await f.partner(legal_name=f"ООО «{name}»", region=region, partner_group=group)
        await set_plan(pid)
        if qty:
            await approved(await f.dealer(pid), product_id, quantity=qty, sold_on=early)
        rows[name] = pid
    return rows


async def test_manager_table_sorts_by_percent_and_filters(client):
    await table_world()
    await f.login_as(client, Role.MANAGER)
    page = await client.get("/manage/fulfilment/?sort=pct&order=desc")
    assert page.status_code == 200
    text = page.text
    assert text.index("Альфа") < text.index("Бета") < text.index("Гамма")
    assert "<svg class=\"bullet" in text
    central = await client.get("/manage/fulfilment/?region=central")
    assert "Альфа" in central.text and "Бета" not in central.text
    group = await client.get("/manage/fulfilment/?group=Ключевые")
    assert "Альфа" in group.text and "Гамма" not in group.text


async def test_at_risk_filter_keeps_only_forecasts_under_80_percent():
    await table_world()
    span = periods.current_span()
    table = await plans.fulfilment_table(span.code, at_risk=True, today=span.ends_on)
    assert [r.legal_name for r in table.rows] == ["ООО «Гамма»"]


async def test_exports_hold_every_partner_and_target(client):
    await table_world()
    await f.login_as(client, Role.FINANCE)
    csv_text = (await client.get("/manage/fulfilment/export/csv")).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 4 and "ООО «Альфа»" in csv_text
    from openpyxl import load_workbook

    xlsx = await client.get("/manage/fulfilment/export/xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 4


async def test_the_dashboard_partial_shows_progress_and_what_is_left(client):
    partner_id = await f.partner()
    product_id = await f.product()
    await set_plan(partner_id, t0_goal="40")
    await approved(await f.dealer(partner_id), product_id, quantity=32)
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    part = await client.get("/dashboard/plan")
    assert 'data-pct="8000"' in part.text
    assert "80\u00a0%" in part.text
    assert "Выполните 100\u00a0% — получите 3\u00a0000 баллов; ещё 8 штук." in part.text


async def test_the_manager_table_follows_approvals_and_new_plan_versions_at_once():
    partner_id = await f.partner()
    dealer = await f.dealer(partner_id)
    product_id = await f.product()
    key = await set_plan(partner_id)
    code = periods.current_span().code
    first = await plans.fulfilment_table(code)  # evaluated once and kept in memory
    assert first.rows[0].progress.weakest_pct_bp == 0
    await approved(dealer, product_id, quantity=8)
    assert (await plans.fulfilment_table(code)).rows[0].progress.weakest_pct_bp == 8000
    await plans.save_plan(SYSTEM, PlanData.parse(plan_form(t0_goal="16"), editing=True), plan_key=key)
    assert (await plans.fulfilment_table(code)).rows[0].progress.weakest_pct_bp == 5000


async def test_the_sales_summary_equals_a_recount_of_the_claims_after_any_mix_of_decisions():
    product_a, product_b = await f.product(category="boilers"), await f.product(category="pumps")
    await points_rule(70)
    dealers = [await f.dealer(await f.partner()) for _ in range(3)]
    manager = await f.company()
    approved_ids = []
    for n in range(12):
        claim_id = await f.claim(dealers[n % 3], (product_a, product_b)[n % 2], quantity=str(n % 4 + 1))
        decision = ("approve", "approve", "reject")[n % 3]
        await claims.decide(manager, claim_id, decision, reason="other")
        if decision == "approve":
            approved_ids.append(claim_id)
    for claim_id in approved_ids[::3]:
        await claims.revoke_approval(manager, claim_id, "проверка")
    code = periods.current_span().code
    assert await plans.verify_sales(code) == []
    await plans.rebuild_sales(code)
    assert await plans.verify_sales(code) == []
