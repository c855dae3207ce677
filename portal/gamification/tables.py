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


# --- badges and the weekly streak (portal/gamification/badges.py, streaks.py) ------------------------

class BadgeRule(Table, tablename="game_badge_rule"):
    """A badge as data: what it listens to, the condition that earns it, its reward and its art."""

    code = Varchar(length=40, unique=True, help_text="Stable code, e.g. first_sale; keys awards and rewards")
    name_ru = Varchar(length=100)
    name_en = Varchar(length=100)
    description_ru = Text(default="")
    description_en = Text(default="")
    event = Varchar(length=20, default="claim_approved",
                    help_text="claim_approved | order_placed | period_closed: follows from the condition's kind")
    condition = Text(default="{}", help_text='JSON: {"kind": ..., "n": ..., "scope": ..., "value": ...}')
    reward_points = Integer(default=0, help_text="Points paid once per award through the ledger; 0: none")
    per_period = Boolean(default=False, help_text="Earned again in each period (the period of the sale)")
    reverse_on_withdraw = Boolean(default=False,
                                  help_text="A withdrawn approval below the condition reverses the reward")
    shape = Varchar(length=20, default="circle")
    colour = Varchar(length=7, default="#d4a017", help_text="#rrggbb")
    glyph = Varchar(length=20, default="star")
    active = Boolean(default=True, index=True)
    position = Integer(default=0)


class BadgeAward(Table, tablename="game_badge_award"):
    """A badge a partner earned: UNIQUE key, so concurrent qualifying events award it once."""

    key = Varchar(length=120, unique=True, help_text='"<rule code>:<partner>:<period or empty>"')
    rule = ForeignKey(references=BadgeRule, on_delete=OnDelete.restrict)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=10, default="")
    claim = BigInt(null=True, default=None, help_text="The approved claim that earned it, if any")
    points = Integer(default=0, help_text="Reward paid with the award")
    reversed = Boolean(default=False, help_text="The reward was reversed after a withdrawn approval")
    seen = Boolean(default=False, help_text="The partner was shown the celebration")
    awarded_at = Timestamptz(default=TimestamptzNow())


class GameCounter(Table, tablename="game_counter"):
    """Per-partner counters the badge conditions read, kept in the approvals' transactions (no claim scans)."""

    key = Varchar(length=160, unique=True, help_text='"<partner>:<name>:<period or empty>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=120, help_text="sales | cat:<category> | prod:<id> | complete | orders | plan_run")
    period = Varchar(length=10, default="")
    value = BigInt(default=0)


class GameClaimCredit(Table, tablename="game_claim_credit"):
    """What one approved claim added to the counters and the streak, so a withdrawal takes back exactly that."""

    claim = BigInt(unique=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict)
    week = Date(help_text="Monday of the company week the approval fell in")
    period = Varchar(length=10, default="")
    names = Text(default="", help_text="The counter names it added to, one per line")


class StreakWeek(Table, tablename="game_streak_week"):
    """Approved registrations of a partner in one company week (Mon-Sun): the streak is read from these."""

    key = Varchar(length=40, unique=True, help_text='"<partner>:<monday>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    week = Date()
    approved = Integer(default=0)
