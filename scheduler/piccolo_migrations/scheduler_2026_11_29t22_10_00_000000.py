"""Job runs get a lease: the owner (host:pid:token) renews lease_until while it runs (heartbeat_at), and a
run whose lease expired (its scheduler was killed) is taken over by another scheduler."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "job runs: lease, heartbeat and owner"


def _params(**extra):
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False}
    params.update(extra)
    return params


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)
    for name in ("lease_until", "heartbeat_at"):
        manager.add_column(
            table_class_name="JobRun", tablename="job_run", column_name=name, db_column_name=name,
            column_class_name="Timestamptz", column_class=Timestamptz,
            params=_params(default=None, null=True), schema=None)
    manager.add_column(
        table_class_name="JobRun", tablename="job_run", column_name="owner", db_column_name="owner",
        column_class_name="Varchar", column_class=Varchar, params=_params(length=120, default=""), schema=None)
    return manager
