"""Reward rules. A change makes a new version row; the old one is closed, never rewritten."""

from __future__ import annotations

from piccolo.columns import BigInt, Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Partner


class RewardRule(Table, tablename="reward_rule"):
    rule_key = Varchar(length=40, index=True, help_text="The rule across its versions")
    version = Integer(default=1)
    version_key = Varchar(length=60, unique=True, help_text='"<rule_key>:<version>"')
    name = Varchar(length=200)
    scope = Varchar(length=20, help_text="product, category, job_type or all")
    scope_value = Varchar(length=100, default="")
    kind = Varchar(length=20, help_text="per_unit, percent (value in basis points) or fixed")
    value = BigInt()
    unit = Varchar(length=10, help_text="points or kop")
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, null=True,
                         help_text="Set: this partner's own terms, overriding the general rule")
    partner_group = Varchar(length=100, default="", help_text="Set: terms for one partner group")
    valid_from = Date()
    valid_to = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    superseded_at = Timestamptz(null=True, default=None, index=True)
