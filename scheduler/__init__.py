"""Scheduled jobs: APScheduler triggers, a leader lock, a job-run table, thin wrappers over the services."""
