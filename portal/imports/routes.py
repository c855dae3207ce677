"""HTTP for a long import's page: its progress while it runs, then its result (only to who started it)."""

from __future__ import annotations

from litestar import Controller, Request
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from portal.imports import services
from portal.web.auth import manager
from portal.web.responses import Page
from litestar import get

REFRESH_S = 2  # without JavaScript the browser reloads the page (Refresh header) until the job ends


def started(job: services.Job) -> Redirect:
    """The answer to an upload whose import goes on: the job's page."""
    return Redirect(path=f"/imports/{job.token}", status_code=303)


def _job(request: Request, token: str) -> services.Job:
    job = services.load(token, request.user.id)
    if job is None:
        raise NotFoundException()
    return job


class ImportJobsController(Controller):
    include_in_schema = False
    path = "/imports"
    guards = [manager]

    @get("/{token:str}", name="import_job")
    async def page(self, request: Request, token: FromPath[str]) -> Page:
        job = _job(request, token)
        headers = {} if job.finished else {"refresh": str(REFRESH_S)}
        return Page("imports/job.html", context={"job": job}, headers=headers)

    @get("/{token:str}/progress", name="import_job_progress")
    async def progress(self, request: Request, token: FromPath[str]) -> Page:
        return Page("imports/_job.html", context={"job": _job(request, token)})
