"""Running jobs exactly once per due time.

- A run starts by inserting its (job, due time) row; the UNIQUE key lets one scheduler win, whichever
  host or worker it is on. The loser does nothing.
- Only the leader schedules (portal.locks: a file lock on one host, pg_advisory_lock with PostgreSQL);
  the others wait to take over if the leader dies.
- A failed run keeps its error and is retried with a bounded backoff (1, 5, 30 minutes), attempt by
  attempt on the same row; after the last attempt it stays failed, visible to admins. Never skipped:
  when a leader starts, every job's latest due time that has no run yet is run at once (catch-up).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
import time
import traceback
from zoneinfo import ZoneInfo

from portal.audit import services as audit
from portal.audit.services import SYSTEM, Actor
from portal.db import run_off_loop, utcnow
from portal.locks import Held, try_acquire
from portal.settings import get_settings
from scheduler.jobs import Job, registry
from scheduler.tables import JobRun

log = logging.getLogger("premia.scheduler")
BACKOFF_S = (60, 300, 1800)
MAX_ATTEMPTS = len(BACKOFF_S) + 1
LEADER_LOCK = "scheduler-leader"


def run_key(job: str, due: dt.datetime) -> str:
    return f"{job}@{due.astimezone(dt.timezone.utc).isoformat(timespec='seconds')}"


async def _claim(job: str, key: str, due: dt.datetime, retry: bool) -> int | None:
    """The run's row if this caller is to run it: a fresh row, or (retry) a failed one taken back."""
    rows = await JobRun.raw(
        "INSERT INTO job_run (key, job, due_at, status, attempt, started_at, result, error, host) "
        "VALUES ({}, {}, {}, 'running', 1, {}, '', '', {}) ON CONFLICT (key) DO NOTHING RETURNING id",
        key, job, due, utcnow(), socket.gethostname()[:120])
    if rows:
        return rows[0]["id"]
    if not retry:
        return None
    rows = await JobRun.raw(
        "UPDATE job_run SET status = 'running', attempt = attempt + 1, started_at = {}, error = '' "
        "WHERE key = {} AND status = 'failed' AND attempt < {} RETURNING id", utcnow(), key, MAX_ATTEMPTS)
    return rows[0]["id"] if rows else None


async def run_job(name: str, due: dt.datetime, *, retry: bool = False, actor: Actor = SYSTEM,
                  key: str | None = None) -> dict | None:
    """Run one job for one due time unless someone already has. Returns the run row, or None if skipped."""
    job = registry()[name]
    key = key or run_key(name, due)
    run_id = await _claim(name, key, due, retry)
    if run_id is None:
        return None
    started = time.perf_counter()
    try:
        summary = await run_off_loop(job.run, due)  # in-app: a close or a verify must not freeze the pages
        await JobRun.update({JobRun.status: "succeeded", JobRun.finished_at: utcnow(), JobRun.result: summary[:2000],
                             JobRun.duration_ms: int((time.perf_counter() - started) * 1000)}).where(JobRun.id == run_id)
        await audit.record(actor, "job.succeeded", "job_run", key, after={"job": name, "result": summary[:500]})
    except Exception as exc:  # a failed job is recorded and retried, never lost
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        await JobRun.update({JobRun.status: "failed", JobRun.finished_at: utcnow(), JobRun.error: error[:4000],
                             JobRun.duration_ms: int((time.perf_counter() - started) * 1000)}).where(JobRun.id == run_id)
        await audit.record(actor, "job.failed", "job_run", key, after={"job": name, "error": error[:500]})
        log.exception("job %s (%s) failed", name, key)
    return await JobRun.select().where(JobRun.id == run_id).first()


def _trigger(job: Job):
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(timezone=ZoneInfo(get_settings().app.timezone), **job.cron)


def last_due(job: Job, now: dt.datetime, lookback_days: int = 62) -> dt.datetime | None:
    """The latest time ``job`` was due at or before ``now``."""
    trigger = _trigger(job)
    cursor = now - dt.timedelta(days=lookback_days)
    last = None
    fire = trigger.get_next_fire_time(None, cursor)
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    return last


async def catch_up(now: dt.datetime | None = None) -> list[str]:
    """Run every job whose latest due time has no run yet (the process was down, or just started)."""
    now = now or utcnow()
    ran = []
    for name, job in registry().items():
        due = last_due(job, now)
        if due is not None and await run_job(name, due) is not None:
            ran.append(name)
    return ran


class Scheduler:
    """APScheduler in this process, active only while it holds the leader lock."""

    def __init__(self, poll_s: float = 15.0) -> None:
        self.poll_s = poll_s
        self.held: Held | None = None
        self.aps = None
        self._task: asyncio.Task | None = None

    async def _on_due(self, name: str) -> None:
        due = utcnow().replace(microsecond=0)
        job = registry()[name]
        due = last_due(job, due + dt.timedelta(seconds=1)) or due  # the exact due time, whatever the wake-up lag
        await self._run_with_retries(name, due)

    async def _run_with_retries(self, name: str, due: dt.datetime, retry: bool = False) -> None:
        row = await run_job(name, due, retry=retry)
        if row is not None and row["status"] == "failed" and row["attempt"] < MAX_ATTEMPTS:
            delay = BACKOFF_S[row["attempt"] - 1]
            run_at = utcnow() + dt.timedelta(seconds=delay)
            self.aps.add_job(self._run_with_retries, "date", run_date=run_at, args=[name, due, True],
                             id=f"retry:{run_key(name, due)}:{row['attempt']}", replace_existing=True)

    async def _lead(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        while self.held is None:
            self.held = await try_acquire(LEADER_LOCK)
            if self.held is None:
                await asyncio.sleep(self.poll_s)
        self.aps = AsyncIOScheduler(timezone=ZoneInfo(get_settings().app.timezone))
        for name, job in registry().items():
            self.aps.add_job(self._on_due, _trigger(job), args=[name], id=name, coalesce=True,
                             misfire_grace_time=3600, max_instances=1)
        self.aps.start()
        log.info("scheduler: leading on %s", socket.gethostname())
        await catch_up()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._lead())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self.aps is not None and self.aps.running:
            self.aps.shutdown(wait=False)
        if self.held is not None:
            await self.held.release()
            self.held = None

    @property
    def leading(self) -> bool:
        return self.held is not None


async def recent_runs(per_job: int = 5) -> dict[str, list[dict]]:
    rows = await JobRun.select().order_by(JobRun.id, ascending=False).limit(500)
    out: dict[str, list[dict]] = {name: [] for name in registry()}
    for row in rows:
        if row["job"] in out and len(out[row["job"]]) < per_job:
            out[row["job"]].append(row)
    return out


def next_due(name: str) -> dt.datetime | None:
    job = registry()[name]
    return _trigger(job).get_next_fire_time(None, utcnow())
