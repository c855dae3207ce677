"""Running jobs exactly once per due time.

- A run starts by inserting its (job, due time) row; the UNIQUE key lets one scheduler win, whichever
  host or worker it is on. The loser does nothing.
- Only the leader schedules (portal.locks: a file lock on one host, pg_advisory_lock with PostgreSQL);
  the others wait to take over if the leader dies.
- A failed run keeps its error and is retried with a bounded backoff (1, 5, 30 minutes), attempt by
  attempt on the same row; after the last attempt it stays failed, visible to admins. Never skipped:
  when a leader starts, every job's latest due time that has no run yet is run at once (catch-up).
- A running row is leased to its owner (host:pid:token) for ``job_lease_seconds``; a heartbeat task renews
  the lease while the job runs. A scheduler killed mid-run (SIGKILL, a lost host) stops renewing, and once
  the lease has passed the leader takes the run over with a compare-and-set on the row (status running,
  lease expired) and runs the job again: jobs are idempotent and resumable (the period close picks up
  where it stopped). An owner that finds its lease taken stops its job and writes nothing to the row.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
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


_OWNER: tuple[int, str] | None = None


def owner() -> str:
    """This process's name on the rows it runs: host:pid:token (the token tells a reused pid apart)."""
    global _OWNER
    if _OWNER is None or _OWNER[0] != os.getpid():
        _OWNER = (os.getpid(), f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}")
    return _OWNER[1]


def lease_s() -> int:
    return get_settings().app.job_lease_seconds


def heartbeat_s() -> float:
    return max(0.2, lease_s() / 4)


# A running row nobody renews: its lease has passed (or, for rows from before leases, it started a lease ago).
_EXPIRED = "status = 'running' AND (lease_until < {} OR (lease_until IS NULL AND started_at < {}))"


async def _claim(job: str, key: str, due: dt.datetime, retry: bool) -> int | None:
    """The run's row if this caller is to run it: a fresh row, a running one whose owner died (its lease
    expired), or (retry) a failed one taken back. Each is a single statement, so two schedulers never
    both get the row."""
    now, me = utcnow(), owner()
    until = now + dt.timedelta(seconds=lease_s())
    rows = await JobRun.raw(
        "INSERT INTO job_run (key, job, due_at, status, attempt, started_at, result, error, host, owner, lease_until,"
        " heartbeat_at) VALUES ({}, {}, {}, 'running', 1, {}, '', '', {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING"
        " RETURNING id", key, job, due, now, socket.gethostname()[:120], me, until, now)
    if rows:
        return rows[0]["id"]
    rows = await JobRun.raw(
        "UPDATE job_run SET owner = {}, lease_until = {}, heartbeat_at = {}, host = {}, attempt = attempt + 1, "
        "started_at = {}, error = '' WHERE key = {} AND attempt < {} AND " + _EXPIRED + " RETURNING id, attempt",
        me, until, now, socket.gethostname()[:120], now, key, MAX_ATTEMPTS, now, now - dt.timedelta(seconds=lease_s()))
    if rows:
        log.warning("job %s: its scheduler stopped renewing the lease; taken over (attempt %s)", key, rows[0]["attempt"])
        await audit.record(SYSTEM, "job.taken_over", "job_run", key, after={"job": job, "owner": me,
                                                                            "attempt": rows[0]["attempt"]})
        return rows[0]["id"]
    if not retry:
        return None
    rows = await JobRun.raw(
        "UPDATE job_run SET status = 'running', attempt = attempt + 1, started_at = {}, error = '', owner = {}, "
        "lease_until = {}, heartbeat_at = {} WHERE key = {} AND status = 'failed' AND attempt < {} RETURNING id",
        now, me, until, now, key, MAX_ATTEMPTS)
    return rows[0]["id"] if rows else None


