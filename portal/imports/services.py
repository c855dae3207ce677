"""File imports: reading a CSV/XLSX table with a row cap, and import jobs run off the event loop.

Owns how an uploaded table is read and how a long import reports its progress. It must never decide what
a row means: the products, claims and prize importers do (each through its own services).

An import runs on a worker thread with its own event loop (portal.db.run_off_loop), so parsing and saving
a big file never freezes the pages. The request waits a little (``INLINE_WAIT_S``): most files are done by
then and the page shows the result as before. A longer one answers with the job's page, which shows its
progress (polled by htmx, refreshed by the browser without JS) and then its result. A job's state is a
small JSON file under var/imports/jobs, so every worker of the host can show it.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from portal.db import run_off_loop
from portal.errors import DomainError
from portal.i18n import N_
from portal.settings import get_settings

INLINE_WAIT_S = 2.0  # a request waits this long for its import before answering with the job's page
PROGRESS_EVERY_S = 0.5
SHOWN_PROBLEMS = 200  # the job keeps (and its page shows) this many problem lines; the count of all of them


class TooManyRows(DomainError):
    status_code = 400
    msgid = N_("The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows each.")


def _table(raw_rows, limit: int) -> list[dict[str, str]]:
    """Rows keyed by the header, refusing the file as soon as it proves longer than the cap (the rest is
    never parsed). Each row becomes its dict at once: a dict of strings is not tracked by the garbage
    collector, while keeping 50,000 row lists alive set off full collections, which stop every thread
    (the pages too) for a good part of a second."""
    rows = iter(raw_rows)
    first = next(rows, None)
    if first is None:
        return []
    header = [h.strip().lower() for h in first]
    out = []
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise TooManyRows(limit=f"{limit:,}".replace(",", "\u00a0"))
        cells = [c.strip() for c in row]
        if any(cells):
            out.append(dict(zip(header, cells)))
    return out


def read_table(data: bytes, filename: str, limit: int | None = None) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8 or Windows-1251, comma or semicolon) or XLSX file, keyed by lower-case header.

    TooManyRows if the file holds more than ``limit`` rows (default: the PREMIA_IMPORT_MAX_ROWS setting)."""
    limit = get_settings().app.import_max_rows if limit is None else limit
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        return _table(([("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)),
                      limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
    return _table(csv.reader(io.StringIO(text), dialect), limit)


# --- jobs --------------------------------------------------------------------------------------

Progress = Callable[[int, int], None]


@dataclass
class Job:
    """What the job's page shows. ``summary`` and ``problems`` are in the uploader's language."""

    token: str
    user_id: int
    title: str
    back: str  # the import's own page
    done: int = 0
    total: int = 0
    finished: bool = False
    failed: bool = False
    summary: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)  # the first SHOWN_PROBLEMS
    more_problems: int = 0  # and how many beyond those
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the report to download
    started: float = field(default_factory=time.time)


KEEP_JOBS_S = 7 * 24 * 3600  # a job's page stays this long


def jobs_dir() -> Path:
    return get_settings().app.var_dir / "imports" / "jobs"


def _prune() -> None:
    """Forget jobs older than KEEP_JOBS_S (their pages answer 404 from then on)."""
    cutoff = time.time() - KEEP_JOBS_S
    for path in jobs_dir().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _save(job: Job) -> None:
    folder = jobs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{job.token}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(asdict(job), ensure_ascii=False))
    temporary.replace(folder / f"{job.token}.json")  # readers never see half a file


def load(token: str, user_id: int) -> Job | None:
    """The job, for the user who started it only."""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    try:
        data = json.loads((jobs_dir() / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    job = Job(**{**data, "problems": [tuple(p) for p in data["problems"]], "links": [tuple(x) for x in data["links"]]})
    return job if job.user_id == user_id else None


class _Tracker:
    """The progress callback an importer calls per row (on the worker thread): saved at most every 0.5 s."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._saved = 0.0

    def __call__(self, done: int, total: int) -> None:
        self.job.done, self.job.total = done, total
        now = time.monotonic()
        if now - self._saved >= PROGRESS_EVERY_S:
            self._saved = now
            _save(self.job)


_RUNNING: set[asyncio.Task] = set()  # jobs whose request has answered already: kept until they end


async def run(user_id: int, title: str, back: str, work: Callable[[Progress], Awaitable[Any]],
              describe: Callable[[Any], tuple[str, list[tuple[int, str]], list[tuple[str, str]]]]) -> tuple[Any, Job]:
    """Run ``work(progress)`` off the loop. Returns (result, job): the importer's result if it ended within
    INLINE_WAIT_S (the page shows it as ever), else (None, job) and the job goes on; its page shows it.

    ``describe(result)`` gives the job page's summary line, problem lines and links, in the uploader's
    language (it runs in the worker, with the request's language)."""
    job = Job(token=secrets.token_hex(16), user_id=user_id, title=title, back=back)
    tracker = _Tracker(job)

    async def job_body():
        _prune()
        try:
            result = await work(tracker)
        except BaseException:
            job.finished = job.failed = True
            _save(job)
            raise
        job.summary, problems, job.links = describe(result)
        # A long list would be a long JSON dump, which holds the GIL (and so the pages) for its whole length.
        job.problems, job.more_problems = problems[:SHOWN_PROBLEMS], max(0, len(problems) - SHOWN_PROBLEMS)
        job.finished = True
        _save(job)
        return result

    task = asyncio.create_task(run_off_loop(job_body))
    _save(job)
    finished, _pending = await asyncio.wait({task}, timeout=INLINE_WAIT_S)
    if finished:
        return task.result(), job
    _RUNNING.add(task)
    task.add_done_callback(_ended)
    return None, job


def _ended(task: asyncio.Task) -> None:
    _RUNNING.discard(task)
    if not task.cancelled():
        task.exception()  # recorded in the job file; not the loop's "never retrieved" warning
