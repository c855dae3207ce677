"""Admin view of the scheduled jobs: their next due time, last runs (status, duration, error), run now."""

from __future__ import annotations

import asyncio

from litestar import Controller, Request
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from litestar import get, post
from portal.db import utcnow
from portal.web.auth import admin
from portal.web.helpers import actor
from portal.web.responses import Page
from scheduler import runner
from scheduler.jobs import registry

_manual: set[asyncio.Task] = set()


class JobsController(Controller):
    include_in_schema = False
    path = "/admin/jobs"
    guards = [admin]

    @get("/", name="admin_jobs")
    async def index(self) -> Page:
        runs = await runner.recent_runs()
        jobs = [{"name": name, "next": runner.next_due(name), "runs": runs.get(name, [])} for name in registry()]
        return Page("scheduler/jobs.html", context={"jobs": jobs})

    @post("/{name:str}/run", name="admin_job_run")
    async def run_now(self, request: Request, name: FromPath[str]) -> Redirect:
        if name not in registry():
            raise NotFoundException()
        now = utcnow().replace(microsecond=0)
        who = actor(request)
        task = asyncio.create_task(runner.run_job(name, now, actor=who, key=f"{name}@manual:{now.isoformat()}"))
        _manual.add(task)
        task.add_done_callback(_manual.discard)
        await asyncio.sleep(0.05)  # most jobs finish at once: the page then shows the outcome
        return Redirect(path="/admin/jobs/", status_code=303)
