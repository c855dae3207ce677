"""The data revision triggers, generated from the registry (portal/revisions/registry.py).

Partner tables move the partner's revision (scope = the partner id); reference data everyone sees moves
scope 0. SQLite has one writer at a time, so its triggers bump the row in the writing transaction.
PostgreSQL triggers only append to data_touch (no lock taken, so no deadlock between transactions
touching several partners); portal.revisions.services.flush bumps the rows after the commit.

Migrations never call this module: a migration must mean the same thing forever, so
``python -m portal.revisions.triggers`` writes a new migration holding the generated SQL itself
(frozen, as Piccolo freezes columns), plus the previous migration's SQL for going backwards. The
tests compare the newest such migration and the live database's triggers with what the registry
generates now, so a registry line without its migration fails.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pprint
import re
import sys
from pathlib import Path

from portal.revisions.registry import TABLES, Exempt, Partner, Reference

PREFIX = "rev_"  # every data revision trigger's name starts with it; nothing else's may
MIGRATIONS = Path(__file__).parent / "piccolo_migrations"

_BUMP = "INSERT INTO data_revision (scope, rev) VALUES ({}, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1;"

POSTGRES_FUNCTIONS = [
    # one row per changed partner and statement; the flush after the commit bumps data_revision
    "CREATE OR REPLACE FUNCTION data_touch_rows() RETURNS trigger AS $$ BEGIN "
    "INSERT INTO data_touch (scope) "
    "SELECT DISTINCT (to_jsonb(r) ->> TG_ARGV[0])::bigint FROM new_rows r WHERE to_jsonb(r) ->> TG_ARGV[0] IS NOT NULL; "
    "RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION data_touch_old_rows() RETURNS trigger AS $$ BEGIN "
    "INSERT INTO data_touch (scope) "
    "SELECT DISTINCT (to_jsonb(r) ->> TG_ARGV[0])::bigint FROM old_rows r WHERE to_jsonb(r) ->> TG_ARGV[0] IS NOT NULL; "
    "RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION data_touch_global() RETURNS trigger AS $$ BEGIN "
    "INSERT INTO data_touch (scope) VALUES (0); RETURN NULL; END $$ LANGUAGE plpgsql",
    # partner("col", via="table.pcol"): the partners of the rows the changed rows point at
    "CREATE OR REPLACE FUNCTION data_touch_rows_via() RETURNS trigger AS $$ BEGIN "
    "EXECUTE format('INSERT INTO data_touch (scope) SELECT DISTINCT t.%I FROM %I t WHERE t.%I IS NOT NULL AND t.id IN "
    "(SELECT (to_jsonb(r) ->> %L)::bigint FROM new_rows r)', TG_ARGV[2], TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]); "
    "RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION data_touch_old_rows_via() RETURNS trigger AS $$ BEGIN "
    "EXECUTE format('INSERT INTO data_touch (scope) SELECT DISTINCT t.%I FROM %I t WHERE t.%I IS NOT NULL AND t.id IN "
    "(SELECT (to_jsonb(r) ->> %L)::bigint FROM old_rows r)', TG_ARGV[2], TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]); "
    "RETURN NULL; END $$ LANGUAGE plpgsql",
]

Registry = dict[str, Partner | Reference | Exempt]


def sqlite_statements(tables: Registry = TABLES) -> list[str]:
    out = []
    for table, scope in tables.items():
        if isinstance(scope, Partner):
            new, old = _sqlite_partner(scope, "NEW"), _sqlite_partner(scope, "OLD")
            out += [
                f"CREATE TRIGGER rev_{table}_insert AFTER INSERT ON {table} WHEN {new} IS NOT NULL "
                f"BEGIN {_BUMP.format(new)} END",
                f"CREATE TRIGGER rev_{table}_update_new AFTER UPDATE ON {table} WHEN {new} IS NOT NULL "
                f"BEGIN {_BUMP.format(new)} END",
                f"CREATE TRIGGER rev_{table}_update_old AFTER UPDATE ON {table} "
                f"WHEN {old} IS NOT NULL AND {old} IS NOT {new} BEGIN {_BUMP.format(old)} END",
                f"CREATE TRIGGER rev_{table}_delete AFTER DELETE ON {table} WHEN {old} IS NOT NULL "
                f"BEGIN {_BUMP.format(old)} END",
            ]
        elif isinstance(scope, Reference):
            for event in ("insert", "update", "delete"):
                out.append(f"CREATE TRIGGER rev_{table}_{event} AFTER {event.upper()} ON {table} "
                           f"BEGIN {_BUMP.format(0)} END")
    return out


def _sqlite_partner(scope: Partner, row: str) -> str:
    if scope.via is None:
        return f"{row}.{scope.column}"
    return f"(SELECT {scope.via_column} FROM {scope.via_table} WHERE id = {row}.{scope.column})"


def postgres_statements(tables: Registry = TABLES) -> list[str]:
    out = list(POSTGRES_FUNCTIONS)
    for table, scope in tables.items():
        if isinstance(scope, Partner):
            via = "_via" if scope.via else ""
            args = f"'{scope.column}'" + (f", '{scope.via_table}', '{scope.via_column}'" if scope.via else "")
            # statement-level with transition tables: one insert per statement, however many rows it wrote
            out += [
                f"CREATE TRIGGER rev_{table}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows{via}({args})",
                f"CREATE TRIGGER rev_{table}_update_new AFTER UPDATE ON {table} REFERENCING NEW TABLE AS new_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows{via}({args})",
                f"CREATE TRIGGER rev_{table}_update_old AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows{via}({args})",
                f"CREATE TRIGGER rev_{table}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows{via}({args})",
            ]
        elif isinstance(scope, Reference):
            out.append(f"CREATE TRIGGER rev_{table} AFTER INSERT OR DELETE OR UPDATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_global()")
    return out


def normalise(statement: str) -> str:
    """One spelling of a trigger's SQL, as we write it and as the database gives it back."""
    text = re.sub(r"\s+", " ", statement).strip()
    text = text.replace(" IF NOT EXISTS ", " ").replace(" ON public.", " ON ")
    return text


