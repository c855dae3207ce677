"""Catalogue tables. Only the catalog package writes them; balances are the ledger's."""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Partner, User


class Prize(Table, tablename="prize"):
    code = Varchar(length=60, unique=True, help_text="The prize's code: imports update by it")
    category = Varchar(length=100, index=True)
    name = Varchar(length=200)
    search_name = Varchar(length=400, default="", index=True, help_text="name and code case-folded")
    description = Text(default="", help_text="Markdown; rendered without raw HTML")
    points = BigInt(help_text="Cost in points")
    stock = Integer(null=True, default=None, help_text="Units left; NULL: unlimited. With variants, theirs count")
    min_tier = Varchar(length=40, default="", help_text="Lowest tier allowed to order it; empty: everyone")
    active_from = Date(null=True, default=None)
    active_to = Date(null=True, default=None)
    hidden = Boolean(default=False, index=True)
    position = Integer(default=0, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class PrizeVariant(Table, tablename="prize_variant"):
    prize = ForeignKey(references=Prize, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60, help_text='e.g. "L" or "red"')
    stock = Integer(null=True, default=None)
    position = Integer(default=0)


class PrizeImage(Table, tablename="prize_image"):
    """One picture, as three WebP renditions made once at upload."""

    prize = ForeignKey(references=Prize, on_delete=OnDelete.restrict, index=True)
    position = Integer(default=0)
    thumb_name = Varchar(length=64)
    thumb_width = Integer()
    thumb_height = Integer()
    card_name = Varchar(length=64)
    card_width = Integer()
    card_height = Integer()
    full_name = Varchar(length=64)
    full_width = Integer()
    full_height = Integer()


class CartLine(Table, tablename="cart_line"):
    key = Varchar(length=60, unique=True, help_text='"<user>:<prize>:<variant or 0>"')
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    prize = ForeignKey(references=Prize, on_delete=OnDelete.restrict)
    variant = ForeignKey(references=PrizeVariant, on_delete=OnDelete.restrict, null=True)
    quantity = Integer(default=1)


class DeliveryProfile(Table, tablename="delivery_profile"):
    """The address and phone a user ordered with last time: the checkout starts from them."""

    user = ForeignKey(references=User, on_delete=OnDelete.restrict, unique=True)
    address = Text(default="")
    phone = Varchar(length=40, default="")
    recipient = Varchar(length=200, default="")


class OrderPolicy(Table, tablename="order_policy"):
    """A partner admin's rule: orders by their staff wait for their approval."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, unique=True)
    staff_orders_need_approval = Boolean(default=False)


class PrizeOrder(Table, tablename="prize_order"):
    """awaiting_approval -> placed -> confirmed -> shipped -> delivered, or cancelled before delivery."""

    key = Varchar(length=64, unique=True, help_text="The checkout form's token: a double tap makes one order")
    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    placed_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    status = Varchar(length=20, index=True)
    points = BigInt(help_text="Total reserved through the ledger")
    recipient = Varchar(length=200, default="")
    address = Text()
    phone = Varchar(length=40)
    tracking = Varchar(length=100, default="")
    cancel_reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderLine(Table, tablename="prize_order_line"):
    order = ForeignKey(references=PrizeOrder, on_delete=OnDelete.restrict, index=True)
    prize = ForeignKey(references=Prize, on_delete=OnDelete.restrict)
    variant = ForeignKey(references=PrizeVariant, on_delete=OnDelete.restrict, null=True)
    name = Varchar(length=260, help_text="Prize and variant as ordered")
    quantity = Integer()
    points = BigInt(help_text="Unit price when ordered")


class OrderEvent(Table, tablename="prize_order_event"):
    order = ForeignKey(references=PrizeOrder, on_delete=OnDelete.restrict, index=True)
    from_status = Varchar(length=20, default="")
    to_status = Varchar(length=20)
    actor = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    note = Text(default="")
    at = Timestamptz(default=TimestamptzNow())
