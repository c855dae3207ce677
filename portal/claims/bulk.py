"""Bulk import of distributor sell-out files: a manager registers many claims on partners' behalf.

Each row goes through the very same submit() as the phone form, so it meets
the same checks. A row's idempotency key is derived from its content, so
uploading the same file again finds the claims it made the first time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from portal import exports
from portal.accounts.services import CurrentUser
from portal.accounts.tables import Partner
from portal.claims import services
from portal.errors import DomainError, ValidationFailed
from portal.i18n import gettext as _
from portal.imports.services import Progress, TooManyRows, read_table
from portal.products.tables import JobType, Product
from portal.settings import get_settings

ACCEPTED, DUPLICATE, REFUSED = "accepted", "already_imported", "refused"


@dataclass
class RowResult:
    line: int
    outcome: str
    claim_id: int | None
    message: str


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    report_name: str = ""

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def _date(raw: str) -> str:
    raw = raw.strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return raw
    return raw[:10]


def _row_key(row: dict) -> str:
    fields = ("inn", "sku", "job_code", "quantity", "serials", "sold_on", "amount", "customer_name")
    material = "|".join(str(row.get(k, "")).strip().upper() for k in fields)
    return "imp-" + hashlib.sha256(material.encode()).hexdigest()[:40]


def reports_dir() -> Path:
    return get_settings().app.var_dir / "imports"


async def import_claims(actor: CurrentUser, data: bytes, filename: str,
                        progress: Progress | None = None) -> ImportResult:
    """Submit every row as a claim of its partner. Nothing is written from a file over the row cap."""
    result = ImportResult()
    try:
        rows = read_table(data, filename)
    except TooManyRows as exc:
        result.rows.append(RowResult(0, REFUSED, None, exc.message))
        return result
    except Exception:
        result.rows.append(RowResult(0, REFUSED, None, _("The file could not be read as CSV or XLSX.")))
        return result
    partners = {p["inn"]: p["id"] for p in await Partner.select(Partner.id, Partner.inn).where(
        Partner.status == "active")}
    products = {p["sku"]: p["id"] for p in await Product.select(Product.id, Product.sku).where(
        Product.is_active.eq(True))}
    jobs = {j["code"]: j["id"] for j in await JobType.select(JobType.id, JobType.code)}
    for line, row in enumerate(rows, start=2):
        if progress:
            progress(line - 2, len(rows))
        inn = str(row.get("inn", "")).strip()
        partner_id = partners.get(inn)
        if partner_id is None:
            result.rows.append(RowResult(line, REFUSED, None, _("No active partner with INN %(inn)s.", inn=inn)))
            continue
        sku = str(row.get("sku", "")).strip().upper()
        job = str(row.get("job_code", "")).strip().upper()
        item = f"p:{products[sku]}" if sku in products else f"j:{jobs[job]}" if job in jobs else ""
        form = {
            "idempotency_key": _row_key(row),
            "item": item,
            "quantity": str(row.get("quantity") or "1"),
            "serials": re.sub(r"[\s,;]+", "\n", str(row.get("serials", ""))),
            "sold_on": _date(str(row.get("sold_on", ""))),
            "amount": str(row.get("amount", "")),
            "customer_name": str(row.get("customer_name", "")),
            "customer_city": str(row.get("customer_city", "")),
            "comment": str(row.get("comment", "")),
        }
        on_behalf = replace(actor, partner_id=partner_id)
        try:
            submitted = await services.submit(on_behalf, form, [])
        except ValidationFailed as exc:
            result.rows.append(RowResult(line, REFUSED, None, "; ".join(exc.errors.values())))
            continue
        except DomainError as exc:
            result.rows.append(RowResult(line, REFUSED, None, exc.message))
            continue
        outcome = ACCEPTED if submitted.created else DUPLICATE
        message = "" if submitted.created else _("Already imported earlier.")
        result.rows.append(RowResult(line, outcome, submitted.claim_id, message))
    result.report_name = _write_report(result)
    return result


def _write_report(result: ImportResult) -> str:
    name = secrets.token_hex(16) + ".csv"
    reports_dir().mkdir(parents=True, exist_ok=True)
    labels = {ACCEPTED: _("accepted"), DUPLICATE: _("already imported"), REFUSED: _("refused")}
    (reports_dir() / name).write_bytes(exports.to_csv(
        [_("Line"), _("Result"), _("Claim"), _("Reason")],
        [[r.line, labels[r.outcome], r.claim_id or "", r.message] for r in result.rows]))
    return name


def report_path(name: str) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{32}\.csv", name):
        return None
    path = reports_dir() / name
    return path if path.exists() else None
