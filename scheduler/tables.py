"""The job-run table: one row per job and due time (UNIQUE), so a due run happens once however many
schedulers are up; failures stay visible with their error and attempt count."""

from __future__ import annotations

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class JobRun(Table, tablename="job_run"):
    key = Varchar(length=120, unique=True, help_text='"<job>@<due time, ISO>" (manual runs: "<job>@manual:<time>")')
    job = Varchar(length=40, index=True)
    due_at = Timestamptz()
    status = Varchar(length=12, default="running", help_text="running, succeeded or failed")
    attempt = Integer(default=1)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    duration_ms = Integer(null=True, default=None)
    result = Text(default="")
    error = Text(default="")
    host = Varchar(length=120, default="")
