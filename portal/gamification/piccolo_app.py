"""Piccolo app for the game layer (tiers, badges, streaks, leagues, contests)."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="gamification",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["portal.gamification.tables"], exclude_imported=True),
    migration_dependencies=["portal.accounts.piccolo_app", "portal.products.piccolo_app",
                            "portal.claims.piccolo_app", "portal.ledger.piccolo_app"],
    commands=[],
)
