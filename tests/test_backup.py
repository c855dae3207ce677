"""Backups: a copy taken while the portal runs restores into a database whose ledger verifies clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from portal import backup
from portal.db import engine, is_sqlite
from portal.ledger import services as ledger
from tests import factories as f

ROOT = Path(__file__).resolve().parents[1]


async def _some_books() -> dict[int, dict[str, int]]:
    partners = [await f.partner() for _ in range(3)]
    for n, partner in enumerate(partners, start=1):
        await ledger.accrue(f"backup-test:{n}", partner, "points", 100 * n, {"test": True})
    await ledger.release_due(hold_days=-1)
    await ledger.reserve("backup-test:order", partners[2], 120)
    return {p: await ledger.balances(p) for p in partners}


def _premia(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "portal.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not is_sqlite(), reason="the SQLite online backup")
async def test_an_sqlite_backup_restores_to_the_same_books_and_verifies_clean(tmp_path):
    books = await _some_books()
    source = Path(engine().path)
    done = _premia("backup", "--to", str(tmp_path / "copy.sqlite3"), "--no-media",
                   PREMIA_SQLITE_PATH=str(source))
    assert done.returncode == 0, done.stderr
    assert "backup:" in done.stdout

    restored = tmp_path / "restored.sqlite3"
    done = _premia("restore", "--yes", str(tmp_path / "copy.sqlite3"), PREMIA_SQLITE_PATH=str(restored))
    assert done.returncode == 0, done.stderr
    verified = _premia("ledger", "verify", PREMIA_SQLITE_PATH=str(restored))
    assert verified.returncode == 0 and "ledger: consistent" in verified.stdout, verified.stdout + verified.stderr

    engine().path = str(restored)  # read the restored file through the portal itself
    try:
        assert {p: await ledger.balances(p) for p in books} == books
    finally:
        engine().path = str(source)


@pytest.mark.skipif(not is_sqlite(), reason="the SQLite online backup")
def test_a_file_that_is_not_a_database_is_not_restored(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    target = tmp_path / "live.sqlite3"
    with pytest.raises(backup.BackupFailed):
        backup.restore_sqlite(junk, target)
    assert not target.exists()


@pytest.mark.skipif(is_sqlite() or shutil.which("pg_restore") is None, reason="pg_dump and pg_restore")
async def test_a_postgres_dump_restores_to_the_same_books_and_verifies_clean(tmp_path):
    books = await _some_books()
    url = os.environ["DATABASE_URL"]
    done = _premia("backup", "--to", str(tmp_path / "copy.pgdump"))
    assert done.returncode == 0, done.stderr

    restored_db = url.rsplit("/", 1)[1] + "_restored"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{restored_db}"')
        await admin.execute(f'CREATE DATABASE "{restored_db}"')
    finally:
        await admin.close()
    restored_url = url.rsplit("/", 1)[0] + "/" + restored_db
    try:
        loaded = subprocess.run(["pg_restore", "--no-owner", "-d", restored_url, str(tmp_path / "copy.pgdump")],
                                capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        verified = _premia("ledger", "verify", DATABASE_URL=restored_url)
        assert verified.returncode == 0 and "ledger: consistent" in verified.stdout, verified.stdout
        conn = await asyncpg.connect(restored_url)
        try:
            count = await conn.fetchval("SELECT count(*) FROM ledger_transfer")
        finally:
            await conn.close()
        assert count >= 4
    finally:
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
        finally:
            await admin.close()
    assert books
