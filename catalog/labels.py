"""The catalogue's template labels: order statuses."""

from __future__ import annotations

from jinja2 import Environment

from catalog.services import STATUS_LABELS, tier_name


def register(env: Environment) -> None:
    env.globals.update(order_status_labels=STATUS_LABELS, tier_name=tier_name)
