"""The audit log table. Rows are appended by portal.audit.services only, never changed."""

from __future__ import annotations

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """Who did what to which object, with the state before and after."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    # Plain ids and a label, not foreign keys: the log must outlive what it describes.
    actor_id = Integer(null=True, default=None, index=True)
    actor_label = Varchar(length=254, default="")
    action = Varchar(length=80, index=True)
    object_type = Varchar(length=50)
    object_id = Varchar(length=50, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    ip = Varchar(length=64, default="")
