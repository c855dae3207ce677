"""Plans and the per-period sales summary they are measured against. Only portal.plans writes them."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Partner
from portal.products.tables import JobType, Product


class Plan(Table, tablename="plan"):
    """One version of a partner's (or a partner group's) plan for a period. A change makes a new
    version row and closes the old one; nothing is rewritten."""

    plan_key = Varchar(length=40, index=True, help_text="The plan across its versions")
    version = Integer(default=1)
    version_key = Varchar(length=60, unique=True, help_text='"<plan_key>:<version>"')
    period = Varchar(length=10, index=True, help_text="Period code, e.g. 2026-11")
    name = Varchar(length=200)
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, null=True, index=True)
    partner_group = Varchar(length=100, default="", help_text="Set (and no partner): the plan of a group")
    targets = JSON(default="[]", help_text="Targets with their bonus ladders (plans.calc.Target.to_dict)")
    batch = Varchar(length=40, default="", index=True, help_text="Plans copied together from one template")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    superseded_at = Timestamptz(null=True, default=None, index=True)


class PlanSales(Table, tablename="plan_sales"):
    """Approved sales of one partner, period and item, summed as decisions happen (in the decision's
    transaction), so reading fulfilment costs the same at 20k claims as at 2M.
    ``verify_sales`` recomputes it from the claims."""

    key = Varchar(length=80, unique=True, help_text='"<partner>:<period>:p<product>" or ":j<job type>"')
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=10, index=True)
    product = ForeignKey(references=Product, on_delete=OnDelete.restrict, null=True)
    job_type = ForeignKey(references=JobType, on_delete=OnDelete.restrict, null=True)
    quantity = BigInt(default=0)
    amount_kop = BigInt(default=0)
    points = BigInt(default=0, help_text="Base points accrued for these sales")
    cash_kop = BigInt(default=0, help_text="Base cash accrued for these sales")
    claims = Integer(default=0)


class PlanStamp(Table, tablename="plan_stamp"):
    """A period's revision: bumped in the same transaction as every change to its plans or sales, so a
    worker can keep evaluated fulfilment in memory and know, with one indexed read, when it went stale."""

    period = Varchar(length=10, unique=True)
    revision = BigInt(default=0)
