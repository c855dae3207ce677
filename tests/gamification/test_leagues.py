"""Leaderboards and leagues: standings follow decisions, ranks and ties, privacy, promotion and relegation."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import events
from portal.accounts.roles import Role
from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.db import company_today
from portal.gamification import board, leagues, standings
from portal.gamification.tables import DivisionMember, LeagueRules, Standing
from portal.periods import services as periods
from portal.periods.events import PeriodClosed
from portal.plans import services as plans
from portal.plans.forms import PlanData
from portal.rewards import services as rewards
from tests import factories as f


async def points_rule(value: int = 100) -> None:
    await rewards.save_rule(SYSTEM, rewards.RuleData.parse({
        "name": "За котёл", "scope": "all", "kind": "per_unit", "value": str(value), "unit": "points",
        "valid_from": "2020-01-01"}))


async def set_plan(partner_id: int, goal: int) -> None:
    await plans.save_plan(SYSTEM, PlanData.parse({
        "name": "План", "period": periods.current_span().code, "audience": "partner", "partner_id": str(partner_id),
        "t0_name": "Котлы", "t0_metric": "units", "t0_scope": "all", "t0_goal": str(goal),
        "t0_bonus_unit": "points", "t0_s0_pct": "100", "t0_s0_bonus": "1000"}))


async def approved(partner_id: int, product_id: int, quantity: int = 1, sold_on: dt.date | None = None) -> int:
    claim_id = await f.claim(await f.dealer(partner_id), product_id, quantity=str(quantity),
                             sold_on=(sold_on or company_today()).isoformat())
    await claims.decide(await f.company(), claim_id, "approve")
    return claim_id


def code() -> str:
    return periods.current_span().code


async def ranks(q: board.Query) -> list[int]:
    return [r["partner"] for r in (await board.manager_view(q)).rows]


# --- standings and ranks ----------------------------------------------------------------------------

async def test_an_approval_puts_points_on_the_board_and_a_revoked_one_takes_them_off():
    await points_rule(100)
    product = await f.product()
    a = await f.partner()
    first = await approved(a, product, 3)
    await approved(a, product, 2)
    row = await Standing.select().where(Standing.key == f"{code()}:{a}").first()
    assert row["points"] == 500
    await claims.revoke_approval(await f.company(), first, "wrong serial")
    row = await Standing.select().where(Standing.key == f"{code()}:{a}").first()
    assert row["points"] == 200
    assert await standings.verify(code()) == []


async def test_the_board_compares_sales_not_the_tier_bonus_they_already_earned():
    from portal.gamification import tiers
    from portal.gamification.tables import PartnerTier
    from portal.ledger import services as ledger

    await points_rule(100)
    product = await f.product()
    gold, plain = await f.partner(), await f.partner()
    await tiers.ensure_ladder()
    await PartnerTier.insert(PartnerTier(partner=gold, tier="gold", earned_12m=60_000))
    for partner_id in (gold, plain):
        await approved(partner_id, product, quantity=2)
    assert (await ledger.balances(gold))["points_pending"] == 220  # ×1.1 for Gold is paid ...
    kept = {r["partner"]: r["points"] for r in await Standing.select(Standing.partner, Standing.points)}
    assert kept == {gold: 200, plain: 200}  # ... but the board ranks the sales: a tie, broken by time
    assert (await standings.recompute(code()))[0][gold][0] == 200


async def test_verify_finds_a_damaged_standing_and_rebuild_repairs_it():
    await points_rule(100)
    product = await f.product()
    a, b = await f.partner(), await f.partner()
    await approved(a, product, 3)
    await approved(b, product, 1)
    await standings.roll()
    await Standing.update({Standing.points: 999}).where(Standing.key == f"{code()}:{a}")
    assert await standings.verify(code()) == [f"partner {a}: kept (999, 0) recomputed (300, 0)"]
    assert await standings.rebuild(code()) == 2
    assert await standings.verify(code()) == []
    assert await ranks(board.Query(code())) == [a, b]
    assert [r["points"] for r in (await board.manager_view(board.Query(board.ROLLING))).rows] == [300, 100]


async def test_rank_by_points_and_by_percent_of_plan_differ_as_they_should():
    await points_rule(100)
    product = await f.product()
    small, big = await f.partner(legal_name="ООО «Малый»"), await f.partner(legal_name="ООО «Большой»")
    await set_plan(small, goal=10)
    await set_plan(big, goal=100)
    await approved(small, product, 5)  # 500 points, 50 % of plan
    await approved(big, product, 20)  # 2000 points, 20 % of plan
    assert await ranks(board.Query(code(), "points")) == [big, small]
    assert await ranks(board.Query(code(), "pct")) == [small, big]
    pct = {r["partner"]: r["pct_bp"] for r in (await board.manager_view(board.Query(code(), "pct"))).rows}
    assert pct == {small: 5000, big: 2000}


async def test_a_tie_goes_to_whoever_reached_the_figure_first():
    await points_rule(100)
    product = await f.product()
    early, late = await f.partner(), await f.partner()
    assert late > early
    await approved(late, product, 2)  # late partner number, but reaches 200 first
    await approved(early, product, 2)
    assert await ranks(board.Query(code(), "points")) == [late, early]
    await approved(early, product, 1)
    await approved(late, product, 1)  # now the early partner reached 300 first
    assert await ranks(board.Query(code(), "points")) == [early, late]


async def test_the_rolling_window_counts_only_the_last_30_days():
    await points_rule(100)
    product = await f.product()
    a, b = await f.partner(), await f.partner()
    today = company_today()
    await approved(a, product, 5, sold_on=today - dt.timedelta(days=40))
    await approved(b, product, 1, sold_on=today)
    rows = (await board.manager_view(board.Query(board.ROLLING))).rows
    assert [(r["partner"], r["points"]) for r in rows] == [(b, 100)]


async def test_the_rolled_window_is_kept_by_decisions_and_agrees_with_the_day_buckets():
    await points_rule(100)
    product = await f.product()
    a, b = await f.partner(), await f.partner()
    today = company_today()
    await approved(a, product, 2, sold_on=today)
    assert await standings.roll(today) == 1
    assert await standings.roll(today) == -1  # once a day
    await approved(b, product, 3, sold_on=today)  # after the roll: added to the kept sums
    old = await approved(a, product, 4, sold_on=today - dt.timedelta(days=45))  # outside the window
    rows = (await board.manager_view(board.Query(board.ROLLING))).rows
    assert [(r["partner"], r["points"]) for r in rows] == [(b, 300), (a, 200)]
    await claims.revoke_approval(await f.company(), old, "проверка")
    assert await standings.verify_rolling() == []
    # tomorrow, before the roll, the board sums the buckets itself: the same answer
    later = (await board.manager_view(board.Query(board.ROLLING), today=today + dt.timedelta(days=1))).rows
    assert [(r["partner"], r["points"]) for r in later] == [(b, 300), (a, 200)]


async def test_filters_rank_inside_the_filtered_field():
    await points_rule(100)
    product = await f.product()
    north = await f.partner(region="Мурманская область")
    south = [await f.partner(region="Краснодарский край") for _ in range(2)]
    await approved(north, product, 9)
    await approved(south[0], product, 1)
    await approved(south[1], product, 2)
    got = (await board.manager_view(board.Query(code(), region="Краснодарский край"))).rows
    assert [(r["partner"], r["rank"]) for r in got] == [(south[1], 1), (south[0], 2)]


_loop: asyncio.AbstractEventLoop | None = None


def _run(coro):
    global _loop
    if _loop is None or _loop.is_closed():
        from portal.db import engine, is_sqlite

        _loop = asyncio.new_event_loop()
        if not is_sqlite():
            _loop.run_until_complete(engine().start_connection_pool(min_size=1, max_size=4))
    return _loop.run_until_complete(coro)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(st.sampled_from(["approve", "approve", "reject", "revoke"]), st.integers(0, 2),
                                st.integers(1, 4), st.integers(0, 5)), min_size=1, max_size=10))
def test_kept_standings_equal_a_full_recount_after_any_approvals_and_withdrawals(steps):
    async def go():
        await standings.roll()  # the first example rolls; later ones find it current and keep it by decisions
        product = await f.product()
        await points_rule(37)
        partners = [await f.partner() for _ in range(3)]
        await set_plan(partners[0], goal=7)
        manager = await f.company()
        span = periods.current_span()
        approved_ids: list[int] = []
        for action, who, qty, back in steps:
            sold_on = max(span.starts_on, company_today() - dt.timedelta(days=back))
            if action == "revoke":
                if approved_ids:
                    await claims.revoke_approval(manager, approved_ids.pop(who % len(approved_ids)), "проверка")
                continue
            claim_id = await f.claim(await f.dealer(partners[who]), product, quantity=str(qty),
                                     sold_on=sold_on.isoformat())
            await claims.decide(manager, claim_id, action, reason="other")
            if action == "approve":
                approved_ids.append(claim_id)
        assert await standings.verify(span.code) == []

    _run(go())


# --- privacy ----------------------------------------------------------------------------------------

async def privacy_world():
    await points_rule(100)
    product = await f.product()
    me = await f.partner(legal_name="ООО «Я»")
    hidden = await f.partner(legal_name="ООО «Тайный»")
    shown = await f.partner(legal_name="ООО «Открытый»")
    await approved(hidden, product, 5)
    await approved(shown, product, 4)
    await approved(me, product, 1)
    await board.set_show_name(SYSTEM, shown, True)
    return me, hidden, shown


async def test_a_hidden_partner_is_masked_on_the_page_in_the_partial_and_in_exports(client):
    me, hidden, shown = await privacy_world()
    await f.login_as(client, Role.PARTNER_STAFF, me)
    page = await client.get("/leaderboard")
    partial = await client.get("/leaderboard", headers={"hx-request": "true", "hx-target": "board"})
    export = (await client.get("/leaderboard/export/csv")).content.decode("utf-8-sig")
    xlsx = await client.get("/leaderboard/export/xlsx")
    from openpyxl import load_workbook

    cells = " ".join(str(c.value) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
                     for c in row)
    for text in (page.text, partial.text, export, cells):
        assert "Тайный" not in text
        assert f"Дилер №{board.pseudonym(hidden)}" in text and f"№{hidden}<" not in text  # a number, not the id
        assert "Открытый" in text and "Я»" in text.replace("&raquo;", "»").replace("&#187;", "»")
    assert 'id="board"' in partial.text and "<html" not in partial.text


async def test_a_filtered_board_shows_a_hidden_partner_without_a_number(client):
    me, hidden, shown = await privacy_world()
    await f.login_as(client, Role.PARTNER_STAFF, me)
    region = (await f.partner_row(hidden))["region"]
    page = (await client.get(f"/leaderboard?region={region}")).text
    assert "Тайный" not in page and str(board.pseudonym(hidden)) not in page and "Скрытый участник" in page


async def test_managers_always_see_names(client):
    me, hidden, shown = await privacy_world()
    await f.login_as(client, Role.MANAGER)
    page = await client.get("/leaderboard")
    export = (await client.get("/leaderboard/export/csv")).content.decode("utf-8-sig")
    for text in (page.text, export):
        assert "Тайный" in text and f"Дилер №{board.pseudonym(hidden)}" not in text
    rows = list(csv.reader(io.StringIO(export), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["ООО «Тайный»", "ООО «Открытый»", "ООО «Я»"]


async def test_a_partner_sees_the_top_ten_and_its_neighbours_only():
    await points_rule(1)
    product = await f.product()
    partners = [await f.partner() for _ in range(30)]
    for n, pid in enumerate(partners):
        await approved(pid, product, 100 - n)  # partners[n] ranks n + 1
    me = partners[19]
    got = await board.partner_view(board.Query(code()), me)
    assert [r["rank"] for r in got.rows] == list(range(1, 11)) + list(range(17, 24))
    assert got.me["rank"] == 20 and got.me["name"] != f"Дилер №{me}"


async def test_a_partner_admin_chooses_to_appear_by_name(client):
    me, hidden, shown = await privacy_world()
    await f.login_as(client, Role.PARTNER_ADMIN, hidden)
    page = await client.get("/leaderboard")
    assert 'name="show_name"' in page.text
    answer = await f.post_form(client, "/leaderboard/privacy", {"show_name": "1"})
    assert answer.status_code == 303
    assert await board.shows_name(hidden)
    rows = (await board.partner_view(board.Query(code()), me)).rows
    assert any(r["name"] == "ООО «Тайный»" for r in rows)
    await f.post_form(client, "/leaderboard/privacy", {})
    assert not await board.shows_name(hidden)


# --- leagues ----------------------------------------------------------------------------------------

async def league_world(count: int = 6, size: int = 3, move: int = 1) -> list[int]:
    await LeagueRules.insert(LeagueRules(division_size=size, move=move))
    await points_rule(10)
    partners = [await f.partner() for _ in range(count)]
    assert await leagues.seed_season(code()) == count
    assert await leagues.seed_season(code()) == 0  # once per season
    return partners


async def test_the_first_season_cuts_partners_into_divisions_of_similar_size():
    partners = await league_world(7, size=3)
    placed = await leagues.division_of(partners, code())
    levels = sorted(d["level"] for d in placed.values())
    assert levels == [0, 0, 0, 1, 1, 1, 1]  # a last division under half the size joins the one above


async def test_top_places_move_up_and_bottom_places_down_at_period_close():
    await points_rule(10)
    product = await f.product()
    partners = await league_world(6, size=3, move=1)
    placed = await leagues.division_of(partners, code())
    top = sorted((p for p in partners if placed[p]["level"] == 0))
    low = sorted((p for p in partners if placed[p]["level"] == 1))
    for n, pid in enumerate(top):
        await approved(pid, product, n + 1)  # top[0] is last of the top league
    for n, pid in enumerate(low):
        await approved(pid, product, n + 1)  # low[2] wins the lower league
    panel = await leagues.panel(low[2])
    assert (panel["league"], panel["place"], panel["zone"]) == (2, 1, "up")
    assert (await leagues.panel(top[0]))["zone"] == "down"
    assert (await leagues.panel(top[1]))["zone"] == "stay"
    await events.publish(PeriodClosed(code=code(), actor_id=None))
    await events.publish(PeriodClosed(code=code(), actor_id=None))  # a re-run moves nobody twice
    following = periods.current_span().next().code
    after = await leagues.division_of(partners, following)
    assert after[low[2]]["level"] == 0 and after[top[0]]["level"] == 1
    assert after[top[2]]["level"] == 0 and after[low[0]]["level"] == 1
    moved = {r["partner"]: r["moved"] for r in await DivisionMember.select().where(DivisionMember.period == following)}
    assert moved[low[2]] == "up" and moved[top[0]] == "down" and moved[top[1]] == ""
    assert len(moved) == 6


async def test_being_overtaken_moves_the_place_on_the_kept_dashboard(client):
    await points_rule(10)
    product = await f.product()
    partners = await league_world(3, size=3, move=1)
    a, b = partners[0], partners[1]
    await approved(a, product, 2)
    await f.login_as(client, Role.PARTNER_STAFF, a)
    assert "Место 1 из 3" in (await client.get("/dashboard")).text
    await approved(b, product, 5)
    assert "Место 2 из 3" in (await client.get("/dashboard")).text


async def test_concurrent_approvals_in_one_division_leave_every_place_right():
    await points_rule(10)
    product = await f.product()
    partners = await league_world(6, size=6, move=1)
    manager = await f.company()
    claim_ids = [await f.claim(await f.dealer(pid), product, quantity=str(n + 1))
                 for n, pid in enumerate(partners) for _ in range(2)]
    await asyncio.gather(*[claims.decide(manager, cid, "approve") for cid in claim_ids])
    rows = await Standing.select(Standing.partner, Standing.points, Standing.league_place).where(
        Standing.period == code())
    by_place = sorted(rows, key=lambda r: r["league_place"])
    assert [r["league_place"] for r in by_place] == [1, 2, 3, 4, 5, 6]
    assert [r["partner"] for r in by_place] == partners[::-1]  # more units, more points, better place
    assert await standings.verify(code()) == []


async def test_the_index_walk_ranks_exactly_like_the_window_query():
    from portal.accounts import services as accounts

    await points_rule(10)
    product = await f.product()
    partners = [await f.partner() for _ in range(24)]
    rng = __import__("random").Random(7)
    for pid in partners:
        await set_plan(pid, goal=rng.choice([5, 10, 20]))
        for _ in range(rng.randint(0, 2)):
            await approved(pid, product, rng.choice([1, 2, 2, 3]))  # many equal figures: ties by time
    for pid in partners[3::5]:
        await accounts.set_partner_status(SYSTEM, pid, "deactivate")
    await standings.roll()
    for q in (board.Query(code(), "points"), board.Query(code(), "pct"), board.Query(board.ROLLING)):
        walked = (await board.manager_view(q, per_page=0)).rows
        assert walked == (await board.manager_view(q, per_page=0, walk_index=False)).rows
        assert [r["rank"] for r in walked] == list(range(1, len(walked) + 1)) and len(walked) > 10
        page2 = (await board.manager_view(q, page=2, per_page=5)).rows
        assert page2 == walked[5:10]
        for pid in partners:
            assert (await board.partner_view(q, pid)).rows == (await board.partner_view(q, pid, walk_index=False)).rows
