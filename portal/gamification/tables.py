"""The game layer's tables. Only portal.gamification writes them.

Shared by every part of the game: the tier ladder and each partner's tier, and the league divisions with
their members. Badges, streaks and contests add their own tables below.
"""

from __future__ import annotations

from piccolo.columns import BigInt, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
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


# --- tiers (game-tiers): points earned per month, the credits behind them, moves and grace ---------------


class TierEarned(Table, tablename="game_tier_earned"):
    """Points a partner earned in one company month (approved accruals minus withdrawn ones, before the tier
    multiplier). The rolling 12-month sum that a tier rests on is a read of 12 rows."""

    key = Varchar(length=40, unique=True, help_text='"<partner>:<YYYY-MM>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    month = Varchar(length=7, index=True, help_text="YYYY-MM in company time; indexed for the engagement page")
    points = BigInt(default=0)


class TierCredit(Table, tablename="game_tier_credit"):
    """One accrual counted towards the tier (or its withdrawal): the UNIQUE key makes a replayed event count
    once, and a withdrawal finds the month its accrual went to."""

    key = Varchar(length=60, unique=True, help_text='"acc:<transfer id>" or "rev:<transfer id>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    month = Varchar(length=7)
    points = BigInt(default=0, help_text="Signed: a withdrawal is negative")
    created_at = Timestamptz(default=TimestamptzNow())


class TierMove(Table, tablename="game_tier_move"):
    """A partner's tier changed: up at once on an approval, down at a period close after the grace."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    from_tier = Varchar(length=40, default="")
    to_tier = Varchar(length=40, default="")
    direction = Varchar(length=10, help_text="up | down")
    period = Varchar(length=10, index=True, help_text="The period it happened in (a downgrade: the one closed)")
    created_at = Timestamptz(default=TimestamptzNow())


class TierWatch(Table, tablename="game_tier_watch"):
    """A partner whose 12-month sum fell below their tier at a close: warned, and downgraded if it is still
    below after the grace. Deleted when the sum is back at the tier."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, unique=True)
    tier = Varchar(length=40, help_text="The tier being kept")
    closes_below = Integer(default=1, help_text="Consecutive period closes found below the threshold")
    last_period = Varchar(length=10, default="", help_text="The last close counted (a replayed close counts once)")
    shortfall = BigInt(default=0, help_text="Points still to earn to keep the tier")
    deadline = Varchar(length=10, default="", help_text="ISO date: the end of the period to earn them by")
