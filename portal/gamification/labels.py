"""The game layer's template labels. Each part keeps its own ``register_<part>(env)`` (wired one by one)."""

from __future__ import annotations

from jinja2 import Environment

from portal.i18n import N_, get_locale

TIER_MOVE_LABELS = {"up": N_("up"), "down": N_("down")}


def tier_label(tier: dict | None) -> str:
    """A tier's name in the reader's language ("" for none)."""
    if not tier:
        return ""
    return tier["name_en"] if get_locale() == "en" else tier["name_ru"]


def tier_benefits(tier: dict | None) -> str:
    if not tier:
        return ""
    return tier["benefits_en"] if get_locale() == "en" else tier["benefits_ru"]


def register_tiers(env: Environment) -> None:
    from portal.gamification.tiers import multiplier_text

    env.globals.update(tier_label=tier_label, tier_benefits=tier_benefits, tier_move_labels=TIER_MOVE_LABELS,
                       tier_multiplier=multiplier_text)


def register_contests(env: Environment) -> None:
    from portal.gamification import contests

    env.globals.update(CONTEST_STATUS_LABELS=contests.STATUS_LABELS, CONTEST_METRIC_LABELS=contests.METRIC_LABELS,
                       CONTEST_UNIT_LABELS=contests.UNIT_LABELS, contest_figure=contests.figure_text,
                       contest_prize=contests.prize_text)
