"""The in-app notifications table."""

from piccolo.columns import OnDelete, JSON, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import User


class Notification(Table, tablename="notification"):
    """One message for one user; its text is a msgid with params, translated when shown."""

    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=40)
    msgid = Varchar(length=300)
    params = JSON(default="{}")
    link = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
