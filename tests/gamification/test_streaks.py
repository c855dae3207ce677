"""The weekly streak: an approved registration in each company week, with one free freeze per quarter."""

from __future__ import annotations

import datetime as dt

from portal.claims import services as claims
from portal.db import company_today
from portal.gamification import streaks
from portal.gamification.streaks import streak_of
from tests import factories as f

MON = dt.date(2026, 11, 2)  # a Monday (Q4)


def weeks(*offsets: int) -> set[dt.date]:
    return {MON + dt.timedelta(weeks=n) for n in offsets}


def test_consecutive_weeks_make_the_streak_and_the_week_in_progress_does_not_break_it():
    today = MON + dt.timedelta(weeks=3, days=2)  # Wednesday of week 3, nothing approved yet this week
    s = streak_of(weeks(0, 1, 2), today)
    assert (s.current, s.best, s.this_week) == (3, 3, False)
    assert streak_of(weeks(0, 1, 2, 3), today).current == 4


def test_one_missed_week_is_frozen_once_per_quarter():
    today = MON + dt.timedelta(weeks=4)
    s = streak_of(weeks(0, 1, 3, 4), today)  # week 2 missed: the quarter's freeze covers it
    assert s.current == 4 and s.frozen == (MON + dt.timedelta(weeks=2),) and not s.freeze_left
    # a second miss in the same quarter breaks the run
    later = MON + dt.timedelta(weeks=6)
    assert streak_of(weeks(0, 1, 3, 4, 6), later).current == 1


def test_two_missed_weeks_in_a_row_break_the_streak_but_keep_the_best():
    today = MON + dt.timedelta(weeks=6)
    s = streak_of(weeks(0, 1, 2, 5, 6), today)
    assert (s.current, s.best) == (2, 3)


def test_a_missed_week_in_a_new_quarter_has_its_own_freeze():
    dec = dt.date(2026, 12, 14)  # Monday
    active = {dec + dt.timedelta(weeks=n) for n in (0, 2, 3, 5)}  # misses 21 Dec (Q4) and 11 Jan (Q1)
    assert streak_of(active, dec + dt.timedelta(weeks=5)).current == 4


def test_no_approvals_no_streak():
    assert streak_of(set(), MON).current == 0


async def test_an_approval_counts_in_this_week_and_a_withdrawal_takes_it_back():
    dealer = await f.dealer()
    product = await f.product()
    claim_id = await f.claim(dealer, product)
    await claims.decide(await f.company(), claim_id, "approve")
    s = await streaks.of_partner(dealer.partner_id)
    assert s.current == 1 and s.this_week
    assert await streaks.weeks_of(dealer.partner_id) == [streaks.monday(company_today())]
    await claims.revoke_approval(await f.company(), claim_id, "ошибка")
    assert (await streaks.of_partner(dealer.partner_id)).current == 0


def test_the_streak_and_conditions_read_in_both_languages_with_plurals():
    from portal import i18n
    from portal.gamification.labels import BADGE_KINDS, badge_condition, streak_text

    token = i18n.set_locale("ru")
    try:
        assert [streak_text(n) for n in (1, 2, 5, 21)] == [
            "1 неделя подряд", "2 недели подряд", "5 недель подряд", "21 неделя подряд"]
        assert badge_condition("sales", 10, "category", "Котлы") == "10 подтверждённых продаж в категории «Котлы»"
        assert all(i18n.gettext(label) != label for label in BADGE_KINDS.values())
    finally:
        i18n.reset_locale(token)
    token = i18n.set_locale("en")
    try:
        assert streak_text(5) == "5 weeks in a row" and streak_text(1) == "1 week in a row"
        assert badge_condition("plan_streak", 3) == "The plan met 3 periods in a row"
    finally:
        i18n.reset_locale(token)
