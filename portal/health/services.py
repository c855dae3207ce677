"""Readiness and the figures an operator's monitoring reads: is the database there and fully migrated,
and how the scheduler's job runs stand.

It only reads. It never migrates or creates anything: a probe must not change what it probes (Piccolo's
own `migrations check` creates its table when missing, so its command is not used here).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import lru_cache

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.query.functions.aggregate import Count

from scheduler.tables import JobRun

TIMEOUT_S = 5.0  # a database that does not answer in this time is not ready either


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str = ""  # "database unreachable" or "migrations pending"; empty when ready
    pending: list[str] = field(default_factory=list)  # "<app>:<migration id>" on disk but not applied


@lru_cache(maxsize=1)
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """(app name, migration id) of every migration file of every app in piccolo_conf's registry.

    Read once per process: the files do not change under a running server (Piccolo's reader also puts
    each folder on sys.path, which should happen once)."""
    manager = BaseMigrationManager()
    found = set()
    for module in manager.get_app_modules():
        config = module.APP_CONFIG
        for migration_id in manager.get_migration_modules(config.resolved_migrations_folder_path):
            found.add((config.app_name, migration_id))
    return frozenset(found)


async def _applied() -> set[tuple[str, str]]:
    if not await Migration.table_exists():
        return set()
    rows = await Migration.select(Migration.app_name, Migration.name)
    return {(row["app_name"], row["name"]) for row in rows}


async def readiness() -> Readiness:
    """Ready when the database answers and every migration on disk is recorded in Piccolo's table."""
    try:
        applied = await asyncio.wait_for(_applied(), TIMEOUT_S)
    except Exception:  # noqa: BLE001 - whatever the driver raises, the answer is "not ready"
        return Readiness(False, "database unreachable")
    pending = sorted(f"{app}:{migration}" for app, migration in migrations_on_disk() - applied)
    if pending:
        return Readiness(False, "migrations pending", pending)
    return Readiness(True)


async def job_run_counts() -> list[tuple[str, str, int]]:
    """(job, status, number of runs) from the job-run table, for the metrics gauge."""
    rows = await JobRun.select(JobRun.job, JobRun.status, Count(alias="runs")).group_by(JobRun.job, JobRun.status)
    return sorted((row["job"], row["status"], int(row["runs"])) for row in rows)
