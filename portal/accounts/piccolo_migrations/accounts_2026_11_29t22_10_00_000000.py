"""Sessions remember when they were last used, for the idle timeout (PREMIA_SESSION_IDLE)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "user_session.last_seen_epoch"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_column(
        table_class_name="UserSession",
        tablename="user_session",
        column_name="last_seen_epoch",
        db_column_name="last_seen_epoch",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