async def installed() -> dict[str, str]:
    """The data revision triggers in the connected database: name -> normalised SQL."""
    from portal.db import is_sqlite, read

    if is_sqlite():
        rows = await read("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 4) = {}",
                          PREFIX)
    else:
        rows = await read("SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS sql FROM pg_trigger t "
                          "WHERE NOT t.tgisinternal AND substr(t.tgname, 1, 4) = {}", PREFIX)
    return {row["name"]: normalise(row["sql"]) for row in rows}


def expected(sqlite: bool, tables: Registry = TABLES) -> dict[str, str]:
    """What installed() should answer for the registry: name -> normalised SQL."""
    statements = sqlite_statements(tables) if sqlite else postgres_statements(tables)
    return {trigger_name(s): normalise(s) for s in statements if s.startswith("CREATE TRIGGER")}


def trigger_name(statement: str) -> str:
    return normalise(statement).split()[2]


# --- the migration writer -------------------------------------------------------------------------

_TEMPLATE = '''"""Data revision triggers, generated from portal/revisions/registry.py by
`python -m portal.revisions.triggers`. Frozen SQL: never edit it; change the registry and generate
a new migration. forwards() drops every data revision trigger there is and creates these; backwards()
does the same with the previous migration's set.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "{id}"
VERSION = "{version}"
DESCRIPTION = "data revision triggers from the registry"

SQLITE = {sqlite}

POSTGRES = {postgres}

PREVIOUS_SQLITE = {previous_sqlite}

PREVIOUS_POSTGRES = {previous_postgres}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="revisions", description=DESCRIPTION)

    async def create_triggers():
        await _replace(SQLITE, POSTGRES)

    async def restore_triggers():
        await _replace(PREVIOUS_SQLITE, PREVIOUS_POSTGRES)

    manager.add_raw(create_triggers)
    manager.add_raw_backwards(restore_triggers)
    return manager


async def _replace(sqlite: list[str], postgres: list[str]) -> None:
    from piccolo.querystring import QueryString

    engine = engine_finder()
    on_sqlite = engine.engine_type == "sqlite"
    if on_sqlite:
        found = "SELECT name, '' AS tbl FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 4) = 'rev_'"
    else:
        found = ("SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                 "WHERE NOT t.tgisinternal AND substr(t.tgname, 1, 4) = 'rev_'")
    for row in await engine.run_querystring(QueryString(found)):
        drop = 'DROP TRIGGER IF EXISTS "' + row["name"] + '"' + ("" if on_sqlite else ' ON "' + row["tbl"] + '"')
        await engine.run_querystring(QueryString(drop))
    for statement in sqlite if on_sqlite else postgres:
        await engine.run_querystring(QueryString(statement))
'''


def _previous() -> tuple[list[str], list[str]]:
    """The trigger SQL of the newest revisions migration that has some (generated or the first, by hand)."""
    for path in sorted(MIGRATIONS.glob("revisions_*.py"), reverse=True):
        module = importlib.import_module(f"portal.revisions.piccolo_migrations.{path.stem}")
        if hasattr(module, "SQLITE"):
            return list(module.SQLITE), list(module.POSTGRES)
        if hasattr(module, "sqlite_statements"):
            return module.sqlite_statements(), module.postgres_statements()
    return [], []


def newest_generated():
    """The newest generated migration module (None before the first)."""
    for path in sorted(MIGRATIONS.glob("revisions_*.py"), reverse=True):
        module = importlib.import_module(f"portal.revisions.piccolo_migrations.{path.stem}")
        if hasattr(module, "SQLITE"):
            return module
    return None


def write_migration(now: dt.datetime | None = None) -> Path:
    import piccolo

    now = now or dt.datetime.now(dt.UTC)
    previous_sqlite, previous_postgres = _previous()
    name = "revisions_" + now.strftime("%Y_%m_%dt%H_%M_%S_%f")
    source = _TEMPLATE.format(
        id=now.strftime("%Y-%m-%dT%H:%M:%S:%f"), version=piccolo.__VERSION__,
        sqlite=_literal(sqlite_statements()), postgres=_literal(postgres_statements()),
        previous_sqlite=_literal(previous_sqlite), previous_postgres=_literal(previous_postgres))
    path = MIGRATIONS / f"{name}.py"
    path.write_text(source)
    return path


def _literal(statements: list[str]) -> str:
    return pprint.pformat(statements, width=110) if statements else "[]"


if __name__ == "__main__":
    sys.stdout.write(f"{write_migration()}\n")
