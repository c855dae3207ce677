"""Tables of the products domain. Only portal.products writes them."""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Product(Table, tablename="product"):
    """A SKU partners sell; serial numbers, if any, must match serial_pattern."""

    sku = Varchar(length=64, unique=True)
    name = Varchar(length=300)
    search_name = Varchar(length=400, default="", index=True, help_text="sku and name, case-folded")
    category = Varchar(length=100, default="", index=True)
    unit_price_kop = BigInt(default=0, help_text="List price per unit, kopecks")
    serial_pattern = Varchar(length=200, default="", help_text="Regular expression a whole serial must match")
    is_active = Boolean(default=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class JobType(Table, tablename="job_type"):
    """Work registered without a product sale, e.g. a boiler installation or a service visit."""

    code = Varchar(length=64, unique=True)
    name = Varchar(length=300)
    search_name = Varchar(length=400, default="", index=True)
    is_active = Boolean(default=True)
