"""The scheduler's template labels: jobs, run statuses and a run's result in words."""

from __future__ import annotations

from jinja2 import Environment

from scheduler.jobs import JOB_LABELS, RUN_LABELS, summary_text


def register(env: Environment) -> None:
    env.globals.update(job_labels=JOB_LABELS, job_status_labels=RUN_LABELS, job_result=summary_text)
