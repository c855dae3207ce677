"""Closing a period: bonuses, payables, acts and the register, once, whatever happens on the way."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from portal.audit.services import SYSTEM
from portal.claims import services as claims
from portal.claims.tables import Claim
from portal.db import engine, is_sqlite
from portal.errors import ValidationFailed
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.periods import payouts
from portal.periods import services as periods
from portal.periods.close import act_root, close_period, preview
from portal.periods.tables import Act, PayoutLine, Period
from tests import factories as f
from tests.periods.world import finished_period

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if is_sqlite():
        env["PREMIA_SQLITE_PATH"] = engine().path
    else:
        env["DATABASE_URL"] = engine().config["dsn"] if "dsn" in engine().config else env.get("DATABASE_URL", "")
    return env


async def test_a_close_pays_plan_bonuses_moves_cash_to_payable_writes_acts_and_builds_the_register():
    world = await finished_period(partners=3)
    code = world.span.code
    result = await close_period(code, SYSTEM)
    assert (result.acts_written, result.register_lines) == (3, 3)
    assert await periods.status_of(code) == "closed"
    first = world.partners[0]  # 5 boilers for 120 000 ₽: both targets met
    assert await ledger.balance(first, "points_available") == 2000
    assert await ledger.balance(first, "cash_pending") == 0
    assert await ledger.balance(first, "cash_payable") == 1_200_00 + 5_000_00
    register = await payouts.register_of(code)
    assert register.total == sum([await ledger.balance(p, "cash_payable") for p in world.partners])
    files = sorted((act_root() / code).glob("*.pdf"))
    assert len(files) == 3
    assert (await ledger.verify()).ok


async def test_closing_twice_changes_nothing_the_second_time():
    world = await finished_period(partners=2)
    await close_period(world.span.code, SYSTEM)
    before = (await Transfer.count(), await Act.count(), await PayoutLine.count())
    again = await close_period(world.span.code, SYSTEM)
    assert again.already_closed
    assert (await Transfer.count(), await Act.count(), await PayoutLine.count()) == before


async def test_the_preview_matches_the_close_and_writes_nothing():
    world = await finished_period(partners=2)
    before = await Transfer.count()
    rows = await preview(world.span.code)
    assert await Transfer.count() == before and await periods.status_of(world.span.code) == "open"
    await close_period(world.span.code, SYSTEM)
    register = await payouts.register_of(world.span.code)
    assert sum(r.total_kop for r in rows) == register.total
    assert {r.partner_id: r.total_kop for r in rows} == {l["partner"]: l["amount_kop"] for l in register.lines}


async def test_two_processes_closing_at_once_make_one_result():
    world = await finished_period(partners=3)
    command = [sys.executable, "-m", "portal.cli", "period", "close", world.span.code]
    procs = [subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert sum("already closed" in out for out, _err in outputs) == 1
    assert await Act.count() == 3 and await PayoutLine.count() == 3
    assert await Transfer.count().where(Transfer.kind == "plan_bonus") == 6
    assert (await ledger.verify()).ok


async def test_a_close_killed_midway_finishes_on_the_next_run_without_duplicates():
    world = await finished_period(partners=5)
    code = world.span.code
    proc = subprocess.Popen([sys.executable, "-m", "tests.periods.close_run", code], cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # wait until some acts are recorded, then kill without warning
        stage, done, _total = line.split()
        if stage == "acts" and int(done) >= 2:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert await periods.status_of(code) == "closing"
    partial = await Act.count()
    assert 2 <= partial < 5
    rerun = subprocess.run([sys.executable, "-m", "portal.cli", "period", "close", code], cwd=ROOT, env=_env(),
                           capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert await periods.status_of(code) == "closed"
    assert await Act.count() == 5 and len({r["partner"] for r in await Act.select(Act.partner)}) == 5
    assert await Transfer.count().where(Transfer.kind == "plan_bonus") == 10
    assert await Transfer.count().where(Transfer.kind == "payable") == 5
    assert await PayoutLine.count() == 5
    assert not list((act_root() / code).glob("*.tmp"))
    assert (await ledger.verify()).ok


def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from /proc: psutil is not a dependency)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
async def test_a_killed_close_leaves_no_pdf_worker_behind():
    world = await finished_period(partners=5)
    proc = subprocess.Popen([sys.executable, "-m", "tests.periods.close_run", world.span.code], cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # acts are being written: the pool and its workers are up
        stage, done, _total = line.split()
        if stage == "acts" and int(done) >= 2:
            break
    workers = _children(proc.pid)
    assert workers, "the close should have started its PDF workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for _ in range(50):
        if not any(_alive(pid) for pid in workers):
            break
        await asyncio.sleep(0.1)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:  # leave no orphan to the next test either
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


async def test_nothing_can_be_registered_or_decided_inside_a_closed_period():
    world = await finished_period(partners=1)
    waiting = await f.claim(await f.dealer(world.partners[0]), world.product_id,
                            sold_on=world.span.starts_on.isoformat())
    await close_period(world.span.code, SYSTEM)
    dealer = await f.dealer(world.partners[0])
    with pytest.raises(ValidationFailed) as refused:
        await f.claim(dealer, world.product_id, sold_on=world.span.ends_on.isoformat())
    assert "закрыт" in refused.value.errors["sold_on"]
    with pytest.raises(periods.PeriodClosed):
        await claims.decide(await f.company(), waiting, "approve")
    with pytest.raises(periods.PeriodClosed):
        await claims.revoke_approval(await f.company(), world.claims[0], "ошибка")
    assert (await Claim.select(Claim.status).where(Claim.id == waiting).first())["status"] == "submitted"


async def test_the_database_itself_refuses_changes_to_claims_of_a_closed_period():
    world = await finished_period(partners=1)
    await close_period(world.span.code, SYSTEM)
    with pytest.raises(Exception, match="reporting period closed"):
        await Claim.update({Claim.status: "rejected"}).where(Claim.id == world.claims[0])
    row = await Claim.select().where(Claim.id == world.claims[0]).first()
    with pytest.raises(Exception, match="reporting period closed"):
        await Claim.raw("INSERT INTO claim (partner, submitted_by, quantity, amount_kop, sold_on, serials, "
                        "customer_name, customer_city, customer_phone, comment, status, flagged, idempotency_key, "
                        "created_at, decision_reason, decision_text) VALUES ({}, {}, 1, 100, {}, '', '', '', '', '', "
                        "'approved', false, 'sneaky', CURRENT_TIMESTAMP, '', '')",
                        row["partner"], row["submitted_by"], world.span.starts_on)
    await Claim.update({Claim.flagged: True}).where(Claim.id == world.claims[0])  # a fraud flag is still allowed
    assert (await Claim.select(Claim.status).where(Claim.id == world.claims[0]).first())["status"] == "approved"


async def test_a_period_that_is_not_over_cannot_be_closed():
    from portal.periods.close import NotYetOver

    with pytest.raises(NotYetOver):
        await close_period(periods.current_span().code, SYSTEM)
    assert await Period.count().where(Period.status != "open") == 0


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                                   reason="pdftotext is not installed (apt-get install poppler-utils)")


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
async def test_an_act_reads_back_with_the_partners_name_inn_and_the_total_in_words():
    world = await finished_period(partners=1, quantity=5)
    await close_period(world.span.code, SYSTEM)
    act = await Act.select().first()
    partner = await f.partner_row(world.partners[0])
    text = _pdftotext(act_root() / act["file_name"])
    assert partner["legal_name"] in text and f"ИНН {partner['inn']}" in text
    assert f"АКТ № {world.span.code}/{world.partners[0]:06d}" in text
    assert "Котёл Термо 24 (TT-K24)" in text
    # 1 % of 120 000 ₽ as reward + a 5 000 ₽ plan bonus
    assert "6 200,00" in text.replace("\u00a0", " ")
    assert "Шесть тысяч двести рублей 00 копеек" in " ".join(text.split())
    info = subprocess.run(["pdfinfo", str(act_root() / act["file_name"])], capture_output=True, text=True).stdout
    assert "595.28 x 841.89 pts (A4)" in info


async def test_regenerating_an_act_makes_a_new_version_and_keeps_the_old_one():
    from portal.periods.close import regenerate_act

    world = await finished_period(partners=1)
    await close_period(world.span.code, SYSTEM)
    fresh = await regenerate_act(world.span.code, world.partners[0], SYSTEM)
    assert fresh["version"] == 2 and fresh["number"].endswith("-2")
    assert await Act.count() == 2
    assert all((act_root() / a["file_name"]).exists() for a in await Act.select())


async def test_paid_then_unpaid_then_paid_pays_once():
    world = await finished_period(partners=1)
    await close_period(world.span.code, SYSTEM)
    line = (await payouts.register_of(world.span.code)).lines[0]
    finance = (await f.company()).actor()
    owed = line["amount_kop"]
    await payouts.move_line(finance, line["id"], "approve")
    await payouts.move_line(finance, line["id"], "pay")
    with pytest.raises(Exception):
        await payouts.move_line(finance, line["id"], "pay")  # twice: refused
    await payouts.move_line(finance, line["id"], "unpay")
    assert await ledger.balance(line["partner"], "cash_paid") == 0
    await payouts.move_line(finance, line["id"], "pay")
    assert await ledger.balance(line["partner"], "cash_paid") == owed
    assert await ledger.balance(line["partner"], "cash_payable") == 0
    assert (await payouts.register_of(world.span.code)).register["status"] == "paid"
    assert (await ledger.verify()).ok


async def test_two_finance_people_paying_the_same_line_at_once_pay_once():
    world = await finished_period(partners=1)
    await close_period(world.span.code, SYSTEM)
    line = (await payouts.register_of(world.span.code)).lines[0]
    finance = (await f.company()).actor()
    await payouts.move_line(finance, line["id"], "approve")
    outcomes = await asyncio.gather(*[payouts.move_line(finance, line["id"], "pay") for _ in range(10)],
                                    return_exceptions=True)
    assert sum(o == "paid" for o in outcomes) == 1
    assert await ledger.balance(line["partner"], "cash_paid") == line["amount_kop"]


async def test_the_register_export_totals_its_lines(client):
    world = await finished_period(partners=3)
    await close_period(world.span.code, SYSTEM)
    register = await payouts.register_of(world.span.code)
    text = payouts.render("csv", register)[0].decode("utf-8-sig")
    rows = [r.split(";") for r in text.strip().splitlines()]
    total = rows[-1][5]
    assert rows[-1][0] == "Итого"
    assert sum(int(r[5].replace(",", "")) for r in rows[1:-1]) == int(total.replace(",", "")) == register.total
