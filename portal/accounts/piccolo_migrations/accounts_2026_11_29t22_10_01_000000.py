"""Sessions open at the upgrade count as used just now: the idle timeout must not sign everyone out at once.

A separate migration because Piccolo runs a migration's raw statements before its column changes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T22:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "open sessions last seen at the upgrade"

SQLITE = "UPDATE user_session SET last_seen_epoch = CAST(strftime('%s', 'now') AS INTEGER)"
POSTGRES = "UPDATE user_session SET last_seen_epoch = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def touch_open_sessions():
        from piccolo.querystring import QueryString

        engine = engine_finder()
        await engine.run_querystring(QueryString(SQLITE if engine.engine_type == "sqlite" else POSTGRES))

    manager.add_raw(touch_open_sessions)
    return manager
