"""Triggers that move data revisions whenever what a partner sees changes.

Partner tables move the partner's revision (scope = the partner id); reference data everyone sees moves
scope 0. SQLite has one writer at a time, so its triggers bump the row in the writing transaction.
PostgreSQL triggers only append to data_touch (no lock taken, so no deadlock between transactions
touching several partners); portal.revisions.services.flush bumps the rows after the commit.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T14:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "data revision triggers"

# table -> the column naming the partner whose pages show the row (NULL: a company row, skipped)
PARTNER_TABLES = {
    "partner": "id",
    "portal_user": "partner",
    "claim": "partner",
    "plan_sales": "partner",
    "ledger_account": "partner",
    "ledger_lot": "partner",
    "prize_order": "partner",
    "order_policy": "partner",
}
# reference data: every partner's pages may show it (a plan without a partner is a group's plan)
GLOBAL_TABLES = ["plan", "reward_rule", "period", "product", "job_type", "prize", "prize_variant", "prize_image"]

_BUMP = "INSERT INTO data_revision (scope, rev) VALUES ({}, 1) ON CONFLICT (scope) DO UPDATE SET rev = rev + 1;"


def sqlite_statements() -> list[str]:
    out = []
    for table, column in PARTNER_TABLES.items():
        new, old = f"NEW.{column}", f"OLD.{column}"
        out += [
            f"CREATE TRIGGER IF NOT EXISTS rev_{table}_insert AFTER INSERT ON {table} WHEN {new} IS NOT NULL "
            f"BEGIN {_BUMP.format(new)} END",
            f"CREATE TRIGGER IF NOT EXISTS rev_{table}_update_new AFTER UPDATE ON {table} WHEN {new} IS NOT NULL "
            f"BEGIN {_BUMP.format(new)} END",
            f"CREATE TRIGGER IF NOT EXISTS rev_{table}_update_old AFTER UPDATE ON {table} "
            f"WHEN {old} IS NOT NULL AND {old} IS NOT {new} BEGIN {_BUMP.format(old)} END",
            f"CREATE TRIGGER IF NOT EXISTS rev_{table}_delete AFTER DELETE ON {table} WHEN {old} IS NOT NULL "
            f"BEGIN {_BUMP.format(old)} END",
        ]
    for table in GLOBAL_TABLES:
        for event in ("insert", "update", "delete"):
            out.append(f"CREATE TRIGGER IF NOT EXISTS rev_{table}_{event} AFTER {event.upper()} ON {table} "
                       f"BEGIN {_BUMP.format(0)} END")
    return out


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
]


def postgres_statements() -> list[str]:
    out = list(POSTGRES_FUNCTIONS)
    for table, column in PARTNER_TABLES.items():
        # statement-level with transition tables: one insert per statement, however many rows it wrote
        out += [
            f"CREATE TRIGGER rev_{table}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('{column}')",
            f"CREATE TRIGGER rev_{table}_update_new AFTER UPDATE ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_rows('{column}')",
            f"CREATE TRIGGER rev_{table}_update_old AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('{column}')",
            f"CREATE TRIGGER rev_{table}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION data_touch_old_rows('{column}')",
        ]
    for table in GLOBAL_TABLES:
        out.append(f"CREATE TRIGGER rev_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION data_touch_global()")
    return out


def _drop_statements(sqlite: bool) -> list[str]:
    out = []
    for table in PARTNER_TABLES:
        out += [f"DROP TRIGGER IF EXISTS rev_{table}_{n}" + ("" if sqlite else f" ON {table}")
                for n in ("insert", "update_new", "update_old", "delete")]
    for table in GLOBAL_TABLES:
        if sqlite:
            out += [f"DROP TRIGGER IF EXISTS rev_{table}_{n}" for n in ("insert", "update", "delete")]
        else:
            out.append(f"DROP TRIGGER IF EXISTS rev_{table} ON {table}")
    if not sqlite:
        out += ["DROP FUNCTION IF EXISTS data_touch_rows()", "DROP FUNCTION IF EXISTS data_touch_old_rows()",
                "DROP FUNCTION IF EXISTS data_touch_global()"]
    return out


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="revisions", description=DESCRIPTION)

    async def create_triggers():
        engine = engine_finder()
        for statement in sqlite_statements() if engine.engine_type == "sqlite" else postgres_statements():
            await _run(engine, statement)

    async def drop_triggers():
        engine = engine_finder()
        for statement in _drop_statements(engine.engine_type == "sqlite"):
            await _run(engine, statement)

    manager.add_raw(create_triggers)
    manager.add_raw_backwards(drop_triggers)
    return manager


async def _run(engine, statement: str) -> None:
    from piccolo.querystring import QueryString

    await engine.run_querystring(QueryString(statement))
