"""How history lines read to a partner: coloured by what they do to the AVAILABLE balance."""

from __future__ import annotations

import pytest

from portal.ledger.present import GAIN, LOSS, NEUTRAL, amount_text, effect, explain, signed

P = 7  # the partner's id on their own accounts; None is the company's side


def line(kind: str, from_code: str, from_partner, to_code: str, to_partner, unit: str = "points",
         amount: int = 300, **detail) -> dict:
    return {"kind": kind, "unit": unit, "amount": amount, "from_code": from_code, "from_partner": from_partner,
            "to_code": to_code, "to_partner": to_partner, "detail": detail}


@pytest.mark.parametrize("row, expected", [
    (line("accrual", "points_issued", None, "points_pending", P), NEUTRAL),  # waits in pending: not usable yet
    (line("release", "points_pending", P, "points_available", P), GAIN),
    (line("reserve", "points_available", P, "points_reserved", P), LOSS),  # not a green gain
    (line("reversal", "points_reserved", P, "points_available", P), GAIN),  # a returned reservation: not a loss
    (line("redeem", "points_reserved", P, "points_redeemed", None), NEUTRAL),  # left available at the reservation
    (line("expiry", "points_available", P, "points_expired", None), LOSS),
    (line("plan_bonus", "points_issued", None, "points_available", P), GAIN),
    (line("adjustment", "points_available", P, "points_adjustments", None), LOSS),
    (line("reversal", "points_pending", P, "points_issued", None), NEUTRAL),  # a pending accrual taken back
    (line("accrual", "cash_issued", None, "cash_pending", P, unit="kop"), GAIN),
    (line("payable", "cash_pending", P, "cash_payable", P, unit="kop"), NEUTRAL),
    (line("payout", "cash_payable", P, "cash_paid", P, unit="kop"), NEUTRAL),  # money reaching them is no loss
    (line("reversal", "cash_pending", P, "cash_issued", None, unit="kop"), LOSS),
])
def test_a_line_is_classified_by_its_effect_on_the_available_balance(row, expected):
    assert effect(row) == expected


def test_a_reservation_reads_as_minus_and_its_return_as_plus():
    assert amount_text(line("reserve", "points_available", P, "points_reserved", P)) == "\u2212300"
    assert amount_text(line("reversal", "points_reserved", P, "points_available", P)) == "+300"
    assert amount_text(line("accrual", "points_issued", None, "points_pending", P)) == "300"


def test_the_csv_sign_counts_only_what_leaves_the_partner():
    assert signed(line("reserve", "points_available", P, "points_reserved", P)) == 300
    assert signed(line("reversal", "points_reserved", P, "points_available", P)) == 300
    assert signed(line("redeem", "points_reserved", P, "points_redeemed", None)) == -300


def test_a_cancelled_orders_return_says_so_instead_of_a_code():
    text = explain(line("reversal", "points_reserved", P, "points_available", P, reason="cancelled", reverses=1))
    assert "cancelled" not in text and text


def test_period_lines_name_the_month():
    from portal import i18n

    token = i18n.set_locale("ru")
    try:
        text = explain(line("payable", "cash_pending", P, "cash_payable", P, unit="kop", period="2026-11"))
    finally:
        i18n.reset_locale(token)
    assert "Ноябрь 2026" in text and "2026-11" not in text


def test_a_badge_reward_and_a_contest_prize_say_what_they_are_for():
    badge = line("accrual", "points_issued", None, "points_pending", P, badge="first_sale", badge_ru="Первая продажа",
                 badge_en="First sale")
    assert explain(badge) == "Достижение «Первая продажа»"
    prize = line("contest_award", "points_issued", None, "points_available", P, contest=3, award="place1",
                 name="Котлы месяца")
    assert explain(prize) == "Конкурс «Котлы месяца»"
