"""Products services: the catalogue of SKUs and job types, search and import.

Import upserts by SKU, so re-importing the same file updates rows in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import read as db_read, write_transaction
from portal.errors import NotFound, ValidationFailed
from portal.forms import AMOUNT, Errors, Field, clean, clean_text, parse_id
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.imports.services import Progress, TooManyRows, read_table  # noqa: F401 - read_table: the importers' reader
from portal.products.tables import JobType, Product
from portal.revisions.services import REFERENCE, Revision

MAX_PRICE_KOP = 100_000_000_00  # 100 million roubles


def _fold(*parts: str) -> str:
    return " ".join(p.casefold() for p in parts if p)


_PRICE = N_("Enter a price in roubles, e.g. 45 990,00.")
PRODUCT_FIELDS = {
    "sku": Field(max_length=64, pattern=r"[A-Z0-9][A-Z0-9._/-]{0,63}",
                 message=N_("Use letters, digits, dots, dashes and slashes.")),
    "name": Field(max_length=300),
    "category": Field(required=False, max_length=100),
    "unit_price": Field(AMOUNT, required=False, min_value=0, max_value=MAX_PRICE_KOP, default=0,
                            message=_PRICE, range_message=_PRICE),
    "serial_pattern": Field(required=False, max_length=200),
}


@dataclass(frozen=True)
class ProductData:
    sku: str
    name: str
    category: str
    unit_price_kop: int
    serial_pattern: str

    @classmethod
    def parse(cls, data: dict) -> ProductData:
        errors = Errors()
        values = clean(PRODUCT_FIELDS, {**data, "sku": clean_text(data.get("sku")).strip().upper()}, errors)
        if values["serial_pattern"]:
            try:
                re.compile(values["serial_pattern"])
            except (re.error, RecursionError, OverflowError):
                errors.add("serial_pattern", _("This is not a valid regular expression."))
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(unit_price_kop=values.pop("unit_price"), **values)

    def values(self) -> dict:
        return {"sku": self.sku, "name": self.name, "category": self.category,
                "unit_price_kop": self.unit_price_kop, "serial_pattern": self.serial_pattern,
                "search_name": _fold(self.sku, self.name)}


async def save_product(actor: Actor, data: ProductData, product_id: int | None = None) -> tuple[int, bool]:
    """Create or update by SKU (or by id when editing). Returns (id, created)."""
    async with write_transaction():
        if product_id is not None:
            existing = await Product.select().where(Product.id == product_id).first()
            if existing is None:
                raise NotFound()
            clash = await Product.select(Product.id).where((Product.sku == data.sku) & (Product.id != product_id)).first()
            if clash:
                raise ValidationFailed({"sku": _("A product with this SKU already exists.")})
        else:
            existing = await Product.select().where(Product.sku == data.sku).first()
        values = data.values()
        if existing is None:
            product = Product(**values)
            await product.save()
            await audit.record(actor, "product.created", "product", product.id, after=values)
            return product.id, True
        changed = {k: v for k, v in values.items() if existing.get(k) != v}
        if changed:
            await Product.update({getattr(Product, k): v for k, v in changed.items()}).where(
                Product.id == existing["id"])
            await audit.record(actor, "product.updated", "product", existing["id"],
                               before={k: existing.get(k) for k in changed}, after=changed)
        return existing["id"], False


async def set_product_active(actor: Actor, product_id: int, active: bool) -> None:
    async with write_transaction():
        rows = await Product.update({Product.is_active: active}).where(
            (Product.id == product_id) & (Product.is_active.eq(not active))).returning(Product.id)
        if rows:
            await audit.record(actor, "product.activated" if active else "product.deactivated", "product",
                               product_id, before={"is_active": not active}, after={"is_active": active})


async def create_job_type(actor: Actor, code: str, name: str) -> int:
    errors = Errors()
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{0,63}", code):
        errors.add("code", _("Use letters, digits, dots and dashes."))
    if not name.strip():
        errors.add("name", _("This field is required."))
    elif len(name.strip()) > 300:
        errors.add("name", _("At most %(n)s characters.", n=300))
    if not errors and await JobType.exists().where(JobType.code == code):
        errors.add("code", _("A job type with this code already exists."))
    if errors:
        raise ValidationFailed(dict(errors))
    async with write_transaction():
        job = JobType(code=code, name=name.strip(), search_name=_fold(code, name))
        await job.save()
        await audit.record(actor, "job_type.created", "job_type", job.id, after={"code": code, "name": name})
    return job.id


async def list_products(q: str = "", include_inactive: bool = True, limit: int = 200) -> list[dict]:
    query = Product.select().order_by(Product.sku).limit(limit)
    if q:
        query = query.where(Product.search_name.like(f"%{q.casefold()}%"))
    if not include_inactive:
        query = query.where(Product.is_active.eq(True))
    return await query


async def get_product(product_id: int) -> dict:
    row = await Product.select().where(Product.id == product_id).first()
    if row is None:
        raise NotFound()
    return row


async def list_job_types() -> list[dict]:
    return await JobType.select().order_by(JobType.code)


@dataclass(frozen=True)
class PickerItem:
    """One choice in the claim form's picker: a product ("p:12") or a job type ("j:3")."""

    key: str
    label: str
    has_serials: bool
    unit_price_kop: int
    serial_js: str = ""  # the serial pattern as a JavaScript RegExp source (js_pattern), "" when not checkable


