"""Piccolo tables of the accounts domain. Only portal.accounts writes them."""

from __future__ import annotations

from piccolo.columns import (
    OnDelete,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.roles import PartnerStatus, PartnerType, Role


class Partner(Table, tablename="partner"):
    """A dealer or installer company taking part in the program."""

    legal_name = Varchar(length=300, help_text="Legal name, e.g. ООО «Ромашка»")
    search_name = Varchar(length=300, default="", index=True,
                          help_text="legal_name case-folded: SQLite's LIKE folds ASCII only")
    inn = Varchar(length=12, unique=True, help_text="Russian tax id (10 or 12 digits, check digits valid)")
    region = Varchar(length=100, index=True)
    partner_group = Varchar(length=100, default="", index=True,
                            help_text="A named group (e.g. key dealers) for shared terms and plans")
    partner_type = Varchar(length=20, choices=PartnerType, default=PartnerType.DEALER.value)
    status = Varchar(length=20, choices=PartnerStatus, default=PartnerStatus.PENDING.value, index=True)
    address = Text(default="")
    phone = Varchar(length=40, default="")
    email = Varchar(length=254, default="")
    bank_name = Varchar(length=200, default="")
    bik = Varchar(length=9, default="")
    settlement_account = Varchar(length=20, default="")
    created_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls):
        from piccolo.columns.readable import Readable

        return Readable(template="%s (%s)", columns=[cls.legal_name, cls.inn])


class User(Table, tablename="portal_user"):
    """A person who logs in: partner staff or a company employee."""

    email = Varchar(length=254, unique=True, help_text="Stored lower-case; the login name")
    full_name = Varchar(length=200)
    search_name = Varchar(length=500, default="", help_text="full name and email, case-folded, for search")
    password_hash = Varchar(length=200)
    role = Varchar(length=20, choices=Role, index=True)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, null=True, index=True, help_text="Empty for company employees")
    is_active = Boolean(default=True)
    locale = Varchar(length=5, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)

    @classmethod
    def get_readable(cls):
        from piccolo.columns.readable import Readable

        return Readable(template="%s", columns=[cls.email])


class UserSession(Table, tablename="user_session"):
    """A signed-in browser. The cookie holds a random token; only its sha256 is stored.

    Every worker and host reads the same table, so sessions survive restarts and
    load balancing; deactivating a user or partner ends their sessions at once.
    """

    key_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_epoch = BigInt(index=True, help_text="Unix seconds; an integer compares the same on both databases")
    last_seen_epoch = BigInt(default=0, help_text="Unix seconds of the last request, to the minute (idle timeout)")
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=200, default="")


class Invitation(Table, tablename="invitation"):
    """A one-time link with which a partner admin brings in a colleague."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    email = Varchar(length=254)
    role = Varchar(length=20, choices=Role)
    token_hash = Varchar(length=64, unique=True, help_text="sha256 of the token; the token itself is never stored")
    invited_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class ApiToken(Table, tablename="api_token"):
    """A per-user bearer token for /api/v1; admins can revoke it."""

    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=100)
    prefix = Varchar(length=12, help_text="First characters, shown so people can tell tokens apart")
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class LoginThrottle(Table, tablename="login_throttle"):
    """Failed-login counters per account and per IP, shared by every worker.

    One row per key and window; the counter is bumped with an atomic upsert.
    """

    key = Varchar(length=300, unique=True)
    window_no = Integer(default=0, help_text="Unix time divided by the window length")
    failures = Integer(default=0)
