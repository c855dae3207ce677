"""Upload slots: claim photos sent ahead of their form, so a slow phone sends each photo once.

The claim form's script sends each picked photo (shrunk in the browser) to ``store()`` as soon as it is
picked; the form then carries only the slots' ids (``upload``). A form refused for another field keeps its
slots, and a form sent without JavaScript keeps its full-size photos as slots too, so a typo in a serial never
costs a second upload. The server never trusts the browser's copy: a slot goes through the same Pillow
pipeline (``portal.media.images``) as a photo sent with the form.

Rules this module guards:
- a slot belongs to the user who sent it; anyone else's id is refused as if it did not exist;
- ``take()`` consumes slots inside the claim's write transaction with one DELETE ... RETURNING, so two
  saves racing for the same slot attach it once (the loser sees it as used and is refused, rolled back);
- a slot older than ``upload_slot_hours`` is expired: not taken, and ``delete_stale()`` (the scheduler)
  deletes it with its files. A slot's files live where claim photos live, so taking one moves no bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import anyio.to_thread

from portal.accounts.services import CurrentUser
from portal.claims.tables import ClaimUpload
from portal.db import read as db_read, utcnow, write as db_write, write_transaction
from portal.errors import NotFound, ValidationFailed
from portal.forms import parse_ids
from portal.i18n import gettext as _
from portal.media import images
from portal.settings import get_settings

MEDIA_FOLDER = "claims"  # the same folder as claim photos: a taken slot's files become the photo's files
MAX_OPEN_SLOTS = 40  # unused slots one user may hold at a time: a form holds at most 10 photos


def _cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or utcnow()) - dt.timedelta(hours=get_settings().app.upload_slot_hours)


def upload_ids(values: Any) -> list[int]:
    """The ``upload`` ids a form carries (a list from a multi-valued field, or one value), each once."""
    if values is None:
        return []
    if isinstance(values, (str, int)):
        values = [values]
    return parse_ids(list(values))[: get_settings().app.max_photos_per_claim + MAX_OPEN_SLOTS]


def _placeholders(n: int) -> str:
    return ", ".join(["{}"] * n)


async def process(photos: list[bytes]) -> list[images.ProcessedImage]:
    """Check and re-encode photos into renditions in the claims folder (no row yet: the caller records them,
    as a claim's photos or with ``record()`` as slots). Raises ValidationFailed (field "photos") or
    images.ImageTooLarge with the user's message."""
    if not photos:
        return []
    cap = get_settings().app.max_upload_mb * 1024 * 1024

    def work() -> list[images.ProcessedImage]:
        images.check_batch(photos, cap, get_settings().app.max_request_megapixels * 1_000_000)
        done: list[images.ProcessedImage] = []
        try:
            for data in photos:
                done.append(images.process(data, MEDIA_FOLDER, cap))
        except Exception:
            _remove(done)
            raise
        return done

    try:
        return await anyio.to_thread.run_sync(work)
    except images.ImageTooLarge:
        raise
    except images.ImageRejected as exc:
        raise ValidationFailed({"photos": exc.message}) from exc


async def record(actor: CurrentUser, processed: list[images.ProcessedImage]) -> list[int]:
    """Keep processed photos as the actor's slots; their ids in order. Their files are removed if this fails."""
    if not processed:
        return []
    now = utcnow()
    try:
        async with write_transaction():
            ids = []
            for p in processed:
                rows = await db_write(
                    "INSERT INTO claim_upload (owner, display_name, thumb_name, width, height, thumb_width, "
                    "thumb_height, sha256, dhash, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
                    "RETURNING id", actor.id, p.display.name, p.thumb.name, p.display.width, p.display.height,
                    p.thumb.width, p.thumb.height, p.sha256, p.dhash, now)
                ids.append(rows[0]["id"])
    except Exception:
        await discard(processed)
        raise
    return ids


async def store(actor: CurrentUser, photos: list[bytes]) -> list[int]:
    """Photos sent ahead of their form: checked, re-encoded and kept as the actor's slots; their ids."""
    if await ClaimUpload.count().where((ClaimUpload.owner == actor.id) & (ClaimUpload.created_at > _cutoff())) \
            + len(photos) > MAX_OPEN_SLOTS:
        raise ValidationFailed({"photos": _("Too many photos waiting for a form: save the claim first.")})
    return await record(actor, await process(photos))


async def discard(processed: list[images.ProcessedImage]) -> None:
    """Renditions written but not recorded: removed in a worker thread (with S3 each delete is a network call)."""
    if processed:
        await anyio.to_thread.run_sync(_remove, processed)


async def kept(actor: CurrentUser, ids: Iterable[int]) -> list[dict]:
    """The actor's live slots among ``ids`` (in the given order): what a re-shown form lists as kept."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = await db_read(
        f"SELECT id, thumb_width, thumb_height FROM claim_upload WHERE id IN ({_placeholders(len(wanted))}) "
        "AND owner = {} AND created_at > {}", *wanted, actor.id, _cutoff())
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in wanted if i in by_id]


async def take(actor: CurrentUser, ids: list[int]) -> list[images.ProcessedImage]:
    """Consume the actor's slots inside the caller's write transaction; their pictures, in the given order.
    A slot that is someone else's, used or expired refuses the whole form (the caller's transaction rolls
    back, so nothing is half-taken)."""
    if not ids:
        return []
    rows = await db_write(
        f"DELETE FROM claim_upload WHERE id IN ({_placeholders(len(ids))}) AND owner = {{}} AND created_at > {{}} "
        "RETURNING id, display_name, thumb_name, width, height, thumb_width, thumb_height, sha256, dhash",
        *ids, actor.id, _cutoff())
    if len(rows) != len(ids):
        raise ValidationFailed({"photos": _("A photo sent earlier is no longer kept. Pick it again.")})
    by_id = {row["id"]: row for row in rows}
    return [_picture(by_id[i]) for i in ids]


def _picture(row: dict) -> images.ProcessedImage:
    return images.ProcessedImage(
        display=images.Rendition(row["display_name"], row["width"], row["height"]),
        thumb=images.Rendition(row["thumb_name"], row["thumb_width"], row["thumb_height"]),
        sha256=row["sha256"], dhash=row["dhash"])


async def thumb_key(actor: CurrentUser, upload_id: int) -> str:
    """The storage key of the actor's own live slot's thumbnail; anyone else's is NotFound."""
    row = await ClaimUpload.select(ClaimUpload.thumb_name).where(
        (ClaimUpload.id == upload_id) & (ClaimUpload.owner == actor.id) & (ClaimUpload.created_at > _cutoff())
    ).first()
    if row is None:
        raise NotFound()
    return f"{MEDIA_FOLDER}/{row['thumb_name']}"


async def delete_stale(now: dt.datetime | None = None) -> int:
    """Delete the slots left unused past ``upload_slot_hours``, and their files (the scheduler's job)."""
    async with write_transaction():
        rows = await db_write("DELETE FROM claim_upload WHERE created_at <= {} RETURNING display_name, thumb_name",
                              _cutoff(now))
    names = [name for row in rows for name in (row["display_name"], row["thumb_name"])]
    if names:
        await anyio.to_thread.run_sync(images.remove, MEDIA_FOLDER, names)
    return len(rows)


def _remove(done: list[images.ProcessedImage]) -> None:
    images.remove(MEDIA_FOLDER, [name for p in done for name in (p.display.name, p.thumb.name)])
