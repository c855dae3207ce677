"""Long work off the event loop: pages keep answering while a big batch is posted, and the off-loop
writer and the server's writers never wait for each other forever."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import read, run_off_loop, write_transaction
from portal.ledger import services as ledger
from tests import factories

BATCH = 10_000


@pytest.fixture
async def loop_client(app):
    """A client whose requests the app serves on this test's own event loop, as a server does (httpx's ASGI
    transport; Litestar's test client serves each request on a thread of its own and blocks this loop)."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:  # entered and left in one task, as anyio wants
        async with app.lifespan():
            started.set()
            await stop.wait()

    running = asyncio.create_task(lifespan())
    await started.wait()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local",
                                 follow_redirects=False) as client:
        yield client
    stop.set()
    await running


def _specs(partner_id: int, n: int = BATCH, tag: str = "b") -> list[ledger.Spec]:
    return [ledger.Spec(f"test:{tag}:{i}", (None, "cash_issued"), (partner_id, "cash_payable"), 100 + i % 7, "test")
            for i in range(n)]


async def _latencies_while(task: asyncio.Task, client, paths: tuple[str, ...]) -> list[float]:
    """Ask for the pages every 5 ms until the task ends. Each answer's time counts from the moment the
    request was due, so a loop frozen at that moment (by work on it) counts against the page. The app
    serves them on this loop (``loop_client``): work that froze it would freeze them."""
    seen: list[float] = []
    while not task.done():
        due = time.perf_counter() + 0.005
        await asyncio.sleep(0.005)
        for path in paths:
            response = await client.get(path)
            seen.append(time.perf_counter() - due)
            assert response.status_code < 400
            due = time.perf_counter()
    return seen


async def test_pages_answer_within_100_ms_while_a_10k_transfer_batch_is_posted(loop_client):
    client = loop_client
    partner_id = await factories.partner()
    await client.get("/healthz")  # the app's first request (startup work) is not what we measure
    await client.get("/login")
    posting = asyncio.create_task(run_off_loop(ledger.post_batch, _specs(partner_id)))
    latencies = await _latencies_while(posting, client, ("/healthz", "/login"))
    assert await posting == BATCH
    assert len(latencies) >= 6, "the pages were asked while the batch was being posted"
    assert max(latencies) < 0.1, f"slowest of {len(latencies)} answers: {max(latencies) * 1000:.0f} ms"
    assert await ledger.balance(partner_id, "cash_payable") == sum(s.amount for s in _specs(partner_id))


async def test_the_off_loop_writer_and_the_servers_writers_all_finish_with_their_work(client):
    """Both write at once: neither deadlocks (SQLite: each waits for the lock in its own thread or queue)."""
    partner_id = await factories.partner()
    actor = Actor(id=None, label="test")

    async def one(n: int) -> None:
        async with write_transaction():
            await audit.record(actor, "test.write", "test", f"s{n}")

    posting = asyncio.create_task(run_off_loop(ledger.post_batch, _specs(partner_id, 3_000)))
    await asyncio.sleep(0.01)
    await asyncio.wait_for(asyncio.gather(*(one(n) for n in range(40))), timeout=60)
    assert await asyncio.wait_for(posting, timeout=60) == 3_000
    rows = await read("SELECT COUNT(*) AS n FROM audit_entry WHERE object_type = {}", "test")
    assert rows[0]["n"] == 40


async def test_work_runs_on_another_thread_and_its_error_reaches_the_caller():
    async def where() -> int:
        return threading.get_ident()

    assert await run_off_loop(where) != threading.get_ident()

    async def fails() -> None:
        raise LookupError("no such period")

    try:
        await run_off_loop(fails)
    except LookupError as exc:
        assert str(exc) == "no such period"
    else:
        raise AssertionError("the error was lost")


async def test_inside_a_transaction_the_work_joins_it_and_is_undone_with_it():
    """A thread could not join the caller's transaction (it would wait for the lock the caller holds)."""
    partner_id = await factories.partner()

    class Undo(Exception):
        pass

    try:
        async with write_transaction():
            assert await run_off_loop(ledger.post_batch, _specs(partner_id, 10, "t")) == 10
            raise Undo()
    except Undo:
        pass
    assert await ledger.balance(partner_id, "cash_payable") == 0
