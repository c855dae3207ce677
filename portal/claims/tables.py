"""Tables of the claims domain. Only portal.claims writes them."""

from __future__ import annotations

from piccolo.columns import OnDelete, JSON, BigInt, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.accounts.tables import Partner, User
from portal.products.tables import JobType, Product


class Claim(Table, tablename="claim"):
    """A sale or job a partner registered, waiting for or past a manager's decision."""

    partner = ForeignKey(references=Partner, on_delete=OnDelete.restrict, index=True)
    submitted_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    product = ForeignKey(references=Product, on_delete=OnDelete.restrict, null=True, index=True)
    job_type = ForeignKey(references=JobType, on_delete=OnDelete.restrict, null=True)
    quantity = Integer(default=1)
    amount_kop = BigInt(help_text="Sale or job amount, kopecks")
    sold_on = Date(help_text="Date of the sale or installation")
    serials = Text(default="", help_text="The serials as entered, one per line (the claim_serial rows own them)")
    customer_name = Varchar(length=200, default="")
    customer_city = Varchar(length=100, default="")
    customer_phone = Varchar(length=40, default="")
    comment = Text(default="")
    status = Varchar(length=20, default="submitted", index=True)
    flagged = Boolean(default=False, index=True, help_text="Has fraud flags a manager should see")
    idempotency_key = Varchar(length=64, unique=True, help_text="From the form: a double tap makes one claim")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    decided_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    decided_at = Timestamptz(null=True, default=None)
    decision_reason = Varchar(length=40, default="")
    decision_text = Text(default="")


class ClaimSerial(Table, tablename="claim_serial"):
    """One serial number, owned by one claim in the whole program (UNIQUE decides races)."""

    serial = Varchar(length=100, unique=True)
    claim = ForeignKey(references=Claim, on_delete=OnDelete.restrict, index=True)


class ClaimPhoto(Table, tablename="claim_photo"):
    claim = ForeignKey(references=Claim, on_delete=OnDelete.restrict, index=True)
    display_name = Varchar(length=64)
    thumb_name = Varchar(length=64)
    width = Integer()
    height = Integer()
    thumb_width = Integer()
    thumb_height = Integer()
    sha256 = Varchar(length=64, index=True)
    dhash = Varchar(length=16, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ClaimFlag(Table, tablename="claim_flag"):
    """Why a manager should look twice: a duplicate serial attempt, a reused photo."""

    claim = ForeignKey(references=Claim, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=40)
    detail = JSON(default="{}")
    created_at = Timestamptz(default=TimestamptzNow())


class ClaimEvent(Table, tablename="claim_event"):
    """The status history of a claim."""

    claim = ForeignKey(references=Claim, on_delete=OnDelete.restrict, index=True)
    from_status = Varchar(length=20, default="")
    to_status = Varchar(length=20)
    actor = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True)
    note = Text(default="")
    at = Timestamptz(default=TimestamptzNow())


class ClaimUpload(Table, tablename="claim_upload"):
    """A photo sent ahead of its claim form (an upload slot): checked and re-encoded like any claim photo, owned
    by the user who sent it, attached to their claim when the form is saved (the row then becomes a claim_photo
    and is deleted) or deleted with its files by the scheduler when left unused."""

    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    display_name = Varchar(length=64)
    thumb_name = Varchar(length=64)
    width = Integer()
    height = Integer()
    thumb_width = Integer()
    thumb_height = Integer()
    sha256 = Varchar(length=64)
    dhash = Varchar(length=16)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
