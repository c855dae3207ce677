"""The periods' template labels: period statuses, close stages and payout lines."""

from __future__ import annotations

from jinja2 import Environment

from portal.periods.payouts import LINE_LABELS
from portal.periods.services import CLOSE_STAGE_LABELS, STATUS_LABELS


def register(env: Environment) -> None:
    env.globals.update(period_status_labels=STATUS_LABELS, close_stage_labels=CLOSE_STAGE_LABELS,
                       payout_labels=LINE_LABELS)
