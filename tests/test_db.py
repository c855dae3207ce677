"""The write path every service uses: concurrent transactions (grouped into one COMMIT on SQLite)."""

from __future__ import annotations

import asyncio

from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import read, write_transaction


class Boom(Exception):
    pass


async def _count(object_id: str) -> int:
    rows = await read("SELECT COUNT(*) AS n FROM audit_entry WHERE object_id = {}", object_id)
    return int(rows[0]["n"])


async def test_each_writer_returns_with_its_work_durable_and_a_failure_undoes_only_its_own():
    actor = Actor(id=None, label="test")

    async def write(n: int) -> None:
        async with write_transaction():
            await audit.record(actor, "test.write", "test", f"w{n}", after={"n": n})
            await asyncio.sleep(0)  # let the others queue behind this transaction
            if n % 5 == 0:
                raise Boom(n)
        # the moment the caller gets control back, another connection sees the row
        assert await _count(f"w{n}") == 1

    results = await asyncio.gather(*(write(n) for n in range(60)), return_exceptions=True)
    failed = {r.args[0] for r in results if isinstance(r, Boom)}
    assert failed == set(range(0, 60, 5))
    assert [r for r in results if not isinstance(r, Boom)] == [None] * 48
    for n in range(60):
        assert await _count(f"w{n}") == (0 if n in failed else 1)


async def test_a_unique_violation_inside_a_transaction_does_not_spoil_the_others():
    from portal.db import is_unique_violation
    from portal.accounts.tables import LoginThrottle

    async def write(key: str) -> str:
        try:
            async with write_transaction():
                await LoginThrottle.raw("INSERT INTO login_throttle (key, window_no, failures) VALUES ({}, 1, 1)", key)
        except Exception as exc:
            if is_unique_violation(exc):
                return "duplicate"
            raise
        return "ok"

    results = await asyncio.gather(*(write(f"k{n % 10}") for n in range(40)))
    assert results.count("ok") == 10 and results.count("duplicate") == 30
    rows = await read("SELECT COUNT(*) AS n FROM login_throttle")
    assert rows[0]["n"] == 10


async def test_a_lone_writer_commits_at_once_and_the_next_one_starts_afresh():
    for n in range(2):
        async with write_transaction():
            await audit.record(Actor(id=None, label="test"), "test.write", "test", f"lone{n}")
        assert await _count(f"lone{n}") == 1


async def test_a_writer_cancelled_in_the_queue_does_not_strand_the_transaction_handed_to_it():
    """The first writer hands its open transaction to a queued one, which is cancelled before it runs:
    the first writer must still return, with its work durable."""
    actor = Actor(id=None, label="test")
    inside, go_on = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with write_transaction():
            await audit.record(actor, "test.write", "test", "first")
            inside.set()
            await go_on.wait()

    async def second() -> None:
        async with write_transaction():
            await audit.record(actor, "test.write", "test", "second")

    one = asyncio.create_task(first())
    await inside.wait()
    two = asyncio.create_task(second())
    await asyncio.sleep(0)  # the second writer queues for the lock
    go_on.set()
    await asyncio.sleep(0)  # the first ends, sees the second queued and hands it the open transaction
    two.cancel()
    await asyncio.wait_for(one, timeout=5)
    assert await _count("first") == 1
    assert await _count("second") == 0