async def _heartbeat(run_id: int, me: str, stop: asyncio.Event) -> bool:
    """Renew the run's lease until ``stop`` is set (True); False as soon as the row is no longer ours (taken
    over). Stopped by the event, never cancelled mid-statement, so no connection is left half-used."""
    while True:
        try:
            await asyncio.wait_for(stop.wait(), heartbeat_s())
            return True
        except asyncio.TimeoutError:
            pass
        now = utcnow()
        try:
            rows = await JobRun.raw(
                "UPDATE job_run SET heartbeat_at = {}, lease_until = {} WHERE id = {} AND owner = {} "
                "AND status = 'running' RETURNING id", now, now + dt.timedelta(seconds=lease_s()), run_id, me)
        except Exception:  # a database hiccup: the lease has slack for the next beat
            log.warning("job run %s: heartbeat failed", run_id, exc_info=True)
            continue
        if not rows:
            return False


async def run_job(name: str, due: dt.datetime, *, retry: bool = False, actor: Actor = SYSTEM,
                  key: str | None = None) -> dict | None:
    """Run one job for one due time unless someone already has. Returns the run row, or None if skipped
    (or if another scheduler took the run over while this one was slow)."""
    job = registry()[name]
    key = key or run_key(name, due)
    run_id = await _claim(name, key, due, retry)
    if run_id is None:
        return None
    me = owner()
    ours = (JobRun.id == run_id) & (JobRun.owner == me)
    started = time.perf_counter()
    stop = asyncio.Event()
    # Off the loop: in-app, a close or a verify must not freeze the pages. A lost lease stops waiting for it;
    # the work itself is idempotent and the new owner waits for the close's lock.
    work = asyncio.ensure_future(run_off_loop(job.run, due))
    beat = asyncio.ensure_future(_heartbeat(run_id, me, stop))
    try:
        await asyncio.wait({work, beat}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.set()
        if not work.done():
            work.cancel()  # the lease was lost (or this caller was cancelled): stop, the new owner runs it
            with contextlib.suppress(BaseException):
                await work
        with contextlib.suppress(BaseException):
            await beat
    if work.cancelled():
        log.warning("job %s (%s): lease lost to another scheduler, stopped", name, key)
        return None
    try:
        summary = work.result()
        await JobRun.update({JobRun.status: "succeeded", JobRun.finished_at: utcnow(), JobRun.result: summary[:2000],
                             JobRun.duration_ms: int((time.perf_counter() - started) * 1000)}).where(ours)
        await audit.record(actor, "job.succeeded", "job_run", key, after={"job": name, "result": summary[:500]})
    except Exception as exc:  # a failed job is recorded and retried, never lost
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        await JobRun.update({JobRun.status: "failed", JobRun.finished_at: utcnow(), JobRun.error: error[:4000],
                             JobRun.duration_ms: int((time.perf_counter() - started) * 1000)}).where(ours)
        await audit.record(actor, "job.failed", "job_run", key, after={"job": name, "error": error[:500]})
        log.exception("job %s (%s) failed", name, key, exc_info=exc)
    return await JobRun.select().where(JobRun.id == run_id).first()


async def resume_abandoned(now: dt.datetime | None = None) -> list[str]:
    """Take over and run every run whose scheduler died (lease expired); one that has used up its attempts
    is marked failed instead, so that an admin sees it."""
    now = now or utcnow()
    stale = now - dt.timedelta(seconds=lease_s())
    await JobRun.raw(
        "UPDATE job_run SET status = 'failed', finished_at = {}, error = {} WHERE attempt >= {} AND " + _EXPIRED,
        now, f"abandoned: the scheduler running it stopped {MAX_ATTEMPTS} times", MAX_ATTEMPTS, now, stale)
    rows = await JobRun.raw("SELECT key, job, due_at FROM job_run WHERE " + _EXPIRED + " ORDER BY id", now, stale)
    ran = []
    for row in rows:
        if row["job"] in registry() and await run_job(row["job"], row["due_at"], key=row["key"]) is not None:
            ran.append(row["key"])
    return ran


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
        self._resume: asyncio.Task | None = None

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
        self._resume = asyncio.get_running_loop().create_task(self._resume_abandoned())
        await catch_up()

    async def _resume_abandoned(self) -> None:
        """While leading: take over runs whose scheduler died, as soon as their lease has passed."""
        while True:
            try:
                await resume_abandoned()
            except Exception:
                log.exception("scheduler: resuming abandoned runs failed")
            await asyncio.sleep(max(1.0, lease_s() / 2))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._lead())

    async def stop(self) -> None:
        for task in (self._task, self._resume):
            if task:
                task.cancel()
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
