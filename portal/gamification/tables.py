"""The game layer's tables. Only portal.gamification writes them.

Shared by every part of the game: the tier ladder and each partner's tier, and the league divisions with
their members. Badges, streaks and contests add their own tables below.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
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


# --- contests (portal/gamification/contests.py) --------------------------------------------------

class Contest(Table, tablename="game_contest"):
    """A time-boxed contest a manager defines: who may play, what counts, and what it pays.

    draft -> running -> closing -> closed (or cancelled). Its dates are company-time-zone days; the
    timestamps are their bounds in UTC (a claim registered at or after ``starts_at`` and before ``ends_at``
    counts)."""

    name = Varchar(length=200)
    description = Text(default="")
    status = Varchar(length=20, default="draft", index=True)
    starts_on = Date(help_text="First day, company time zone")
    ends_on = Date(help_text="Last day, company time zone")
    starts_at = Timestamptz(help_text="starts_on 00:00 in the company time zone, as UTC")
    ends_at = Timestamptz(index=True, help_text="The day after ends_on, 00:00 company time, as UTC (excluded)")
    eligibility = JSON(default="{}", help_text='{"regions": [...], "types": [...], "tiers": [...], "leagues": [levels]}')
    metric = Varchar(length=20, default="units", help_text="units | revenue | points")
    scope = Varchar(length=20, default="all", help_text="all | category | products")
    scope_value = Varchar(length=500, default="", help_text="The category, or product ids separated by commas")
    threshold = BigInt(default=0, help_text="Figure that earns the threshold award (0: none); revenue in kopecks")
    threshold_unit = Varchar(length=10, default="points", help_text="points | kop")
    threshold_amount = BigInt(default=0)
    places = JSON(default="[]", help_text='Place awards from the 1st: [{"unit": "points", "amount": 5000}, '
                                          '{"unit": "prize", "amount": <prize id>, "name": "..."}, ...]')
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)


class ContestStanding(Table, tablename="game_contest_standing"):
    """A partner's figure in a contest, kept in the approvals' (and revocations') transactions.
    ``reached_at`` is when the current figure was reached (ties: earlier wins); ``place`` is set at close."""

    key = Varchar(length=40, unique=True, help_text='"<contest>:<partner>"')
    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    value = BigInt(default=0)
    claims = Integer(default=0)
    reached_at = Timestamptz(null=True, default=None)
    place = Integer(null=True, default=None, help_text="Frozen at close: 1 is first")


class ContestEntry(Table, tablename="game_contest_entry"):
    """One approved claim counted in a contest, with what it added: a revocation takes exactly this back."""

    key = Varchar(length=40, unique=True, help_text='"<contest>:<claim>"')
    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    claim = Integer(index=True, help_text="The claim's id")
    value = BigInt(default=0)
    approved_at = Timestamptz(default=TimestamptzNow())


class ContestAward(Table, tablename="game_contest_award"):
    """An award fixed when the contest's standings were frozen; ``paid_at`` is set in the transaction that
    posts it to the ledger (under keys.contest_award, so a re-run never pays twice)."""

    key = Varchar(length=80, unique=True, help_text="keys.contest_award(contest, partner, award)")
    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    award = Varchar(length=20, help_text="threshold | place1, place2, ...")
    place = Integer(null=True, default=None)
    unit = Varchar(length=10, help_text="points | kop | prize (its points are credited, then an order reserves them)")
    amount = BigInt(default=0, help_text="Points or kopecks; for a prize, its price in points at the freeze")
    prize = Integer(null=True, default=None, help_text="The catalogue prize's id (unit prize)")
    prize_name = Varchar(length=300, default="")
    order_id = Integer(null=True, default=None, help_text="The prize order placed for the winner, if it could be")
    paid_at = Timestamptz(null=True, default=None, index=True)


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
