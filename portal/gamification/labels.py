"""The game's template labels. Each part of the game keeps its own register_<part>(env); ``register`` calls
them all (portal.wiring hands it to the web layer)."""

from __future__ import annotations

from jinja2 import Environment

from portal.i18n import N_, get_locale, gettext, ngettext
from portal.products.labels import product_category
from portal.web.templating import label

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
# --- badges and the streak --------------------------------------------------------------------------

BADGE_KINDS = {
    "sales": N_("Count of approved sales"),
    "new_line": N_("First sale of a new product line"),
    "complete": N_("Approved claims with photos and serials"),
    "streak": N_("Weekly streak"),
    "plan_streak": N_("Plan met periods in a row"),
    "first_order": N_("First prize ordered"),
}
BADGE_EVENTS = {
    "claim_approved": N_("A claim is approved"),
    "order_placed": N_("A prize is ordered"),
    "period_closed": N_("A period is closed"),
}
BADGE_SCOPES = {"all": N_("all products"), "category": N_("a category"), "product": N_("a product (id)")}
BADGE_SHAPES = {"circle": N_("Circle"), "shield": N_("Shield"), "hexagon": N_("Hexagon"), "star": N_("Star")}
BADGE_GLYPHS = {
    "star": N_("Star"), "check": N_("Tick"), "flame": N_("Flame"), "bolt": N_("Lightning"), "trophy": N_("Trophy"),
    "gift": N_("Gift"), "camera": N_("Camera"), "leaf": N_("Leaf"),
}


def badge_condition(kind: str, n: int, scope: str = "all", value: str = "") -> str:
    """The condition in the partner's words, e.g. "10 approved sales in “boilers”"."""
    if kind in ("sales", "new_line") and scope == "category" and value:
        value = product_category(value)  # "boilers" reads "Котлы"
    if kind == "sales":
        if scope == "category" and value:
            return ngettext("%(num)s approved sale in “%(what)s”", "%(num)s approved sales in “%(what)s”", n,
                            what=value)
        if scope == "product" and value:
            return ngettext("%(num)s approved sale of “%(what)s”", "%(num)s approved sales of “%(what)s”", n,
                            what=value)
        return ngettext("%(num)s approved sale", "%(num)s approved sales", n)
    if kind == "new_line":
        if value:
            return gettext("The first approved sale of “%(what)s”", what=value)
        return gettext("The first approved sale in a category you never sold before")
    if kind == "complete":
        return ngettext("%(num)s approved claim with photos and serials",
                        "%(num)s approved claims with photos and serials", n)
    if kind == "streak":
        return ngettext("%(num)s week in a row with an approved sale", "%(num)s weeks in a row with an approved sale",
                        n)
    if kind == "plan_streak":
        return ngettext("The plan met %(num)s period in a row", "The plan met %(num)s periods in a row", n)
    if kind == "first_order":
        return gettext("The first prize ordered")
    return gettext(BADGE_KINDS.get(kind, kind))


def streak_text(weeks: int) -> str:
    return ngettext("%(num)s week in a row", "%(num)s weeks in a row", weeks)


def badge_name(rule: dict) -> str:
    return (rule.get("name_en") if get_locale() == "en" else rule.get("name_ru")) or rule.get("name_ru") or ""


def badge_description(rule: dict) -> str:
    return ((rule.get("description_en") if get_locale() == "en" else rule.get("description_ru"))
            or rule.get("description_ru") or "")


def register_badges(env: Environment) -> None:
    from portal.gamification import art

    env.globals.update(badge_art=art.of, badge_condition=badge_condition, badge_name=badge_name,
                       badge_description=badge_description, streak_text=streak_text, BADGE_KINDS=BADGE_KINDS,
                       BADGE_EVENTS=BADGE_EVENTS, BADGE_SCOPES=BADGE_SCOPES, BADGE_SHAPES=BADGE_SHAPES,
                       BADGE_GLYPHS=BADGE_GLYPHS)


def register(env: Environment) -> None:
    register_tiers(env)
    register_contests(env)
    register_badges(env)
    register_leagues(env)

BOARD_METRIC_LABELS = {"points": N_("Points earned"), "pct": N_("% of plan")}
LEAGUE_ZONE_LABELS = {"up": N_("Promotion zone"), "down": N_("Relegation zone"), "stay": N_("Safe")}
LEAGUE_MOVED_LABELS = {"up": N_("promoted"), "down": N_("relegated")}


def register_leagues(env: Environment) -> None:
    env.filters.update(board_metric=label(BOARD_METRIC_LABELS), league_zone=label(LEAGUE_ZONE_LABELS),
                       league_moved=label(LEAGUE_MOVED_LABELS))
    env.globals.update(BOARD_METRIC_LABELS=BOARD_METRIC_LABELS)
