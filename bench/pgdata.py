"""Bench datasets on PostgreSQL (`make bench DB=pg`): the same rows as the SQLite dataset, copied once.

Each bench builds its dataset as an SQLite file (bench/common.py); on PostgreSQL the file's rows are copied into
a template database (migrated with the real migrations, rows loaded with COPY while triggers are off, as a
restore would, then the id sequences moved past the copied ids). Every server a bench starts gets its own clone
(`CREATE DATABASE … TEMPLATE …`, a file copy), so a bench that writes never changes the next one's data.
Clones are dropped when the bench process ends; templates stay, named after the dataset and the schema.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import decimal
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

ADMIN_URL = os.environ.get("PREMIA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CHUNK = 20_000
_clones: list[str] = []


def _url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def _admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_URL)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


async def _exists(name: str) -> bool:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_URL)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


def _timestamp(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


_CONVERT = {
    "timestamp with time zone": _timestamp,
    "timestamp without time zone": lambda v: dt.datetime.fromisoformat(str(v)),
    "date": lambda v: dt.date.fromisoformat(str(v)),
    "time without time zone": lambda v: dt.time.fromisoformat(str(v)),
    "boolean": bool,
    "integer": int,
    "bigint": int,
    "smallint": int,
    "numeric": lambda v: decimal.Decimal(str(v)),
    "double precision": float,
    "real": float,
    "uuid": lambda v: uuid.UUID(str(v)),
    "ARRAY": lambda v: json.loads(v) if isinstance(v, str) else v,
    "interval": lambda v: dt.timedelta(seconds=float(v)),
    "json": lambda v: v if isinstance(v, str) else json.dumps(v),
    "jsonb": lambda v: v if isinstance(v, str) else json.dumps(v),
}


async def _copy_rows(sqlite_path: Path, url: str) -> None:
    import asyncpg

    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    conn = await asyncpg.connect(url)
    try:
        tables = [r["table_name"] for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE' AND table_name <> 'migration'")]
        in_sqlite = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables = [t for t in tables if t in in_sqlite]
        await conn.execute("SET session_replication_role = replica")  # no triggers, no FK checks: a restore
        await conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        for table in tables:
            columns = await conn.fetch(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'"
                " AND table_name = $1 ORDER BY ordinal_position", table)
            names = [c["column_name"] for c in columns]
            convert = [_CONVERT.get(c["data_type"], str) for c in columns]
            cursor = source.execute(f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{table}"')
            while rows := cursor.fetchmany(CHUNK):
                records = [tuple(None if v is None else f(v) for f, v in zip(convert, row)) for row in rows]
                await conn.copy_records_to_table(table, records=records, columns=names)
            if "id" in names:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f"COALESCE((SELECT max(id) FROM \"{table}\"), 0) + 1, false)"
                    f" WHERE pg_get_serial_sequence('\"{table}\"', 'id') IS NOT NULL")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
        source.close()


def template_for(sqlite_path: Path, root: Path) -> str:
    """The PostgreSQL template holding ``sqlite_path``'s rows (built on first use)."""
    stat = sqlite_path.stat()
    tag = hashlib.sha256(f"{sqlite_path.resolve()}:{stat.st_size}".encode()).hexdigest()[:10]
    name = f"premia_bench_{sqlite_path.stem.replace('-', '_')[:30]}_{tag}"
    if asyncio.run(_exists(name)):
        return name
    building = name + "_building"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)', f'CREATE DATABASE "{building}"'))
    env = {k: v for k, v in os.environ.items() if k != "PREMIA_SQLITE_PATH"} | {"DATABASE_URL": _url(building)}
    subprocess.run([sys.executable, "-m", "portal.cli", "migrate"], env=env, cwd=root, check=True,
                   capture_output=True)
    asyncio.run(_copy_rows(sqlite_path, _url(building)))
    asyncio.run(_admin(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    return name


def clone_url(sqlite_path: Path, root: Path) -> str:
    """A fresh database with the dataset's rows for one server; dropped when the bench process ends."""
    template = template_for(sqlite_path, root)
    clone = f"premia_bench_run_{os.getpid()}_{len(_clones)}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)',
                       f'CREATE DATABASE "{clone}" TEMPLATE "{template}"'))
    _clones.append(clone)
    return _url(clone)


@atexit.register
def _drop_clones() -> None:
    for clone in _clones:
        try:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)'))
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
