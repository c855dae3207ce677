"""A Hypothesis state machine drives the ledger through earn, release, reverse, reserve, post, void,
expire, adjust and batch-posted plan bonuses, against a simple model, and checks the ledger's invariants after every step."""

from __future__ import annotations

import asyncio
import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from portal.ledger import services as ledger
from portal.ledger.tables import Lot
from tests import factories as f


class LedgerMachine(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop | None = None  # one loop for all examples, never the test's own

    def __init__(self) -> None:
        super().__init__()
        if LedgerMachine.loop is None or LedgerMachine.loop.is_closed():
            from portal.db import engine, is_sqlite

            LedgerMachine.loop = asyncio.new_event_loop()
            if not is_sqlite():
                LedgerMachine.loop.run_until_complete(engine().start_connection_pool(min_size=1, max_size=4))
        self.n = 0
        self.model = {"pending": 0, "available": 0, "reserved": 0, "spent": 0, "expired": 0, "earned": 0,
                      "adjusted": 0}
        self.accruals: list[tuple[int, int]] = []  # (transfer id, amount) not yet reversed or released
        self.open_orders: list[tuple[str, int]] = []

    def run(self, coro):
        return self.loop.run_until_complete(coro)


    def key(self, what: str) -> str:
        self.n += 1
        return f"{what}:p{self.partner_id}:{self.n}"

    @initialize()
    def partner(self) -> None:
        self.partner_id = self.run(f.partner())
        self.spent_before = self.run(ledger.balance(None, "points_redeemed"))
        self.expired_before = self.run(ledger.balance(None, "points_expired"))

    @rule(points=st.integers(min_value=1, max_value=500))
    def earn(self, points: int) -> None:
        posted = self.run(ledger.accrue(self.key("claim"), self.partner_id, "points", points, {}))
        self.accruals.append((posted.id, points))
        self.model["pending"] += points
        self.model["earned"] += points

    @precondition(lambda self: self.accruals)
    @rule()
    def reverse_an_accrual(self) -> None:
        transfer_id, points = self.accruals.pop()
        self.run(ledger.reverse(transfer_id, "returned"))
        self.model["pending"] -= points
        self.model["earned"] -= points

    @precondition(lambda self: self.accruals)
    @rule()
    def release(self) -> None:
        released = sum(points for _id, points in self.accruals)
        self.run(ledger.release_due(hold_days=-1))
        self.accruals.clear()
        self.model["pending"] -= released
        self.model["available"] += released

    @rule(points=st.integers(min_value=1, max_value=700))
    def reserve(self, points: int) -> None:
        key = self.key("order")
        try:
            self.run(ledger.reserve(key, self.partner_id, points))
        except ledger.InsufficientFunds:
            assert points > self.model["available"]
            return
        assert points <= self.model["available"]
        self.open_orders.append((key, points))
        self.model["available"] -= points
        self.model["reserved"] += points

    @precondition(lambda self: self.open_orders)
    @rule(data=st.data())
    def post(self, data) -> None:
        key, points = self.open_orders.pop(data.draw(st.integers(0, len(self.open_orders) - 1)))
        self.run(ledger.post_reservation(key))
        self.model["reserved"] -= points
        self.model["spent"] += points

    @precondition(lambda self: self.open_orders)
    @rule(data=st.data())
    def void(self, data) -> None:
        key, points = self.open_orders.pop(data.draw(st.integers(0, len(self.open_orders) - 1)))
        self.run(ledger.void_reservation(key))
        self.run(ledger.void_reservation(key))  # a double cancel changes nothing
        self.model["reserved"] -= points
        self.model["available"] += points

    @rule()
    def expire_everything_due(self) -> None:
        self.run(Lot.update({Lot.expires_on: dt.date(2000, 1, 1)}).where(Lot.partner == self.partner_id))
        self.run(ledger.expire_due())
        self.model["expired"] += self.model["available"]
        self.model["available"] = 0

    @rule(points=st.integers(min_value=-300, max_value=300).filter(bool))
    def adjust(self, points: int) -> None:
        try:
            self.run(ledger.adjust(self.partner_id, "points", points, "by hand", None, self.key("adj")))
        except ledger.InsufficientFunds:
            assert -points > self.model["available"]
            return
        self.model["available"] += points
        self.model["adjusted"] += points

    @rule(points=st.integers(min_value=1, max_value=400))
    def plan_bonus_in_a_batch(self, points: int) -> None:
        spec = ledger.Spec(self.key("plan"), (None, "points_issued"), (self.partner_id, ledger.AVAILABLE), points,
                           "plan_bonus")
        assert self.run(ledger.post_batch([spec])) == 1
        assert self.run(ledger.post_batch([spec])) == 0  # a close run again posts nothing new
        self.model["available"] += points
        self.model["earned"] += points

    @invariant()
    def balances_match_the_model_and_the_books(self) -> None:
        if not hasattr(self, "partner_id"):
            return
        b = self.run(ledger.balances(self.partner_id))
        assert b["points_pending"] == self.model["pending"]
        assert b["points_available"] == self.model["available"]
        assert b["points_reserved"] == self.model["reserved"]
        assert b["points_available"] >= 0
        m = self.model
        assert m["earned"] + m["adjusted"] == m["available"] + m["pending"] + m["reserved"] + m["spent"] + m["expired"]
        check = self.run(ledger.verify())
        assert check.ok, check  # every unit sums to zero; cached equals recomputed
        lots = self.run(Lot.select(Lot.remaining).where(Lot.partner == self.partner_id))
        assert sum(r["remaining"] for r in lots) == b["points_available"]
        spent = self.run(ledger.balance(None, "points_redeemed")) - self.spent_before
        expired = self.run(ledger.balance(None, "points_expired")) - self.expired_before
        assert (spent, expired) == (m["spent"], m["expired"])


LedgerMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None,
                                           derandomize=True, database=None,
                                           suppress_health_check=list(HealthCheck))


def test_ledger_state_machine(db):
    """Each Hypothesis example gets a new partner; company balances are compared as changes."""
    from portal.db import engine

    try:
        LedgerMachine.TestCase("runTest").runTest()
    finally:
        loop = LedgerMachine.loop
        if loop is not None:
            if hasattr(engine(), "close_pool"):
                loop.run_until_complete(engine().close_pool())
            else:
                loop.run_until_complete(engine().close_connection_pool())
            loop.close()
            LedgerMachine.loop = None