_PY_ONLY = re.compile(r"\(\?[aiLmsux-]|\(\?>|[*+?}]\+|\\[AZ]")


def js_pattern(pattern: str) -> str:
    """The product's serial pattern as the claim form's script checks it as typed: the same rule the server
    applies with re.fullmatch, written for JavaScript's RegExp (named groups spelt its way). A pattern using
    what RegExp lacks (inline flags, atomic groups, possessive quantifiers) gives "": the browser then leaves
    the check to the server rather than check a different rule."""
    if not pattern:
        return ""
    js = pattern.replace("(?P<", "(?<")
    js = re.sub(r"\(\?P=(\w+)\)", r"\\k<\1>", js)
    return "" if _PY_ONLY.search(js) else js


async def search_items(q: str, limit: int = 15) -> list[PickerItem]:
    like = f"%{q.strip().casefold()}%"
    products = await Product.select(Product.id, Product.sku, Product.name, Product.serial_pattern,
                                    Product.unit_price_kop).where(
        Product.is_active.eq(True) & Product.search_name.like(like)).order_by(Product.name).limit(limit)
    jobs = await JobType.select(JobType.id, JobType.name).where(
        JobType.is_active.eq(True) & JobType.search_name.like(like)).order_by(JobType.name).limit(limit)
    items = [PickerItem(f"p:{p['id']}", f"{p['name']} ({p['sku']})", bool(p["serial_pattern"]), p["unit_price_kop"],
                        js_pattern(p["serial_pattern"])) for p in products]
    items += [PickerItem(f"j:{j['id']}", j["name"], False, 0) for j in jobs]
    return items[:limit]


async def item_choice(key: str, revision: Revision | None = None) -> PickerItem | None:
    item = await resolve_item(key, revision)
    if item is None:
        return None
    if item["kind"] == "product":
        return PickerItem(key, f"{item['name']} ({item['sku']})", bool(item["serial_pattern"]), item["unit_price_kop"],
                          js_pattern(item["serial_pattern"]))
    return PickerItem(key, item["name"], False, 0)


async def resolve_item(key: str, revision: Revision | None = None) -> dict | None:
    """The product or job type behind a picker key, if it exists and is active (do not change the dict).

    Given the request's data revision, it is kept per worker until reference data changes: read on every
    claim submitted and every live estimate.
    """
    kind, _, raw_id = key.partition(":")
    item_id = parse_id(raw_id)
    if item_id is None or kind not in ("p", "j"):
        return None
    return await REFERENCE.get(revision, ("item", key), lambda: _read_item(kind, item_id))


async def _read_item(kind: str, item_id: int) -> dict | None:
    if kind == "p":
        rows = await db_read("SELECT id, sku, name, category, unit_price_kop, serial_pattern FROM product "
                             "WHERE id = {} AND is_active = {}", item_id, True)
        return {"kind": "product", **rows[0]} if rows else None
    if kind == "j":
        rows = await db_read("SELECT id, code, name FROM job_type WHERE id = {} AND is_active = {}", item_id, True)
        return {"kind": "job", **rows[0]} if rows else None
    return None


# --- import -------------------------------------------------------------------------

@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


async def import_products(actor: Actor, data: bytes, filename: str, progress: Progress | None = None) -> ImportReport:
    """Upsert every valid row by SKU; report every invalid row with its line number. Nothing is written
    from a file over the row cap."""
    report = ImportReport()
    try:
        rows = read_table(data, filename)
    except TooManyRows as exc:
        report.errors.append((0, exc.message))
        return report
    except Exception:  # a file that is not a table at all
        report.errors.append((0, _("The file could not be read as CSV or XLSX.")))
        return report
    for line, row in enumerate(rows, start=2):
        if progress:
            progress(line - 2, len(rows))
        try:
            parsed = ProductData.parse(row)
        except ValidationFailed as exc:
            report.errors.append((line, "; ".join(f"{k}: {v}" for k, v in exc.errors.items())))
            continue
        _id, created = await save_product(actor, parsed)
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report
