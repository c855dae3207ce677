"""Piccolo app for data revisions: its trigger migration needs every table it watches."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="revisions",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["portal.revisions.tables"], exclude_imported=True),
    migration_dependencies=[
        "portal.accounts.piccolo_app", "portal.products.piccolo_app", "portal.claims.piccolo_app",
        "portal.ledger.piccolo_app", "portal.rewards.piccolo_app", "portal.periods.piccolo_app",
        "portal.plans.piccolo_app", "catalog.piccolo_app",
        "portal.gamification.piccolo_app",
    ],
    commands=[],
)
