"""Scheduled jobs: once per due time whatever the number of schedulers, failures visible and retried."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil

from portal.accounts.roles import Role
from portal.audit.tables import AuditEntry
from portal.locks import try_acquire
from scheduler import jobs, runner
from scheduler.tables import JobRun
from tests import factories as f

DUE = dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.timezone.utc)


async def test_two_schedulers_run_a_due_job_once():
    outcomes = await asyncio.gather(runner.run_job("points_release", DUE), runner.run_job("points_release", DUE))
    assert sum(o is not None for o in outcomes) == 1
    assert await JobRun.count() == 1
    assert await AuditEntry.count().where(AuditEntry.action == "job.succeeded") == 1
    assert (await JobRun.select().first())["status"] == "succeeded"


async def test_only_one_instance_leads():
    first = await try_acquire(runner.LEADER_LOCK)
    second = await try_acquire(runner.LEADER_LOCK)
    assert first is not None and second is None
    await first.release()
    third = await try_acquire(runner.LEADER_LOCK)
    assert third is not None
    await third.release()


async def test_a_failed_run_keeps_its_error_and_a_retry_takes_it_back(monkeypatch):
    calls = []

    async def flaky(due):
        calls.append(due)
        if len(calls) == 1:
            raise RuntimeError("bank file server unreachable")
        return "ok"

    monkeypatch.setattr(jobs, "ledger_verify", flaky)
    failed = await runner.run_job("ledger_verify", DUE)
    assert failed["status"] == "failed" and "bank file server unreachable" in failed["error"]
    assert await runner.run_job("ledger_verify", DUE) is None  # not a retry: the due time was handled
    retried = await runner.run_job("ledger_verify", DUE, retry=True)
    assert (retried["status"], retried["attempt"], retried["error"]) == ("succeeded", 2, "")
    assert await JobRun.count() == 1


async def test_catch_up_runs_what_was_due_while_nobody_was_running():
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)
    due = runner.last_due(jobs.registry()["points_expiry"], now)
    assert due.astimezone(dt.timezone(dt.timedelta(hours=3))).hour == 3
    ran = await runner.catch_up(now)
    assert "points_expiry" in ran and "ledger_verify" in ran
    assert await runner.catch_up(now) == []  # the second start finds everything done


async def test_admins_see_the_jobs_and_their_last_runs(client):
    await runner.run_job("points_expiry", DUE)
    await f.login_as(client, Role.ADMIN)
    page = await client.get("/admin/jobs/")
    assert "Сгорание баллов" in page.text and "успешно" in page.text and "сгорело партий баллов: 0" in page.text
    response = await f.post_form(client, "/admin/jobs/ledger_verify/run")
    assert response.status_code == 303
    for _ in range(100):
        if await JobRun.exists().where(JobRun.key.like("ledger_verify@manual:%") & (JobRun.status != "running")):
            break
        await asyncio.sleep(0.05)
    assert await JobRun.exists().where(JobRun.key.like("ledger_verify@manual:%") & (JobRun.status == "succeeded"))


async def _wait_for(condition, timeout_s: float = 90.0, what: str = ""):
    for _ in range(int(timeout_s * 10)):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_scheduler_killed_mid_close_is_taken_over_and_the_close_completes_once():
    import signal
    import subprocess
    import sys

    from portal.db import utcnow
    from portal.ledger import services as ledger
    from portal.ledger.tables import Transfer
    from portal.periods import services as periods
    from portal.periods.close import act_root
    from portal.periods.tables import Act, PayoutLine
    from tests.periods.test_close import ROOT, _env
    from tests.periods.world import finished_period

    world = await finished_period(partners=5)
    code = world.span.code
    env = {**_env(), "PREMIA_JOB_LEASE_SECONDS": "2", "PYTHONUNBUFFERED": "1"}
    first = subprocess.Popen([sys.executable, "-m", "tests.periods.scheduler_run"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    second = None
    try:
        for line in first.stdout:  # the close is under way: some acts recorded, others not
            words = line.split()
            if words[:2] == ["close", "acts"] and int(words[2]) >= 2:
                break
        run = await JobRun.select().where(JobRun.job == "period_close").first()
        assert run["status"] == "running" and run["owner"].split(":")[1] == str(first.pid)
        await asyncio.sleep(3)  # longer than the lease: the heartbeat keeps it
        run = await JobRun.select().where(JobRun.id == run["id"]).first()
        assert run["lease_until"] > utcnow() and run["owner"].split(":")[1] == str(first.pid)
        acts_before = {r["partner"]: r["sha256"] for r in await Act.select(Act.partner, Act.sha256)}
        assert 2 <= len(acts_before) < 5

        first.send_signal(signal.SIGKILL)
        first.wait()
        assert await periods.status_of(code) == "closing"

        second = subprocess.Popen([sys.executable, "-m", "portal.cli", "scheduler"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        async def close_finished():
            row = await JobRun.select(JobRun.status).where(JobRun.id == run["id"]).first()
            return row["status"] != "running"

        await _wait_for(close_finished, what="the close to be taken over")
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
    taken = await JobRun.select().where(JobRun.id == run["id"]).first()
    assert (taken["status"], taken["attempt"]) == ("succeeded", 2), taken
    assert taken["owner"].split(":")[1] == str(second.pid)
    assert await AuditEntry.count().where(AuditEntry.action == "job.taken_over") == 1
    assert await periods.status_of(code) == "closed"
    acts = {r["partner"]: r["sha256"] for r in await Act.select(Act.partner, Act.sha256)}
    assert await Act.count() == 5 and sorted(acts) == sorted(world.partners)
    assert all(acts[p] == sha for p, sha in acts_before.items())  # the acts written before the kill stay
    assert await Transfer.count().where(Transfer.kind == "plan_bonus") == 10  # one per partner and unit
    assert await Transfer.count().where(Transfer.kind == "payable") == 5
    assert await PayoutLine.count() == 5
    assert (await ledger.verify()).ok
    shutil.rmtree(act_root() / code)  # var/ is shared by the session's tests: leave no acts to the next one


async def test_an_abandoned_run_is_taken_over_once_and_a_live_one_is_left_alone(monkeypatch):
    from portal.db import utcnow

    calls = []

    async def verify(due):
        calls.append(due)
        return "ok"

    monkeypatch.setattr(jobs, "ledger_verify", verify)
    now = utcnow()
    dead, alive = runner.run_key("ledger_verify", DUE), runner.run_key("points_expiry", DUE)
    await JobRun.insert(
        JobRun(key=dead, job="ledger_verify", due_at=DUE, status="running", owner="gone:1:x",
               started_at=now - dt.timedelta(minutes=10), lease_until=now - dt.timedelta(minutes=5)),
        JobRun(key=alive, job="points_expiry", due_at=DUE, status="running", owner="busy:2:y",
               started_at=now, lease_until=now + dt.timedelta(minutes=5)))
    outcomes = await asyncio.gather(runner.resume_abandoned(), runner.resume_abandoned())
    assert sorted(outcomes) == [[], [dead]] and len(calls) == 1
    row = await JobRun.select().where(JobRun.key == dead).first()
    assert (row["status"], row["attempt"], row["owner"]) == ("succeeded", 2, runner.owner())
    assert (await JobRun.select().where(JobRun.key == alive).first())["owner"] == "busy:2:y"


async def test_an_owner_whose_run_was_taken_over_stops_renewing(monkeypatch):
    monkeypatch.setattr(runner, "heartbeat_s", lambda: 0.01)
    await JobRun.insert(JobRun(key="ledger_verify@x", job="ledger_verify", due_at=DUE, status="running",
                               owner="someone-else:3:z"))
    row = await JobRun.select(JobRun.id).first()
    renewed = await asyncio.wait_for(runner._heartbeat(row["id"], runner.owner(), asyncio.Event()), 2)
    assert renewed is False  # it gave up at once: the lease is not ours


async def test_admins_see_where_a_running_job_runs_and_when_it_last_renewed_its_lease(client):
    from portal.db import utcnow

    now = utcnow()
    await JobRun.insert(JobRun(key=runner.run_key("period_close", DUE), job="period_close", due_at=DUE,
                               status="running", host="app-2", owner="app-2:41:ab", heartbeat_at=now,
                               lease_until=now + dt.timedelta(minutes=2)))
    await f.login_as(client, Role.ADMIN)
    page = await client.get("/admin/jobs/")
    assert "на app-2, последний отклик" in page.text
