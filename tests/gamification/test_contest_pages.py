"""Contest pages: a manager defines and starts one by the form; partners see their progress, never others' names."""

from __future__ import annotations

import csv
import io

import pytest

from portal.accounts.roles import Role
from portal.claims import services as claims
from portal.db import company_today
from portal.gamification import board, contests
from portal.gamification.tables import Contest
from tests import factories as f


def form(**over) -> dict:
    today = company_today().isoformat()
    return {"name": "Неделя котлов", "description": "Продайте 4 котла", "starts_on": today, "ends_on": today,
            "metric": "units", "scope": "all", "threshold": "4", "threshold_unit": "points",
            "threshold_amount": "2000", "p1_unit": "kop", "p1_amount": "500,00"} | over


async def test_a_bad_form_comes_back_with_messages_and_writes_nothing(client):
    await f.login_as(client, Role.MANAGER)
    page = await f.post_form(client, "/manage/contests/new", form(ends_on="2000-01-01", threshold="", p1_amount=""))
    assert page.status_code == 400
    assert "Неделя котлов" in page.text  # the values stay
    assert await Contest.count() == 0


async def test_manager_starts_a_contest_and_the_partner_follows_it_on_the_dashboard(client, another_client):
    await f.login_as(client, Role.MANAGER)
    created = await f.post_form(client, "/manage/contests/new", form())
    assert created.status_code == 303
    contest_id = (await Contest.select(Contest.id).first())["id"]
    assert (await f.post_form(client, f"/manage/contests/{contest_id}/start")).status_code == 303

    mine, rival = await f.partner(legal_name="ООО «Моя фирма»"), await f.partner(legal_name="ООО «Соперник»")
    product_id = await f.product()
    for pid, quantity in ((rival, 3), (mine, 1)):
        claim_id = await f.claim(await f.dealer(pid), product_id, quantity=str(quantity))
        await claims.decide(await f.company(), claim_id, "approve")

    await f.login_as(another_client, Role.PARTNER_STAFF, mine)
    dashboard = await another_client.get("/dashboard")
    assert "Неделя котлов" in dashboard.text and 'value="25"' in dashboard.text  # 1 of 4
    page = await another_client.get(f"/contests/{contest_id}")
    assert page.status_code == 200
    assert "Соперник" not in page.text
    assert f"№{board.pseudonym(rival)}" in page.text and f"№{rival}<" not in page.text
    assert 'data-rank="2"' in page.text and "2 место" in page.text

    standings = await client.get(f"/manage/contests/{contest_id}")
    assert standings.text.index("Соперник") < standings.text.index("Моя фирма")
    export = await client.get(f"/manage/contests/{contest_id}/export/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["ООО «Соперник»", "ООО «Моя фирма»"]
    assert rows[1][2] != "central" and "+00:00" not in rows[1][5]  # regions in words, times in company time


async def test_a_partner_cannot_open_a_contest_it_does_not_play(client):
    contest_id = await contests.create(await _system(), _data(regions=("Тверская область",)))
    await contests.start(await _system(), contest_id)
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner(region="Москва"))
    assert (await client.get(f"/contests/{contest_id}")).status_code == 404
    assert (await client.get(f"/contests/{contest_id + 1}")).status_code == 404


async def test_a_running_contest_cannot_be_edited(client):
    contest_id = await contests.create(await _system(), _data())
    await contests.start(await _system(), contest_id)
    await f.login_as(client, Role.MANAGER)
    response = await f.post_form(client, f"/manage/contests/{contest_id}/edit", form(name="Другое имя"))
    assert response.status_code == 409
    assert (await contests.get(contest_id))["name"] == "Неделя котлов"


async def _system():
    from portal.audit.services import SYSTEM

    return SYSTEM


def _data(**over):
    from portal.gamification.forms_contests import parse

    data = parse(form())
    return data.__class__(**(data.__dict__ | over))


async def test_the_kept_dashboard_shows_a_started_contest_and_an_approval_moves_its_bar(client):
    from portal.audit.services import SYSTEM

    partner_id = await f.partner()
    await f.login_as(client, Role.PARTNER_STAFF, partner_id)
    assert "Неделя котлов" not in (await client.get("/dashboard")).text  # kept from here on
    contest_id = await contests.create(SYSTEM, _data())
    await contests.start(SYSTEM, contest_id)
    shown = (await client.get("/dashboard")).text  # the contest is reference data: a new revision
    assert f'data-contest="{contest_id}"' in shown and 'value="0"' in shown
    claim_id = await f.claim(await f.dealer(partner_id), await f.product(), quantity="2")
    await claims.decide(await f.company(), claim_id, "approve")
    assert 'value="50"' in (await client.get("/dashboard")).text  # 2 of 4: the standing is the partner's data


def test_a_contest_for_a_region_that_does_not_exist_is_refused_not_saved_dead():
    from portal.errors import ValidationFailed
    from portal.gamification.forms_contests import parse
    from tests.gamification.test_contests import contest_form

    with pytest.raises(ValidationFailed) as refused:
        parse(contest_form(regions="central, Центральный"))
    assert "Центральный" in refused.value.errors["regions"]
    assert parse(contest_form(regions="central")).regions == ("central",)
