"""Test fixtures: a fresh real database per test, the app, clients and logins.

SQLite: the schema is migrated once into a template file, and each test gets a
copy of it (a file copy, well under a millisecond). PostgreSQL (when
PREMIA_TEST_DATABASE_URL is set): migrated once into a clean schema, and every
table is truncated before each test. The same tests run on both.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

_VAR = Path(tempfile.mkdtemp(prefix="premia-test-"))
os.environ["PREMIA_VAR_DIR"] = str(_VAR)
os.environ["PREMIA_COOKIE_SECURE"] = "false"
os.environ["PREMIA_ALLOWED_HOSTS"] = "testserver.local,testserver,127.0.0.1,localhost"
os.environ["PREMIA_METRICS"] = "true"  # /metrics is tested (tests/web/test_probes.py)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-use-0123456789")
_PG_URL = os.environ.get("PREMIA_TEST_DATABASE_URL") or ""
if _PG_URL:
    # A database of this run's own, made next to the one named: two runs on one server
    # (a developer and CI) never collide. Dropped when the session ends.
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(_PG_URL)
    _RUN_DB = f"premia_test_{os.getpid()}"
    os.environ["DATABASE_URL"] = urlunsplit(_parts._replace(path="/" + _RUN_DB))

    async def _create_run_db() -> None:
        import asyncpg

        admin = await asyncpg.connect(_PG_URL)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{_RUN_DB}"')
            await admin.execute(f'CREATE DATABASE "{_RUN_DB}"')
        finally:
            await admin.close()

    import asyncio as _asyncio

    _asyncio.run(_create_run_db())  # before the engine exists, so it never meets a missing database
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["PREMIA_SQLITE_PATH"] = str(_VAR / "template.sqlite3")

import asyncio  # noqa: E402

import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from litestar.testing import AsyncTestClient  # noqa: E402

from portal.accounts import passwords  # noqa: E402
from portal.db import engine, is_sqlite  # noqa: E402

# Tests hash many passwords; production parameters would cost 0.1 s each.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

ON_POSTGRES = bool(_PG_URL)


def _all_tables() -> list[str]:
    from piccolo.conf.apps import Finder

    return [t._meta.tablename for t in Finder().get_table_classes()]


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    assert result.success, result.message


def _build_schema() -> None:
    from portal.wiring import wire

    wire()  # the event subscriptions, as create_app() and the CLI make them, for tests that call services only
    db = engine()
    if is_sqlite():
        template = Path(db.path)
        template.unlink(missing_ok=True)
        asyncio.run(_migrate())
        with sqlite3.connect(template) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
    else:
        asyncio.run(_migrate())


@pytest.fixture(scope="session")
def schema_template() -> Path | None:
    _build_schema()
    yield Path(engine().path) if is_sqlite() else None
    if not is_sqlite():
        async def drop() -> None:
            import asyncpg

            admin = await asyncpg.connect(_PG_URL)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{_RUN_DB}" WITH (FORCE)')
            finally:
                await admin.close()

        asyncio.run(drop())


@pytest.fixture(autouse=True)
async def db(schema_template, tmp_path):
    """A fresh database for every test (and no page or reference value kept from another test's database)."""
    from portal.revisions.services import REFERENCE
    from portal.web.pagecache import PAGES

    PAGES.clear()
    REFERENCE.clear()
    database = engine()
    if schema_template is not None:
        path = tmp_path / "premia.sqlite3"
        shutil.copyfile(schema_template, path)
        database.path = str(path)
    else:
        tables = ", ".join(f'"{name}"' for name in _all_tables())
        await database._run_in_new_connection(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        await database.start_connection_pool(min_size=1, max_size=20)
    yield database
    if schema_template is not None:
        await database.close_pool()
    else:
        await database.close_connection_pool()


@pytest.fixture(scope="session")
def app():
    """One app for the session: it holds no data, and each client runs its own lifespan."""
    from portal.app import create_app

    return create_app()


@pytest.fixture
async def client(app):
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as c:
        c.follow_redirects = False
        yield c


@pytest.fixture
async def another_client(app):
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as c:
        c.follow_redirects = False
        yield c
