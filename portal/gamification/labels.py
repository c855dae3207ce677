"""The game layer's template labels. Each part registers its own (``register_<part>``) from portal/wiring.py."""

from __future__ import annotations

from jinja2 import Environment

from portal.i18n import N_
from portal.web.templating import label

BOARD_METRIC_LABELS = {"points": N_("Points earned"), "pct": N_("% of plan")}
LEAGUE_ZONE_LABELS = {"up": N_("Promotion zone"), "down": N_("Relegation zone"), "stay": N_("Safe")}
LEAGUE_MOVED_LABELS = {"up": N_("promoted"), "down": N_("relegated")}


def register_leagues(env: Environment) -> None:
    env.filters.update(board_metric=label(BOARD_METRIC_LABELS), league_zone=label(LEAGUE_ZONE_LABELS),
                       league_moved=label(LEAGUE_MOVED_LABELS))
    env.globals.update(BOARD_METRIC_LABELS=BOARD_METRIC_LABELS)
