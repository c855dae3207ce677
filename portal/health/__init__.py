"""Probes and monitoring: readiness (services) and the /readyz and /metrics routes (routes)."""

from portal.health.services import *  # noqa: F401,F403 - `from portal import health` reads the probes' figures
