"""Piccolo app for periods."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="periods",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["portal.periods.tables"], exclude_imported=True),
    migration_dependencies=["portal.accounts.piccolo_app", "portal.claims.piccolo_app"],
    commands=[],
)
