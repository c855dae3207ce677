"""The database itself refuses claims dated inside a closing or closed reporting period.

The claims service refuses first, with a message for the user; this trigger is the backstop for any other
writer (a script, a console, a bug). It guards inserts and changes of the fields that matter, not flags.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T12:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "claims in closed periods are refused by the database"

GUARDED = "status, sold_on, quantity, amount_kop, product, job_type, partner"

SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS claim_period_closed_insert BEFORE INSERT ON claim "
    "WHEN EXISTS (SELECT 1 FROM period WHERE status <> 'open' AND NEW.sold_on BETWEEN starts_on AND ends_on) "
    "BEGIN SELECT RAISE(ABORT, 'reporting period closed'); END",
    f"CREATE TRIGGER IF NOT EXISTS claim_period_closed_update BEFORE UPDATE OF {GUARDED} ON claim "
    "WHEN EXISTS (SELECT 1 FROM period WHERE status <> 'open' AND "
    "(OLD.sold_on BETWEEN starts_on AND ends_on OR NEW.sold_on BETWEEN starts_on AND ends_on)) "
    "BEGIN SELECT RAISE(ABORT, 'reporting period closed'); END",
]

POSTGRES = [
    "CREATE OR REPLACE FUNCTION claim_period_guard() RETURNS trigger AS $$ BEGIN "
    "IF EXISTS (SELECT 1 FROM period WHERE status <> 'open' AND NEW.sold_on BETWEEN starts_on AND ends_on) "
    "OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM period WHERE status <> 'open' "
    "AND OLD.sold_on BETWEEN starts_on AND ends_on)) THEN "
    "RAISE EXCEPTION 'reporting period closed' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS claim_period_guard ON claim",
    f"CREATE TRIGGER claim_period_guard BEFORE INSERT OR UPDATE OF {GUARDED} ON claim "
    "FOR EACH ROW EXECUTE FUNCTION claim_period_guard()",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="periods", description=DESCRIPTION)

    async def create_triggers():
        engine = engine_finder()
        for statement in SQLITE if engine.engine_type == "sqlite" else POSTGRES:
            await _run(engine, statement)

    async def drop_triggers():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            statements = ["DROP TRIGGER IF EXISTS claim_period_closed_insert",
                          "DROP TRIGGER IF EXISTS claim_period_closed_update"]
        else:
            statements = ["DROP TRIGGER IF EXISTS claim_period_guard ON claim",
                          "DROP FUNCTION IF EXISTS claim_period_guard()"]
        for statement in statements:
            await _run(engine, statement)

    manager.add_raw(create_triggers)
    manager.add_raw_backwards(drop_triggers)
    return manager


async def _run(engine, statement: str) -> None:
    from piccolo.querystring import QueryString

    await engine.run_querystring(QueryString(statement))
