"""The game layer's tables. Only portal.gamification writes them.

Shared by every part of the game: the tier ladder and each partner's tier, and the league divisions with
their members. Badges, streaks and contests add their own tables below.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Partner


class Tier(Table, tablename="game_tier"):
    """One step of the tier ladder (Bronze, Silver, Gold, Platinum by default); an admin edits them."""

    code = Varchar(length=40, unique=True, help_text="Stable code, e.g. gold; catalogue min_tier names it")
    name_ru = Varchar(length=100)
    name_en = Varchar(length=100)
    position = Integer(default=0, help_text="0 is the lowest tier")
    threshold_points = BigInt(default=0, help_text="Points earned over 12 rolling months to reach it")
    multiplier_bp = Integer(default=10000, help_text="Accrual multiplier in basis points: 11000 is ×1.1")
    colour = Varchar(length=7, default="#b08d57", help_text="#rrggbb")
    benefits_ru = Text(default="")
    benefits_en = Text(default="")


class PartnerTier(Table, tablename="game_partner_tier"):
    """A partner's current tier and the rolling sum it rests on (kept in the approvals' transactions)."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, unique=True)
    tier = Varchar(length=40, default="", help_text="Tier.code; empty: below the first threshold")
    earned_12m = BigInt(default=0, help_text="Points earned over the last 12 months at the last update")
    since = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Division(Table, tablename="game_division"):
    """One league division for a season (a period): partners of similar size compete inside it."""

    period = Varchar(length=10, index=True, help_text="Period code the division plays in, e.g. 2026-11")
    level = Integer(default=0, help_text="0 is the top league; larger numbers are lower leagues")
    number = Integer(default=1, help_text="Several divisions may share a level")
    name = Varchar(length=100, default="")


class DivisionMember(Table, tablename="game_division_member"):
    """A partner's place in a division for a season."""

    key = Varchar(length=40, unique=True, help_text='"<period>:<partner>": one division per partner per season')
    division = ForeignKey(references=Division, on_delete=OnDelete.cascade, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=10, index=True)
    moved = Varchar(length=10, default="", help_text="up | down | '' : how the partner got here")


# --- leagues and leaderboards (portal/gamification/standings.py, leagues.py) ----------------------

class Standing(Table, tablename="game_standing"):
    """A partner's figures in a period, kept in the decisions' transactions (standings.py): the boards rank
    these rows with an indexed ORDER BY, never the claims. ``verify`` recomputes them from claims and ledger."""

    key = Varchar(length=40, unique=True, help_text='"<period>:<partner>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=10, index=True)
    points = BigInt(default=0, help_text="Base points accrued for the approved claims sold in the period")
    points_at = Timestamptz(default=TimestamptzNow(), help_text="When the current points figure was reached")
    pct_bp = Integer(default=0, help_text="% of plan in basis points: the weakest target's fulfilment; 0 no plan")
    pct_at = Timestamptz(default=TimestamptzNow(), help_text="When the current % of plan was reached")
    league_place = Integer(default=0, help_text="Place in the season's division (0: not in a league)")


class StandingDay(Table, tablename="game_standing_day"):
    """Points per partner and sales day: the rolling-window board sums at most a window of these per partner."""

    key = Varchar(length=40, unique=True, help_text='"<partner>:<yyyy-mm-dd>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    day = Date(index=True)
    points = BigInt(default=0)
    reached_at = Timestamptz(default=TimestamptzNow(), help_text="When this day's figure last changed")


class BoardPrivacy(Table, tablename="game_board_privacy"):
    """How a partner appears to other partners on the boards: by name, or as "Dealer No. <id>" (the default)."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, unique=True)
    show_name = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())


class LeagueSeason(Table, tablename="game_league_season"):
    """A season whose divisions were made (seeded, or by the previous season's close): the UNIQUE period makes
    seeding and the close's promotions happen once per period, whoever runs them and however often."""

    period = Varchar(length=10, unique=True)
    source = Varchar(length=10, default="seed", help_text="seed | close: how its divisions were made")
    made_at = Timestamptz(default=TimestamptzNow())


class LeagueRules(Table, tablename="game_league_rules"):
    """The league settings (one row; defaults when absent)."""

    grouping = Varchar(length=10, default="revenue", help_text="revenue (last period's band) | tier")
    division_size = Integer(default=30, help_text="Partners per division when a season is seeded")
    move = Integer(default=3, help_text="Top N move up and bottom N move down at period close")
    metric = Varchar(length=10, default="points", help_text="points | pct: what ranks a division")


class RollingStanding(Table, tablename="game_rolling"):
    """Points over the rolling window ending on ``game_rolling_stamp.day``, per partner: rebuilt from the day
    buckets once a day (``standings.roll``) and kept by each decision in between, so the rolling board is an
    indexed ORDER BY over one row per partner."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, unique=True)
    points = BigInt(default=0)
    reached_at = Timestamptz(default=TimestamptzNow(), help_text="When the figure last changed")


class RollingStamp(Table, tablename="game_rolling_stamp"):
    """The last day game_rolling was rebuilt for (one row, key "rolling")."""

    key = Varchar(length=20, unique=True)
    day = Date()
