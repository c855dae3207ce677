"""Scheduled jobs: once per due time whatever the number of schedulers, failures visible and retried."""

from __future__ import annotations

import asyncio
import datetime as dt

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
