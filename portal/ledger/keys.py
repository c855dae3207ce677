"""Cause keys: the one spelling of every ledger transfer's key, for Python and for SQL.

A transfer's key names the cause that made it (UNIQUE in ledger_transfer), so a retried cause finds the transfer
it already made. Every domain builds its keys here and nowhere else: a key typed by hand in another module (an
f-string, a ``'claim:' || c.id`` in SQL) would silently stop matching when the format changes.

Keys already written are never rewritten (transfers are immutable), so a format, once used, stays readable:
a claim's first approval keeps the original ``claim:<id>:accrual:<unit>``; later approvals add their number.
This module is a leaf: it imports nothing from the project.
"""

from __future__ import annotations

# --- the ledger's own causes ---------------------------------------------------------------------


def accrual(cause: str, unit: str) -> str:
    """The accrual a cause earns in one unit (points or kop)."""
    return f"{cause}:accrual:{unit}"


def reversal(transfer_id: int) -> str:
    """The correction of a transfer (UNIQUE "reverses" makes it one per transfer as well)."""
    return f"transfer:{transfer_id}:reversal"


def release(transfer_id: int) -> str:
    """Points of an accrual moving from pending to available after the holding period."""
    return f"transfer:{transfer_id}:release"


def release_sql(transfer_id: str) -> str:
    """``release()`` as an SQL expression over a column holding the accrual's id (e.g. ``"t.id"``)."""
    return f"'transfer:' || {transfer_id} || ':release'"


def reserve(order_cause: str) -> str:
    """Points held for an order: available -> reserved."""
    return f"{order_cause}:reserve"


def redeem(order_cause: str) -> str:
    """The held points spent: reserved -> redeemed, when the order is delivered."""
    return f"{order_cause}:post"


def expiry(lot_id: int, number: int) -> str:
    """The ``number``-th expiry of a lot (points a voided order hands back to an expired lot expire again)."""
    return f"lot:{lot_id}:expire:{number}"


def adjustment(token: str) -> str:
    """Finance's adjustment by hand, keyed by its form's token."""
    return f"adjustment:{token}"


# --- claims (rewards) ------------------------------------------------------------------------------


def claim(claim_id: int, approval: int = 1) -> str:
    """The cause of a claim's ``approval``-th approval. Each approval is its own cause: approved, withdrawn and
    approved again earns again (under the rules of the day), and a withdrawal reverses its own approval only."""
    return f"claim:{claim_id}" if approval <= 1 else f"claim:{claim_id}:approval:{approval}"


def claim_accrual(claim_id: int, unit: str, approval: int = 1) -> str:
    return accrual(claim(claim_id, approval), unit)


def claim_accrual_sql(claim_id: str, unit: str, approval: str) -> str:
    """``claim_accrual()`` as an SQL expression over columns (or subqueries) holding the claim id and the approval
    number; ``unit`` is a literal. Indexable: compared with ``key =`` it is one lookup in the key's UNIQUE index."""
    if unit not in ("points", "kop"):
        raise ValueError(unit)
    return (f"(CASE WHEN {approval} <= 1 THEN 'claim:' || {claim_id} || ':accrual:{unit}' "
            f"ELSE 'claim:' || {claim_id} || ':approval:' || {approval} || ':accrual:{unit}' END)")


# --- orders (catalog) -----------------------------------------------------------------------------


def order(order_id: int) -> str:
    """A prize order's cause: its reservation, redemption and cancellation hang off it."""
    return f"order:{order_id}"


# --- periods: the close and the payout register ---------------------------------------------------


def period_payable(code: str, partner_id: int) -> str:
    """The period's accrued cash of one partner becoming payable at the close."""
    return f"period:{code}:payable:{partner_id}"


def plan_bonus(code: str, partner_id: int, unit: str) -> str:
    """A partner's plan bonus for the period, in one unit."""
    return f"plan:{code}:{partner_id}:{unit}"


def period_payable_patterns(code: str) -> tuple[str, str]:
    """LIKE patterns for every cash transfer the period's close made payable: payables and plan bonuses."""
    return f"period:{code}:payable:%", f"plan:{code}:%"


def plan_bonus_period(key: str) -> str:
    """The period code of a plan bonus key."""
    return key.split(":")[1]


def payout(line_key: str, payment: int) -> str:
    """The ``payment``-th payment of a payout line (a returned payment is reversed; paying again is a new one)."""
    return f"payout:{line_key}:{payment}"


# --- the game: contests -----------------------------------------------------------------------------


def contest_award(contest_id: int, partner_id: int, award: str) -> str:
    """A contest's award to one partner (``award``: threshold, place1, place2, ...): paid once, whoever closes."""
    return f"contest:{contest_id}:{partner_id}:{award}"
# --- the game: badges ---------------------------------------------------------------------------------


def badge(rule_code: str, partner_id: int, period: str = "") -> str:
    """The cause of a badge's reward: one per rule, partner and period ('' for a badge earned once)."""
    return f"badge:{rule_code}:{partner_id}:{period}"
