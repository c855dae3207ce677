"""Prize import: a CSV/XLSX table plus an optional ZIP of the images it names, reported row by row.

Columns: code, category, name, description, points, stock, variants ("S: 10; M: 5"), images ("a.jpg; b.jpg"),
active_from, active_to, min_tier, position, hidden. A row is saved with its images or not at all.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field

from catalog import services
from catalog.forms import PrizeData
from portal.audit.services import Actor
from portal.errors import DomainError, ValidationFailed
from portal.i18n import gettext as _
from portal.imports.services import Progress, TooManyRows, read_table
from portal.settings import get_settings

MAX_ZIP_MEMBERS = 5_000


@dataclass
class PrizeImportReport:
    created: int = 0
    updated: int = 0
    images: int = 0
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, problem)

    @property
    def ok(self) -> bool:
        return not self.lines


def _zip_members(data: bytes) -> dict[str, zipfile.ZipInfo] | str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return _("The images file is not a ZIP archive.")
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > MAX_ZIP_MEMBERS:
        return _("The archive holds more than %(n)s files.", n=MAX_ZIP_MEMBERS)
    return {i.filename.rsplit("/", 1)[-1].casefold(): i for i in infos}


async def import_prizes(actor: Actor, table: bytes, filename: str, images_zip: bytes | None = None,
                        progress: Progress | None = None) -> PrizeImportReport:
    """Save every valid row with its images. Nothing is written from a file over the row cap."""
    report = PrizeImportReport()
    try:
        rows = read_table(table, filename)
    except TooManyRows as exc:
        report.lines.append((0, "", exc.message))
        return report
    except Exception:  # not a table at all
        report.lines.append((0, "", _("The file could not be read as CSV or XLSX.")))
        return report
    members: dict[str, zipfile.ZipInfo] = {}
    archive = None
    if images_zip:
        found = _zip_members(images_zip)
        if isinstance(found, str):
            report.lines.append((0, "", found))
            return report
        members, archive = found, zipfile.ZipFile(io.BytesIO(images_zip))
    cap = get_settings().app.max_upload_mb * 1024 * 1024
    for line, row in enumerate(rows, start=2):
        if progress:
            progress(line - 2, len(rows))
        code = row.get("code", "")
        try:
            data = PrizeData.parse(row)
        except ValidationFailed as exc:
            report.lines.append((line, code, "; ".join(f"{k}: {v}" for k, v in exc.errors.items())))
            continue
        wanted = [n.strip() for n in row.get("images", "").replace(",", ";").split(";") if n.strip()]
        uploads, problem = [], ""
        for name in wanted:
            info = members.get(name.casefold())
            if info is None:
                problem = _("Image %(name)s is not in the archive.", name=name)
                break
            if info.file_size > cap:  # the declared size, checked before inflating anything
                problem = _("Image %(name)s is larger than %(mb)s MB.", name=name, mb=cap // (1024 * 1024))
                break
            if info.flag_bits & 0x1:  # encrypted: zipfile would ask for a password
                problem = _("Image %(name)s is encrypted in the archive.", name=name)
                break
            try:
                with archive.open(info) as fh:  # type: ignore[union-attr]
                    uploads.append(fh.read(cap + 1))
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
                    zlib.error):
                # a bad CRC, a truncated member, an unknown compression method
                problem = _("Image %(name)s is damaged in the archive.", name=name)
                break
        if problem:
            report.lines.append((line, code, problem))
            continue
        try:
            _prize_id, created, added = await services.save_prize_with_images(actor, data, uploads)
        except DomainError as exc:
            report.lines.append((line, code, exc.message))
            continue
        report.images += added
        report.created += created
        report.updated += not created
    return report
