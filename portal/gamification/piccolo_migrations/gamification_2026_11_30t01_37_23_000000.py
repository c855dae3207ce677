"""The leaderboard's indexes: a period's standings ranked by points or by % of plan (then the time the figure
was reached, then the partner), and the rolling board's window of day buckets and its kept sums. Composite and descending,
which Piccolo's auto migrations do not write."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T01:37:23:000000"
VERSION = "1.38.0"
DESCRIPTION = "leaderboard ranking indexes"

INDEXES = [
    "CREATE INDEX IF NOT EXISTS game_standing_points_rank ON game_standing (period, points DESC, points_at, partner)",
    "CREATE INDEX IF NOT EXISTS game_standing_pct_rank ON game_standing (period, pct_bp DESC, pct_at, partner)",
    "CREATE INDEX IF NOT EXISTS game_standing_day_window ON game_standing_day (day, partner, points, reached_at)",
    "CREATE INDEX IF NOT EXISTS game_rolling_rank ON game_rolling (points DESC, reached_at, partner)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gamification", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in INDEXES:
            await _run(engine, statement)

    async def drop_indexes():
        engine = engine_finder()
        for name in ("game_standing_points_rank", "game_standing_pct_rank", "game_standing_day_window",
                     "game_rolling_rank"):
            await _run(engine, f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager


async def _run(engine, statement: str) -> None:
    from piccolo.querystring import QueryString

    await engine.run_querystring(QueryString(statement))
