"""The weekly streak: at least one approved registration in each company week (Monday to Sunday, company time).

Kept incrementally: each approval adds one to its week's row in game_streak_week (and a withdrawn approval takes
it back from the same week, which game_claim_credit remembers), in the decision's transaction. The streak itself
is a pure function of the partner's active weeks and today, ``streak_of()``, used by the dashboard and the badge
conditions alike; it reads at most a few hundred rows of one partner (an index on partner).

The freeze is automatic: one missed week per calendar quarter (the quarter the missed week starts in) keeps the
streak alive; it does not count as a week of the streak, and two missed weeks in a row always break it. The week
in progress never breaks a streak: it only adds when it already has an approval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.db import company_today, read, write

WEEK = dt.timedelta(days=7)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


@dataclass(frozen=True)
class Streak:
    current: int  # weeks in a row up to now (this week counts once it has an approval)
    best: int
    frozen: tuple[dt.date, ...]  # Mondays of the missed weeks a freeze covered in the current run
    this_week: bool  # the week in progress already has an approval
    freeze_left: bool  # this quarter's freeze is still unused


def streak_of(weeks: set[dt.date] | list[dt.date], today: dt.date) -> Streak:
    """The streak over the Mondays of the weeks with at least one approval, as of ``today``."""
    active = set(weeks)
    now = monday(today)
    used: set[tuple[int, int]] = set()
    if not active:
        return Streak(0, 0, (), False, True)
    week = min(active)
    run = best = 0
    frozen: list[dt.date] = []
    last_frozen = False
    while week <= now:
        if week in active:
            run += 1
            last_frozen = False
        elif week == now:
            pass  # the week in progress is not missed yet
        elif run > 0 and not last_frozen and _quarter(week) not in used:
            used.add(_quarter(week))
            frozen.append(week)
            last_frozen = True
        else:
            run, frozen, last_frozen = 0, [], False
        best = max(best, run)
        week += WEEK
    return Streak(run, best, tuple(frozen), now in active, _quarter(now) not in used)


async def weeks_of(partner_id: int, since: dt.date | None = None) -> list[dt.date]:
    """The Mondays of the partner's weeks with approvals (all of them, or since a day)."""
    since = since or dt.date(2000, 1, 3)
    rows = await read("SELECT week FROM game_streak_week WHERE partner = {} AND week >= {} AND approved > 0",
                      partner_id, since)
    return [r["week"] if isinstance(r["week"], dt.date) else dt.date.fromisoformat(str(r["week"])) for r in rows]


async def of_partner(partner_id: int, today: dt.date | None = None) -> Streak:
    return streak_of(await weeks_of(partner_id), today or company_today())


async def add(partner_id: int, week: dt.date, sign: int) -> None:
    """One approval more (or less) in the partner's week. Joins the caller's transaction."""
    await write(
        "INSERT INTO game_streak_week (key, partner, week, approved) VALUES ({}, {}, {}, {}) "
        "ON CONFLICT (key) DO UPDATE SET approved = game_streak_week.approved + excluded.approved",
        f"{partner_id}:{week.isoformat()}", partner_id, week, sign)
