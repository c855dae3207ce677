"""The plans' template helpers: metrics, measures, bonuses and fulfilment."""

from __future__ import annotations

from jinja2 import Environment

from portal.plans import present


def register(env: Environment) -> None:
    env.globals.update(metric_label=present.metric_label, measure=present.measure, bonus_text=present.bonus,
                       pct=present.pct, to_go=present.to_go, METRIC_LABELS=present.METRIC_LABELS,
                       SCOPE_LABELS=present.SCOPE_LABELS)
