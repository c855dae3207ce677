"""Piccolo configuration: only DB and APP_REGISTRY (as in Piccolo's scaffold).

SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
"""

from piccolo.conf.apps import AppRegistry

from portal.db import make_engine
from portal.settings import get_settings

DB = make_engine(get_settings().db)

APP_REGISTRY = AppRegistry(
    apps=[
        "portal.accounts.piccolo_app",
        "portal.audit.piccolo_app",
        "portal.products.piccolo_app",
        "portal.claims.piccolo_app",
        "portal.notifications.piccolo_app",
        "portal.ledger.piccolo_app",
        "portal.rewards.piccolo_app",
        "portal.periods.piccolo_app",
        "portal.plans.piccolo_app",
        "catalog.piccolo_app",
        "portal.gamification.piccolo_app",
        "scheduler.piccolo_app",
        "portal.revisions.piccolo_app",
    ]
)
