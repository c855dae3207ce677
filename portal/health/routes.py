"""What load balancers and monitoring ask: /readyz (can this host serve?) and /metrics (Prometheus).

/healthz (the process answers) lives with the landing routes. Request counts and latencies come from
Litestar's Prometheus plugin; the job-run gauge is read from the database at scrape time.

Who may read /metrics: with PREMIA_METRICS_TOKEN set, whoever sends it as a bearer token; without it,
only a client on this host (loopback) whose request came through no proxy (no X-Forwarded-For,
Forwarded or X-Real-IP). Anyone else gets the 404 of a page that does not exist.
"""

from __future__ import annotations

import hmac
import ipaddress

from litestar import Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from portal.health import services as health

PROXY_HEADERS = (b"x-forwarded-for", b"forwarded", b"x-real-ip")
PROBES = ["^/healthz$", "^/readyz$", "^/metrics$"]  # not counted as requests: they would drown the pages


def prometheus_config() -> PrometheusConfig:
    # group_path: label by route template (/claims/{claim_id:int}), not by every id ever asked for.
    return PrometheusConfig(app_name="premia", prefix="premia", group_path=True, exclude=PROBES)


def _local(connection: ASGIConnection) -> bool:
    client = connection.scope.get("client")
    if not client or any(name in PROXY_HEADERS for name, _ in connection.scope["headers"]):
        return False
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False


async def metrics_reader(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    token = connection.app.state.settings.security.metrics_token
    if token:
        header = connection.headers.get("authorization", "")
        if header[:7].lower() == "bearer " and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
            return
    elif _local(connection):
        return
    raise NotFoundException()


class _JobRuns:
    """A one-scrape collector: the counts were read before generate_latest() asks for them."""

    def __init__(self, counts: list[tuple[str, str, int]]) -> None:
        self.counts = counts

    def collect(self):
        gauge = GaugeMetricFamily("premia_job_runs", "Scheduler job runs in the job_run table, by job and status",
                                  labels=["job", "status"])
        for job, status, runs in self.counts:
            gauge.add_metric([job, status], runs)
        yield gauge


class MetricsController(PrometheusController):
    """Litestar's Prometheus endpoint (its multi-process registry included), guarded, plus the job runs."""

    include_in_schema = False
    guards = [metrics_reader]

    @get(name="metrics")
    async def get(self) -> Response:  # type: ignore[override]
        requests = await super().get.fn(self)  # Litestar 2.25.0: the handler's function, as the route calls it
        jobs = CollectorRegistry(auto_describe=False)
        jobs.register(_JobRuns(await health.job_run_counts()))
        return Response(requests.content + generate_latest(jobs), headers=requests.headers)


@get("/readyz", name="ready", include_in_schema=False)
async def ready() -> Response:
    state = await health.readiness()
    if state.ready:
        return Response({"status": "ready"})
    return Response({"status": "not ready", "reason": state.reason, "pending": len(state.pending)}, status_code=503)
