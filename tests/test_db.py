"""The write path every service uses: concurrent transactions (grouped into one COMMIT on SQLite, when
group commit is on), a COMMIT that fails, and the after-commit hooks."""

from __future__ import annotations

import ast
import asyncio
import sqlite3
from pathlib import Path

import pytest

from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import is_sqlite, read, write, write_transaction
from tests.conftest import ON_POSTGRES


@pytest.fixture(autouse=True, params=["grouped", "one_by_one"])
def group_commit(request, db):
    """Every test here runs with SQLite group commit on (the default) and off (PREMIA_SQLITE_GROUP_COMMIT=false)."""
    if request.param == "one_by_one" and not is_sqlite():
        pytest.skip("group commit is SQLite's")
    if is_sqlite():
        db.group_commit = request.param == "grouped"
        yield db.group_commit
        db.group_commit = True
    else:
        yield False


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


def _count_commits(monkeypatch) -> list:
    """The physical COMMITs of the SQLite writer (one per group)."""
    from portal.db.group import GroupCommit

    commits: list = []
    original = GroupCommit._commit_group

    async def counted(self, conn, lock, members):
        commits.append(len(members))
        return await original(self, conn, lock, members)

    monkeypatch.setattr(GroupCommit, "_commit_group", counted)
    return commits


@pytest.mark.skipif(ON_POSTGRES, reason="group commit is SQLite's")
async def test_concurrent_writers_share_commits_only_when_group_commit_is_on(group_commit, monkeypatch):
    commits = _count_commits(monkeypatch)

    async def write_one(n: int) -> None:
        async with write_transaction():
            await audit.record(Actor(id=None, label="test"), "test.write", "test", f"g{n}")
            await asyncio.sleep(0)

    await asyncio.gather(*(write_one(n) for n in range(20)))
    for n in range(20):
        assert await _count(f"g{n}") == 1
    if group_commit:
        assert len(commits) < 20
    else:
        assert len(commits) == 20 and set(commits) == {0}


@pytest.mark.skipif(ON_POSTGRES, reason="the writer connection and its COMMIT thread are SQLite's")
async def test_closing_the_pool_waits_for_a_commit_still_running(db, monkeypatch):
    """The test teardown and an off-loop worker's end close the loop's writer; a COMMIT still running in its
    thread then worked on a closed connection (and, mid-statement, crashed the process)."""
    from portal.db.group import GroupCommit

    original = GroupCommit._commit_group
    committing = asyncio.Event()

    async def slow(self, conn, lock, members):
        committing.set()
        await asyncio.sleep(0.3)
        return await original(self, conn, lock, members)

    monkeypatch.setattr(GroupCommit, "_commit_group", slow)

    async def write_one() -> None:
        async with write_transaction():
            await audit.record(Actor(id=None, label="test"), "test.write", "test", "closing")

    writer = asyncio.create_task(write_one())
    await committing.wait()
    await db.close_pool()
    await writer
    assert sqlite3.connect(db.path).execute(
        "SELECT COUNT(*) FROM audit_entry WHERE object_id = 'closing'").fetchone()[0] == 1


async def _bad_foreign_key_at_commit() -> None:
    """A row whose foreign key is checked only at COMMIT: the transaction ends well, its COMMIT fails."""
    await write("PRAGMA defer_foreign_keys = ON")
    await write("INSERT INTO notification (\"user\", kind, msgid, params, link, created_at) "
                "VALUES ({}, 'test', 'test', '{{}}', '', CURRENT_TIMESTAMP)", 987654321)


@pytest.mark.skipif(ON_POSTGRES, reason="a group's COMMIT is SQLite's (PostgreSQL commits each transaction)")
async def test_a_failed_commit_fails_every_member_of_its_group_and_leaves_nothing(group_commit):
    actor = Actor(id=None, label="test")
    started = asyncio.Event()

    async def member(n: int) -> None:
        async with write_transaction():
            await audit.record(actor, "test.write", "test", f"m{n}")
            if n == 0:
                started.set()
            await asyncio.sleep(0.01)  # the others queue behind the first: one group
            if n == 3:
                await _bad_foreign_key_at_commit()

    async def later(n: int) -> None:
        await started.wait()
        await member(n)

    results = await asyncio.gather(member(0), *(later(n) for n in range(1, 8)), return_exceptions=True)
    failed = {n for n, r in enumerate(results) if isinstance(r, sqlite3.IntegrityError)}
    assert all(r is None or isinstance(r, sqlite3.IntegrityError) for r in results), results
    if group_commit:
        assert failed == set(range(8))  # the whole group shared the failed COMMIT
    else:
        assert failed == {3}  # alone in its COMMIT
    for n in range(8):
        assert await _count(f"m{n}") == (0 if n in failed else 1)
    assert (await read("SELECT COUNT(*) AS n FROM notification"))[0]["n"] == 0
    async with write_transaction():  # the writer connection is usable again
        await audit.record(actor, "test.write", "test", "after")
    assert await _count("after") == 1


async def test_after_commit_hooks_run_once_per_outermost_committed_transaction(monkeypatch):
    from portal.db import hooks

    monkeypatch.setattr(hooks, "_HOOKS", list(hooks._HOOKS))
    ran: list[int] = []

    async def hook() -> None:
        ran.append(await _count("hooked"))  # the work is committed when the hook runs

    hooks.on_commit(hook)
    hooks.on_commit(hook)  # registering twice registers once
    actor = Actor(id=None, label="test")
    async with write_transaction():
        async with write_transaction():
            await audit.record(actor, "test.write", "test", "hooked")
        assert ran == []
    assert ran == [1]
    with pytest.raises(Boom):
        async with write_transaction():
            raise Boom()
    assert ran == [1]


def test_the_database_layer_imports_no_domain():
    """portal.db is a shared leaf: domains hook in (on_commit), the layer never imports them."""
    allowed = ("portal.db", "portal.settings")
    for path in Path(__file__).resolve().parent.parent.joinpath("portal", "db").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.startswith(("portal", "catalog", "scheduler")):
                    assert name.startswith(allowed), f"{path.name} imports {name}"


def test_group_commit_is_a_setting(monkeypatch, tmp_path):
    from portal.db import make_engine
    from portal.settings import load_settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PREMIA_SQLITE_PATH", str(tmp_path / "x.sqlite3"))
    assert load_settings().db.sqlite_group_commit is True
    assert make_engine(load_settings().db).group_commit is True
    monkeypatch.setenv("PREMIA_SQLITE_GROUP_COMMIT", "false")
    assert make_engine(load_settings().db).group_commit is False
