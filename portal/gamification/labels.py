"""The game's template labels: each part registers its own (``register_<part>``)."""

from __future__ import annotations

from jinja2 import Environment


def register_contests(env: Environment) -> None:
    from portal.gamification import contests

    env.globals.update(CONTEST_STATUS_LABELS=contests.STATUS_LABELS, CONTEST_METRIC_LABELS=contests.METRIC_LABELS,
                       CONTEST_UNIT_LABELS=contests.UNIT_LABELS, contest_figure=contests.figure_text,
                       contest_prize=contests.prize_text)
