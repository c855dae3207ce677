"""The job-run table: one row per job and due time (UNIQUE), so a due run happens once however many
schedulers are up; failures stay visible with their error and attempt count. A running row is leased to its
owner, who renews the lease while the job runs; an expired lease means its scheduler died, and the run is taken
over (scheduler.runner)."""

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
    owner = Varchar(length=120, default="", help_text="the scheduler process that holds the run: host:pid:token")
    lease_until = Timestamptz(null=True, default=None, help_text="the owner renews this while it runs; once it "
                              "has passed, another scheduler may take the run over")
    heartbeat_at = Timestamptz(null=True, default=None)
