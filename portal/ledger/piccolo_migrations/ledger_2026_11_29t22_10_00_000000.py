"""The database itself keeps the ledger's two hard rules, whoever writes: a partner's balance never goes below
zero, and a transfer, once written, is never updated or deleted.

The ledger service refuses first (InsufficientFunds, NotReversible: messages for the user); these are the
backstop for any other writer (a script, a console, a bug). Only partner accounts are guarded: the company's
accounts (points_issued, cash_issued, the adjustment accounts) are the contra side and run negative by design.
Corrections are new rows (a reversing transfer), so nothing the application does needs an UPDATE or DELETE of a
transfer. TRUNCATE (the tests' reset on PostgreSQL) fires no row trigger and stays possible.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "partner balances never below zero; transfers never updated or deleted"

NEGATIVE = "ledger_account_partner_non_negative"  # the name both databases report when a balance would go negative
IMMUTABLE = "ledger_transfer_immutable"  # the name both databases report when a transfer would change

SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS {NEGATIVE}_insert BEFORE INSERT ON ledger_account "
    f"WHEN NEW.partner IS NOT NULL AND NEW.balance < 0 BEGIN SELECT RAISE(ABORT, '{NEGATIVE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {NEGATIVE}_update BEFORE UPDATE OF balance, partner ON ledger_account "
    f"WHEN NEW.partner IS NOT NULL AND NEW.balance < 0 BEGIN SELECT RAISE(ABORT, '{NEGATIVE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {IMMUTABLE}_update BEFORE UPDATE ON ledger_transfer "
    f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}: transfers are never updated'); END",
    f"CREATE TRIGGER IF NOT EXISTS {IMMUTABLE}_delete BEFORE DELETE ON ledger_transfer "
    f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}: transfers are never deleted'); END",
]

POSTGRES = [
    f"ALTER TABLE ledger_account DROP CONSTRAINT IF EXISTS {NEGATIVE}",
    f"ALTER TABLE ledger_account ADD CONSTRAINT {NEGATIVE} CHECK (partner IS NULL OR balance >= 0)",
    f"CREATE OR REPLACE FUNCTION {IMMUTABLE}() RETURNS trigger AS $$ BEGIN "
    f"RAISE EXCEPTION '{IMMUTABLE}: transfers are never updated or deleted (%)', TG_OP "
    "USING ERRCODE = 'restrict_violation'; END $$ LANGUAGE plpgsql",
    f"DROP TRIGGER IF EXISTS {IMMUTABLE} ON ledger_transfer",
    f"CREATE TRIGGER {IMMUTABLE} BEFORE UPDATE OR DELETE ON ledger_transfer "
    f"FOR EACH ROW EXECUTE FUNCTION {IMMUTABLE}()",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)

    async def create_guards():
        engine = engine_finder()
        for statement in SQLITE if engine.engine_type == "sqlite" else POSTGRES:
            await _run(engine, statement)

    async def drop_guards():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            statements = [f"DROP TRIGGER IF EXISTS {NEGATIVE}_insert", f"DROP TRIGGER IF EXISTS {NEGATIVE}_update",
                          f"DROP TRIGGER IF EXISTS {IMMUTABLE}_update", f"DROP TRIGGER IF EXISTS {IMMUTABLE}_delete"]
        else:
            statements = [f"ALTER TABLE ledger_account DROP CONSTRAINT IF EXISTS {NEGATIVE}",
                          f"DROP TRIGGER IF EXISTS {IMMUTABLE} ON ledger_transfer",
                          f"DROP FUNCTION IF EXISTS {IMMUTABLE}()"]
        for statement in statements:
            await _run(engine, statement)

    manager.add_raw(create_guards)
    manager.add_raw_backwards(drop_guards)
    return manager


async def _run(engine, statement: str) -> None:
    from piccolo.querystring import QueryString

    await engine.run_querystring(QueryString(statement))
