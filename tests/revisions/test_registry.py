"""The page cache's contract is checked, not remembered: every table is registered or exempt, and the
database's triggers are the ones the registry generates."""

from __future__ import annotations

from piccolo.conf.apps import Finder

from portal.db import is_sqlite, write
from portal.revisions import services as revisions
from portal.revisions import triggers
from portal.revisions.registry import TABLES, Exempt, Partner, partner
from tests import factories as f


def _tables() -> dict[str, type]:
    return {t._meta.tablename: t for t in Finder().get_table_classes()}


def test_every_table_of_every_app_is_registered_or_exempt():
    missing = sorted(set(_tables()) - set(TABLES))
    assert not missing, (
        f"tables {missing} are neither registered nor exempt in portal/revisions/registry.py: add one line each "
        "(partner(...), REFERENCE or exempt('why')), then run `python -m portal.revisions.triggers`")


def test_the_registry_names_only_real_tables_and_columns():
    tables = _tables()
    assert not sorted(set(TABLES) - set(tables)), "registered tables that no Piccolo app has"
    for name, scope in TABLES.items():
        if isinstance(scope, Exempt):
            assert scope.reason.strip(), f"{name}: an exemption says why"
        if isinstance(scope, Partner):
            columns = {c._meta.db_column_name for c in tables[name]._meta.columns}
            assert scope.column in columns, f"{name}.{scope.column} does not exist"
            if scope.via:
                via = {c._meta.db_column_name for c in tables[scope.via_table]._meta.columns}
                assert scope.via_column in via, f"{scope.via} does not exist"


def test_the_newest_trigger_migration_is_generated_from_the_registry():
    migration = triggers.newest_generated()
    assert migration is not None
    assert (migration.SQLITE, migration.POSTGRES) == (triggers.sqlite_statements(), triggers.postgres_statements()), (
        "the registry changed but its migration was not generated: run `python -m portal.revisions.triggers`")


async def test_the_databases_triggers_are_the_registrys():
    assert await triggers.installed() == triggers.expected(is_sqlite())


async def test_the_trigger_migration_goes_back_to_the_previous_triggers_and_forth_again():
    migration = triggers.newest_generated()
    previous = migration.PREVIOUS_SQLITE if is_sqlite() else migration.PREVIOUS_POSTGRES
    try:
        await migration._replace(migration.PREVIOUS_SQLITE, migration.PREVIOUS_POSTGRES)
        assert set(await triggers.installed()) == {
            triggers.trigger_name(s) for s in previous if s.startswith("CREATE TRIGGER")}
    finally:
        await migration._replace(migration.SQLITE, migration.POSTGRES)
    assert await triggers.installed() == triggers.expected(is_sqlite())


async def test_a_table_registered_through_another_moves_the_partners_revision():
    """partner("col", via="table.col"): a child row moves the revision of its parent's partner."""
    one, two = await f.partner(), await f.partner()
    await _drop_probes()
    for statement in ("CREATE TABLE probe_parent (id BIGINT PRIMARY KEY, owner BIGINT)",
                      "CREATE TABLE probe_child (id BIGINT PRIMARY KEY, parent BIGINT, note TEXT)",
                      "INSERT INTO probe_parent (id, owner) VALUES (1, {}), (2, {})"):
        await write(statement, *([one, two] if "VALUES" in statement else []))
    registry = {"probe_child": partner("parent", via="probe_parent.owner")}
    functions = set(triggers.POSTGRES_FUNCTIONS)
    for statement in triggers.sqlite_statements(registry) if is_sqlite() else triggers.postgres_statements(registry):
        if statement not in functions:
            await write(statement)

    async def moved(action: str, *args) -> tuple[bool, bool]:
        before = (await revisions.current(one), await revisions.current(two))
        await write(action, *args)
        after = (await revisions.current(one), await revisions.current(two))
        return after[0].partner > before[0].partner, after[1].partner > before[1].partner

    try:
        assert await moved("INSERT INTO probe_child (id, parent, note) VALUES (10, 1, 'a')") == (True, False)
        assert await moved("UPDATE probe_child SET note = 'b' WHERE id = 10") == (True, False)
        assert await moved("UPDATE probe_child SET parent = 2 WHERE id = 10") == (True, True)
        assert await moved("DELETE FROM probe_child WHERE id = 10") == (False, True)
    finally:
        await _drop_probes()  # PostgreSQL keeps one database for the run


async def _drop_probes() -> None:
    for table in ("probe_child", "probe_parent"):
        await write(f"DROP TABLE IF EXISTS {table}")

