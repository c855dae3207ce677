"""Backups of the database: a consistent copy taken while the portal keeps serving, and its restore.

SQLite: SQLite's online backup API copies the live database page by page into a new file (readers and the
writer carry on; a copy is always of one committed state), which is checked with ``PRAGMA integrity_check``
before it is renamed into place. PostgreSQL: ``pg_dump --format=custom`` (restored with ``pg_restore``).
Media files are not in the database: the local media folder is copied with the backup when asked; an S3
bucket is backed up by its own versioning or replication (docs/deploy.md). This module holds no business
rule and writes no table.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


class BackupFailed(RuntimeError):
    """The copy could not be made or did not check out; nothing was left under the final name."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    media_files: int = 0


def default_name(now: dt.datetime | None = None, suffix: str = ".sqlite3") -> str:
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    return f"premia-{stamp}{suffix}"


def _integrity_ok(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:  # not a database at all
        return False


def _copy_sqlite(source: Path, target: Path) -> None:
    """Online backup of ``source`` into ``target`` (written under a temporary name, checked, renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(tmp)
    try:
        # 1,000 pages a step: the writer is never held off for long while a big database is copied.
        src.backup(dst, pages=1000)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()
    if not _integrity_ok(tmp):
        tmp.unlink(missing_ok=True)
        raise BackupFailed(f"the copy of {source} failed its integrity check")
    os.replace(tmp, target)


def _copy_media(media_dir: Path, target: Path) -> int:
    if not media_dir.is_dir():
        return 0
    shutil.copytree(media_dir, target, dirs_exist_ok=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


def backup_sqlite(database: Path, target: Path, media_dir: Path | None = None) -> BackupResult:
    if not database.exists():
        raise BackupFailed(f"there is no database at {database}")
    _copy_sqlite(database, target)
    media = _copy_media(media_dir, target.with_name(target.stem + "-media")) if media_dir else 0
    return BackupResult(path=target, size_bytes=target.stat().st_size, media_files=media)


def restore_sqlite(backup: Path, database: Path) -> None:
    """Put a backup in place of ``database``. The portal must be stopped: a running server keeps the old file open."""
    if not backup.exists() or not _integrity_ok(backup):
        raise BackupFailed(f"{backup} is not a sound SQLite backup")
    for leftover in (database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    _copy_sqlite(backup, database)


def _libpq_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    env = {"PGHOST": parts.hostname or "", "PGPORT": str(parts.port or 5432),
           "PGDATABASE": unquote(parts.path.lstrip("/")), "PGUSER": unquote(parts.username or "")}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return {k: v for k, v in env.items() if v}


def backup_postgres(url: str, target: Path) -> BackupResult:
    if shutil.which("pg_dump") is None:
        raise BackupFailed("pg_dump is not installed (Debian: postgresql-client)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    # The connection goes through libpq's environment, never the command line (`ps` would show a password).
    done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={tmp}"],
                          capture_output=True, text=True, env={**os.environ, **_libpq_env(url)})
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise BackupFailed(done.stderr.strip() or "pg_dump failed")
    os.replace(tmp, target)
    return BackupResult(path=target, size_bytes=target.stat().st_size)
