"""What a load balancer and Prometheus see: /healthz, /readyz and /metrics."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt

import httpx

from litestar.testing import AsyncTestClient
from piccolo.apps.migrations.tables import Migration

from portal.health import services as health
from portal.accounts.roles import Role
from portal.app import create_app
from portal.settings import get_settings
from scheduler.tables import JobRun
from tests import factories as f



@contextlib.asynccontextmanager
async def local_client(app):
    """A client on this host: AsyncTestClient runs the app's lifespan, but its client address is "testclient"."""
    async with AsyncTestClient(app=app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
            yield c


def _app(**security):
    settings = get_settings()
    return create_app(dataclasses.replace(settings, security=dataclasses.replace(settings.security, **security)))


async def test_a_migrated_database_is_ready(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    response = await client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


async def test_a_migration_on_disk_but_not_applied_makes_the_host_unready(client):
    app_name, migration_id = sorted(health.migrations_on_disk())[-1]
    await Migration.delete().where((Migration.app_name == app_name) & (Migration.name == migration_id))
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "reason": "migrations pending", "pending": 1}
    assert (await client.get("/healthz")).status_code == 200  # alive all the same


async def test_an_unreachable_database_makes_the_host_unready(client, monkeypatch):
    async def unreachable():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_applied", unreachable)
    response = await client.get("/readyz")
    assert response.status_code == 503 and response.json()["reason"] == "database unreachable"


def test_every_app_in_the_registry_has_its_migrations_found():
    apps = {app for app, _ in health.migrations_on_disk()}
    assert {"accounts", "ledger", "claims", "scheduler"} <= apps


async def test_metrics_are_hidden_from_other_hosts(client):
    await f.login_as(client, Role.ADMIN)
    assert (await client.get("/metrics")).status_code == 404
    assert (await client.get("/metrics", headers={"authorization": "Bearer guess"})).status_code == 404


async def test_metrics_count_requests_by_route_and_job_runs_by_status(app):
    await JobRun.insert(JobRun(key="points_release@2026-11-01T03:00", job="points_release", status="succeeded",
                               due_at=dt.datetime(2026, 11, 1, 3, tzinfo=dt.timezone.utc)),
                        JobRun(key="points_release@2026-11-02T03:00", job="points_release", status="failed",
                               due_at=dt.datetime(2026, 11, 2, 3, tzinfo=dt.timezone.utc)))
    async with local_client(app) as c:
        assert (await c.get("/login")).status_code == 200
        metrics = await c.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'premia_requests_total{app_name="premia",method="GET",path="/login",status_code="200"}' in text
    assert 'premia_request_duration_seconds_bucket{app_name="premia",le="0.1",method="GET",path="/login"' in text
    assert 'premia_job_runs{job="points_release",status="succeeded"} 1.0' in text
    assert 'premia_job_runs{job="points_release",status="failed"} 1.0' in text
    assert 'path="/metrics"' not in text  # the probes are not counted


async def test_a_local_request_through_a_proxy_is_not_local(app):
    async with local_client(app) as c:
        assert (await c.get("/metrics", headers={"x-forwarded-for": "203.0.113.9"})).status_code == 404


async def test_with_a_token_set_metrics_need_it_from_everywhere():
    async with local_client(_app(metrics_token="s3cret-token")) as c:
        assert (await c.get("/metrics")).status_code == 404
        assert (await c.get("/metrics", headers={"authorization": "Bearer wrong"})).status_code == 404
        assert (await c.get("/metrics", headers={"authorization": "Bearer s3cret-token"})).status_code == 200
