"""Claims services: registering work, reviewing it, and everything a claim carries.

Rules this module guards:
- a form's idempotency key makes one claim however often it is sent (UNIQUE);
- a serial number belongs to one claim in the whole program (UNIQUE), and an
  attempt to claim it again is refused and flagged on the claim that owns it,
  without telling the second partner whose it is;
- every status change goes through set_status() and the MOVES map (portal.claims.statuses): a
  compare-and-set on the status, so two managers make one decision, with its history row, audit entry and
  event in the same transaction;
- a retry of a form answers with the claim it made, never with its own serials "already registered";
- a claim holds at most max_photos_per_claim photos, and one request's photos are bounded in pixels
  before anything is decoded;
- nobody decides a claim they submitted themselves.
Approving knows nothing about points: it publishes ClaimDecided.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread

from portal import events, workflow
from portal.accounts.services import CurrentUser
from portal.accounts.roles import PartnerStatus
from portal.accounts.tables import Partner, User
from portal.audit.services import Actor
from portal.audit import services as audit
from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
from portal.claims import uploads
from portal.claims.forms import ClaimForm
from portal.claims.statuses import (APPROVED, AUDIT_ACTIONS, DECISIONS, MOVES, NEEDS_INFO, OPEN, REJECTED,  # noqa: F401
                                    RESUBMITTED, STATUS_LABELS, SUBMITTED, WITHDRAWN)
from portal.claims.tables import Claim, ClaimEvent, ClaimFlag, ClaimPhoto, ClaimSerial
from portal.db import (company_today, is_unique_violation, read as db_read, utcnow, write as db_write,
                       write_transaction)
from portal.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from portal.i18n import N_, format_period, gettext as _
from portal.media import images
from portal.periods import services as periods
from portal.products.services import item_choice, resolve_item, search_items
from portal.products.tables import Product
from portal.settings import get_settings

FLOW = workflow.Workflow(Claim, MOVES)

REJECT_REASONS = {
    "duplicate": N_("Duplicate registration"),
    "no_proof": N_("No proof of the sale"),
    "not_in_program": N_("Not part of the program"),
    "wrong_data": N_("Wrong or incomplete data"),
    "other": N_("Other reason"),
}
FLAG_LABELS = {
    "duplicate_serial": N_("Someone else tried to register serial %(serial)s"),
    "duplicate_photo": N_("The same photo is attached to claim #%(other)s"),
}


class DuplicateSerial(DomainError):
    status_code = 409
    msgid = N_("Serial %(serial)s is already registered in the program.")


MEDIA_FOLDER = "claims"  # photos' storage keys are "claims/<name>"


def media_root() -> Path:
    """Where the local storage backend keeps claim photos (tests look at the files there)."""
    return get_settings().app.var_dir / "media" / MEDIA_FOLDER


def max_upload_bytes() -> int:
    return get_settings().app.max_upload_mb * 1024 * 1024


# --- registering --------------------------------------------------------------------

_KEY_OWNER = "SELECT id, partner FROM claim WHERE idempotency_key = {}"


async def _existing_for_key(partner_id: int, key: str) -> int | None:
    rows = await db_read(_KEY_OWNER, key)
    return _first_of_key(rows[0], partner_id) if rows else None


def _first_of_key(row: dict, partner_id: int) -> int:
    if row["partner"] != partner_id:  # a key is random; a clash across partners is an attack, not a retry
        raise Conflict(N_("The form has expired. Go back, reload the page and try again."))
    return row["id"]


async def flag_serial_attempt(serials: list[str], partner_id: int) -> None:
    """Flag the claims that own these serials: someone else tried to register them."""
    owners = await ClaimSerial.select(ClaimSerial.serial, ClaimSerial.claim).where(ClaimSerial.serial.is_in(serials))
    if not owners:
        return
    async with write_transaction():
        for row in owners:
            await ClaimFlag.insert(ClaimFlag(claim=row["claim"], kind="duplicate_serial",
                                             detail=json.dumps({"serial": row["serial"], "partner_id": partner_id})))
            await Claim.update({Claim.flagged: True}).where(Claim.id == row["claim"])


async def _flag_unless_retry(partner_id: int, key: str, serials: list[str]) -> int | None:
    """Serials already taken: by this very form sent before (a retry, answered with its claim, nothing to
    flag), or by someone else's claim, which is flagged. The key is looked up inside the transaction that
    would flag, so a first tap that committed since this request's first look is found, not flagged."""
    async with write_transaction():
        if key and (rows := await db_write(_KEY_OWNER, key)):
            return _first_of_key(rows[0], partner_id)
        await flag_serial_attempt(serials, partner_id)
    return None


async def _refuse_too_many_photos(photos: list[bytes] | int, claim_id: int | None = None,
                                  partner_id: int | None = None) -> None:
    """A claim holds at most ``max_photos_per_claim`` pictures, counting those it has already."""
    count = photos if isinstance(photos, int) else len(photos)
    if not count:
        return
    limit = get_settings().app.max_photos_per_claim
    have = await ClaimPhoto.count().where((ClaimPhoto.claim == claim_id) & (ClaimPhoto.claim.partner == partner_id)) \
        if claim_id is not None else 0
    if have + count > limit:
        raise ValidationFailed({"photos": _("A claim can have at most %(n)s photos.", n=limit)})


def _process_photos(photos: list[bytes]) -> list[images.ProcessedImage]:
    cap = max_upload_bytes()
    # Before any decoding: the pixels of the whole request, read from the headers.
    images.check_batch(photos, cap, get_settings().app.max_request_megapixels * 1_000_000)
    done: list[images.ProcessedImage] = []
    try:
        for data in photos:
            done.append(images.process(data, MEDIA_FOLDER, cap))
    except Exception:
        _remove_files(done)
        raise
    return done


async def _discard(done: list[images.ProcessedImage]) -> None:
    """Photos written but not recorded: removed in a worker thread (with S3 each delete is a network call)."""
    if done:
        await anyio.to_thread.run_sync(_remove_files, done)


def _remove_files(done: list[images.ProcessedImage]) -> None:
    images.remove(MEDIA_FOLDER, [name for p in done for name in (p.display.name, p.thumb.name)])


@dataclass(frozen=True)
class Submitted:
    claim_id: int
    created: bool  # False: the same form was sent again, and this is the claim it made the first time


class FormRefused(ValidationFailed):
    """A claim form refused for a field; ``uploads`` are the photo slots the re-shown form keeps (those it
    carried and those its own files became), so the dealer never sends a photo twice."""

    def __init__(self, errors: dict[str, str], uploads: list[int]) -> None:
        super().__init__(errors)
        self.uploads = uploads


async def submit(actor: CurrentUser, data: dict, photos: list[bytes], ip: str = "") -> Submitted:
    """Register a sale or job from the form. Its photos are upload slots (``data["upload"]``, sent ahead by
    the form's script) and files sent with the form (without JavaScript, or the offline queue's): those are
    checked and re-encoded before anything else is written, and kept as slots when the form is refused for
    another field, so they are never sent twice."""
    if actor.partner_id is None:
        raise Forbidden()
    key = str(data.get("idempotency_key") or "")
    slots = uploads.upload_ids(data.get("upload"))
    # A retry is recognised up front when the work before the insert must not run twice: photos (Pillow),
    # serials (the duplicate check would refuse the retry's own serials). Otherwise the unique key catches
    # it at the insert, below, and the retry gets the first claim all the same.
    if key and (photos or slots or str(data.get("serials") or "").strip()) \
            and (existing := await _existing_for_key(actor.partner_id, key)) is not None:
        return Submitted(existing, False)
    try:
        await _refuse_too_many_photos(len(slots) + len(photos))
        processed = await uploads.process(photos)
    except ValidationFailed as exc:
        raise FormRefused(exc.errors, slots) from exc
    # A form that saves attaches its own photos directly; one refused for a field keeps them as slots.
    try:
        submitted = await _submit_form(actor, data, slots, processed, key, ip)
    except ValidationFailed as exc:
        # A resend of a form that was registered (its answer lost) may now fail a check the first one passed
        # (the period closed meanwhile, the product was retired): it still answers with the first claim.
        if key and (existing := await _existing_for_key(actor.partner_id, key)) is not None:
            await uploads.discard(processed)
            return Submitted(existing, False)
        raise FormRefused(exc.errors, slots + await uploads.record(actor, processed)) from exc
    except Exception:
        await uploads.discard(processed)
        raise
    if not submitted.created:
        await uploads.discard(processed)
    return submitted


async def _submit_form(actor: CurrentUser, data: dict, slots: list[int], processed: list[images.ProcessedImage],
                       key: str, ip: str) -> Submitted:
    item = await resolve_item(str(data.get("item") or ""), actor.revision)
    form = ClaimForm.parse(data, item, company_today())
    await _refuse_closed_date(form.sold_on, actor.revision)
    taken = await ClaimSerial.select(ClaimSerial.serial).where(ClaimSerial.serial.is_in(form.serials)) \
        if form.serials else []
    if taken:
        if (first := await _flag_unless_retry(actor.partner_id, key, [t["serial"] for t in taken])) is not None:
            return Submitted(first, False)
        raise ValidationFailed({"serials": _("Serial %(serial)s is already registered in the program.",
                                             serial=taken[0]["serial"])})
    try:
        claim_id, created = await _insert(actor, form, item, slots, processed, ip)
    except Exception as exc:
        if "reporting period closed" in str(exc):  # the period closed since this request began
            await _refuse_closed_date(form.sold_on)
        if is_unique_violation(exc):
            if "serial" in str(exc):
                if (first := await _flag_unless_retry(actor.partner_id, key, form.serials)) is not None:
                    return Submitted(first, False)
                owned = await ClaimSerial.select(ClaimSerial.serial).where(ClaimSerial.serial.is_in(form.serials))
                serial = owned[0]["serial"] if owned else form.serials[0]
                raise ValidationFailed({"serials": _("Serial %(serial)s is already registered in the program.",
                                                     serial=serial)}) from exc
        raise
    return Submitted(claim_id, created)


async def _refuse_closed_date(day, revision=None) -> None:
    """A sale dated inside a closed (or closing) reporting period is a field error on the form."""
    code = await periods.closed_period_on(day, revision)
    if code:
        raise ValidationFailed({"sold_on": _("Period %(code)s is closed: register this sale in the open period or "
                                             "ask a manager.", code=format_period(code))})


async def _insert(actor: CurrentUser, form: ClaimForm, item: dict, slots: list[int],
                  processed: list[images.ProcessedImage], ip: str) -> tuple[int, bool]:
    """Write the claim with its photos (those sent with it, and those of its upload slots); (id, True), or (the
    first claim's id, False) when its idempotency key is taken (its slots are then left as they are)."""
    now = utcnow()
    async with write_transaction():
        # Plain INSERTs (the path every sale from a phone takes): every column is given, as the ORM would.
        rows = await db_write(
            "INSERT INTO claim (partner, submitted_by, product, job_type, quantity, amount_kop, sold_on, serials, "
            "customer_name, customer_city, customer_phone, comment, status, flagged, idempotency_key, created_at, "
            "decided_by, decided_at, decision_reason, decision_text) VALUES "
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, NULL, NULL, '', '') "
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            actor.partner_id, actor.id, item["id"] if item["kind"] == "product" else None,
            item["id"] if item["kind"] == "job" else None, form.quantity, form.amount_kop, form.sold_on,
            "\n".join(form.serials), form.customer_name, form.customer_city, form.customer_phone, form.comment,
            SUBMITTED, False, form.idempotency_key, now)
        if not rows:
            # A double tap or a retry. Read in this transaction: the first may be in the same commit group,
            # not yet visible to other connections; ending this transaction waits until it is durable.
            first = await db_write(_KEY_OWNER, form.idempotency_key)
            return _first_of_key(first[0], actor.partner_id), False
        claim_id = rows[0]["id"]
        if form.serials:
            await ClaimSerial.insert(*[ClaimSerial(serial=s, claim=claim_id) for s in form.serials])
        processed = processed + await uploads.take(actor, slots)
        await _attach_photos(claim_id, processed)
        await db_write("INSERT INTO claim_event (claim, from_status, to_status, actor, note, at) "
                       "VALUES ({}, '', {}, {}, '', {})", claim_id, SUBMITTED, actor.id, now)
        await audit.record(actor.actor(ip), "claim.submitted", "claim", claim_id, after={
            "item": form.item_key, "quantity": form.quantity, "amount_kop": form.amount_kop,
            "sold_on": form.sold_on, "serials": form.serials, "photos": len(processed)})
    return claim_id, True


async def _attach_photos(claim_id: int, processed: list[images.ProcessedImage]) -> None:
    """Record a claim's new photos; a picture already on another claim flags both (not refused)."""
    for p in processed:
        # A few earlier twins are enough for a manager to see the pattern; bounded, so a photo
        # reused a thousand times costs the same as one reused once.
        twins = await ClaimPhoto.select(ClaimPhoto.claim).where(
            ((ClaimPhoto.sha256 == p.sha256) | (ClaimPhoto.dhash == p.dhash)) & (ClaimPhoto.claim != claim_id)
        ).order_by(ClaimPhoto.id, ascending=False).limit(5)
        await ClaimPhoto.insert(ClaimPhoto(
            claim=claim_id, display_name=p.display.name, thumb_name=p.thumb.name, width=p.display.width,
            height=p.display.height, thumb_width=p.thumb.width, thumb_height=p.thumb.height,
            sha256=p.sha256, dhash=p.dhash))
        for other in {t["claim"] for t in twins}:
            await _flag(claim_id, "duplicate_photo", {"other": other})
            await _flag(other, "duplicate_photo", {"other": claim_id})


async def _flag(claim_id: int, kind: str, detail: dict) -> None:
    await ClaimFlag.insert(ClaimFlag(claim=claim_id, kind=kind, detail=json.dumps(detail)))
    await Claim.update({Claim.flagged: True}).where(Claim.id == claim_id)


# --- a partner's own claims ---------------------------------------------------------------

_LIST_COLUMNS = (
    Claim.id, Claim.status, Claim.quantity, Claim.amount_kop, Claim.sold_on, Claim.created_at, Claim.flagged,
    Claim.product.name.as_alias("product_name"), Claim.job_type.name.as_alias("job_name"),
)


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    page: int
    has_next: bool


async def claims_of(actor: CurrentUser, status: str = "", page: int = 1, per_page: int = 30) -> Page:
    query = Claim.select(*_LIST_COLUMNS).where(Claim.partner == actor.partner_id).order_by(Claim.id, ascending=False)
    if status:
        query = query.where(Claim.status == status)
    rows = await query.limit(per_page + 1).offset((page - 1) * per_page)
    return Page(rows[:per_page], page, len(rows) > per_page)


async def get_claim(actor: CurrentUser, claim_id: int) -> dict:
    """One claim with its serials, photos, flags and history. Another partner's claim is a 404."""
    query = Claim.select(
        Claim.all_columns(), Claim.product.name.as_alias("product_name"), Claim.product.sku.as_alias("sku"),
        Claim.job_type.name.as_alias("job_name"), Claim.partner.legal_name.as_alias("partner_name"),
        Claim.partner.region.as_alias("region"), Claim.submitted_by.full_name.as_alias("submitted_by_name"),
        Claim.decided_by.full_name.as_alias("decided_by_name"),
    ).where(Claim.id == claim_id)
    if actor.is_partner:
        query = query.where(Claim.partner == actor.partner_id)
    claim = await query.first()
    if claim is None:
        raise NotFound()
    claim["photos"] = await ClaimPhoto.select().where(ClaimPhoto.claim == claim_id).order_by(ClaimPhoto.id)
    claim["history"] = await ClaimEvent.select(
        ClaimEvent.all_columns(), ClaimEvent.actor.full_name.as_alias("actor_name")
    ).where(ClaimEvent.claim == claim_id).order_by(ClaimEvent.id)
    claim["flags"] = await ClaimFlag.select().where(ClaimFlag.claim == claim_id).order_by(
        ClaimFlag.id).output(load_json=True) if actor.is_company else []
    return claim


async def set_status(who: Actor, claim_id: int, action: str, *, partner_id: int | None = None, note: str = "",
                     values: dict | None = None, audit_after: dict | None = None) -> workflow.Moved:
    """The one way a claim changes status (see ``MOVES``), inside the caller's write transaction: compare-and-set,
    the history row, the audit entry and the domain event. ``partner_id`` limits it to that partner's claims.
    A claim dated in a closed period does not move; one whose status does not allow the action raises the
    reason (404 or 409)."""
    async def period_open(row: dict) -> None:
        await periods.refuse_if_closed_on(row["sold_on"])

    try:
        moved = await FLOW.move(claim_id, action, where=None if partner_id is None else Claim.partner == partner_id,
                                values=values, guard=period_open)
    except workflow.Refused as refused:
        await _explain(refused.current)
        raise
    new = moved.new
    await ClaimEvent.insert(ClaimEvent(claim=claim_id, from_status=moved.old, to_status=new, actor=who.id, note=note))
    await audit.record(who, AUDIT_ACTIONS[action], "claim", claim_id, before={"status": moved.old},
                       after={"status": new} | (audit_after or {}))
    partner = moved.before["partner"]
    if action in DECISIONS:
        await events.publish(ClaimDecided(claim_id=claim_id, partner_id=partner, status=new, actor_id=who.id))
    elif action == "revoke":
        await events.publish(ClaimApprovalRevoked(claim_id=claim_id, partner_id=partner, actor_id=who.id,
                                                  reason=note))
    return moved


async def accruals_of(claim_id: int) -> list[dict]:
    """What each approval of a claim earned, and why (the claim must already be the reader's: get_claim)."""
    from portal.ledger import keys
    from portal.ledger import services as ledger

    approvals = await ClaimEvent.count().where(
        (ClaimEvent.claim == claim_id) & (ClaimEvent.to_status == APPROVED) & (ClaimEvent.from_status != APPROVED))
    return await ledger.accruals_for([keys.claim(claim_id, n) for n in range(1, max(1, approvals) + 1)])


async def withdraw(actor: CurrentUser, claim_id: int, ip: str = "") -> None:
    """A partner takes back a claim nobody has decided yet; its serials become free again."""
    async with write_transaction():
        await set_status(actor.actor(ip), claim_id, "withdraw", partner_id=actor.partner_id)
        await ClaimSerial.delete().where(ClaimSerial.claim == claim_id)


async def resubmit(actor: CurrentUser, claim_id: int, comment: str, photos: list[bytes], ip: str = "") -> None:
    """Answer a manager's question: add a comment and photos, and send the claim back for review."""
    comment = comment.strip()
    if not comment and not photos:
        raise ValidationFailed({"comment": _("Write what you are adding, or attach a photo.")})
    await _refuse_too_many_photos(photos, claim_id, actor.partner_id)
    try:
        processed = await anyio.to_thread.run_sync(_process_photos, photos)
    except images.ImageRejected as exc:
        raise ValidationFailed({"photos": exc.message}) from exc
    try:
        async with write_transaction():
            await set_status(actor.actor(ip), claim_id, "resubmit", partner_id=actor.partner_id, note=comment[:2000],
                             audit_after={"comment": comment, "photos": len(processed)})
            await _attach_photos(claim_id, processed)
    except Exception:
        await _discard(processed)
        raise


async def edit(actor: CurrentUser, claim_id: int, data: dict, photos: list[bytes], ip: str = "") -> None:
    """Change a claim nobody has decided yet. The same checks as a new one; serials are re-claimed."""
    current = await Claim.select().where((Claim.id == claim_id) & (Claim.partner == actor.partner_id)).first()
    if current is None:
        raise NotFound()
    if current["status"] not in OPEN:
        await _explain(current)
    item = await resolve_item(str(data.get("item") or ""))
    form = ClaimForm.parse({**data, "idempotency_key": current["idempotency_key"]}, item, company_today())
    await periods.refuse_if_closed_on(current["sold_on"])
    await _refuse_closed_date(form.sold_on)
    taken = await ClaimSerial.select(ClaimSerial.serial).where(
        ClaimSerial.serial.is_in(form.serials) & (ClaimSerial.claim != claim_id)) if form.serials else []
    if taken:
        await flag_serial_attempt([t["serial"] for t in taken], actor.partner_id)
        raise ValidationFailed({"serials": _("Serial %(serial)s is already registered in the program.",
                                             serial=taken[0]["serial"])})
    slots = uploads.upload_ids(data.get("upload"))
    await _refuse_too_many_photos(len(photos) + len(slots), claim_id, actor.partner_id)
    try:
        processed = await anyio.to_thread.run_sync(_process_photos, photos) if photos else []
    except images.ImageRejected as exc:
        raise ValidationFailed({"photos": exc.message}) from exc
    fields = {"product": item["id"] if item["kind"] == "product" else None,
              "job_type": item["id"] if item["kind"] == "job" else None, "quantity": form.quantity,
              "amount_kop": form.amount_kop, "sold_on": form.sold_on, "serials": "\n".join(form.serials),
              "customer_name": form.customer_name, "customer_city": form.customer_city,
              "customer_phone": form.customer_phone, "comment": form.comment}
    try:
        async with write_transaction():
            rows = await Claim.update({getattr(Claim, k): v for k, v in fields.items()}).where(
                (Claim.id == claim_id) & Claim.status.is_in(list(OPEN))).returning(Claim.id)
            if not rows:  # decided while the form was open
                await _explain(await Claim.select().where(Claim.id == claim_id).first())
            await ClaimSerial.delete().where(ClaimSerial.claim == claim_id)
            if form.serials:
                await ClaimSerial.insert(*[ClaimSerial(serial=s, claim=claim_id) for s in form.serials])
            await _attach_photos(claim_id, processed + await uploads.take(actor, slots))
            await ClaimEvent.insert(ClaimEvent(claim=claim_id, from_status=current["status"],
                                               to_status=current["status"], actor=actor.id, note="edited"))
            await audit.record(actor.actor(ip), "claim.edited", "claim", claim_id,
                               before={k: current[k] for k in fields}, after=fields)
    except Exception as exc:
        await _discard(processed)
        if is_unique_violation(exc) and "serial" in str(exc):
            raise ValidationFailed({"serials": _("Serial %(serial)s is already registered in the program.",
                                                 serial=form.serials[0])}) from exc
        raise


async def _explain(current: dict) -> None:
    """Raise the reason a claim (as it is now) did not move: its status moved on, or it was decided (409)."""
    status = _(STATUS_LABELS.get(current["status"], current["status"]))
    if current.get("decided_by"):
        by = await User.select(User.full_name).where(User.id == current["decided_by"]).first()
        raise Conflict(N_("This claim has already been decided by %(name)s (%(status)s)."),
                       name=by["full_name"] if by else "", status=status)
    raise Conflict(N_("This claim is %(status)s and cannot be changed."), status=status)


# --- review ---------------------------------------------------------------------------------------

async def decide(actor: CurrentUser, claim_id: int, action: str, reason: str = "", text: str = "",
                 ip: str = "") -> str:
    """A manager approves, rejects or asks for information. Exactly one decision wins."""
    if action not in DECISIONS:
        raise ValidationFailed({"action": _("Choose one of the options.")})
    new = FLOW.target(action)
    text = text.strip()[:2000]
    if new == REJECTED and reason not in REJECT_REASONS:
        raise ValidationFailed({"reason": _("Choose the reason for rejecting.")})
    if new == NEEDS_INFO and not text:
        raise ValidationFailed({"text": _("Write what information is missing.")})
    async with write_transaction():
        owner = await Claim.select(Claim.submitted_by, Claim.partner).where(Claim.id == claim_id).first()
        if owner is None:
            raise NotFound()
        if owner["submitted_by"] == actor.id:
            raise Forbidden(N_("You cannot decide a claim you submitted yourself."))
        await set_status(actor.actor(ip), claim_id, action, note=text, values={
            Claim.decided_by: actor.id, Claim.decided_at: utcnow(),
            Claim.decision_reason: reason if new == REJECTED else "", Claim.decision_text: text},
            audit_after={"reason": reason, "text": text})
    return new


async def revoke_approval(actor: CurrentUser, claim_id: int, text: str, ip: str = "") -> None:
    """Take an approval back: the claim goes to the partner for information, and its accruals are reversed."""
    text = text.strip()[:2000]
    if not text:
        raise ValidationFailed({"text": _("Write why the approval is withdrawn.")})
    async with write_transaction():
        await set_status(actor.actor(ip), claim_id, "revoke", note=text, values={
            Claim.decided_by: actor.id, Claim.decided_at: utcnow(), Claim.decision_text: text},
            audit_after={"text": text})


@dataclass(frozen=True)
class BulkResult:
    approved: list[int]
    skipped: list[tuple[int, str]]


async def bulk_approve(actor: CurrentUser, claim_ids: list[int], ip: str = "") -> BulkResult:
    approved, skipped = [], []
    for claim_id in claim_ids:
        try:
            await decide(actor, claim_id, "approve", ip=ip)
            approved.append(claim_id)
        except DomainError as exc:
            skipped.append((claim_id, exc.message))
    return BulkResult(approved, skipped)


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"
    region: str = ""
    partner_id: int | None = None
    product_id: int | None = None
    flagged: bool = False
    oldest_first: bool = False


def _queue_query(columns, flt: QueueFilter):
    query = Claim.select(*columns)
    if flt.status == "open":
        query = query.where(Claim.status.is_in(list(OPEN)))
    elif flt.status:
        query = query.where(Claim.status == flt.status)
    if flt.region:
        query = query.where(Claim.partner.region == flt.region)
    if flt.partner_id:
        query = query.where(Claim.partner == flt.partner_id)
    if flt.product_id:
        query = query.where(Claim.product == flt.product_id)
    if flt.flagged:
        query = query.where(Claim.flagged.eq(True))
    return query.order_by(Claim.id, ascending=flt.oldest_first)


QUEUE_COLUMNS = _LIST_COLUMNS + (
    Claim.partner.legal_name.as_alias("partner_name"), Claim.partner.region.as_alias("region"),
    Claim.serials, Claim.submitted_by,
)


async def queue(flt: QueueFilter, page: int = 1, per_page: int = 50) -> Page:
    rows = await _queue_query(QUEUE_COLUMNS, flt).limit(per_page + 1).offset((page - 1) * per_page)
    return Page(rows[:per_page], page, len(rows) > per_page)


EXPORT_LIMIT = 100_000


async def export_rows(flt: QueueFilter) -> list[dict]:
    columns = QUEUE_COLUMNS + (Claim.partner.inn.as_alias("inn"), Claim.product.sku.as_alias("sku"),
                               Claim.customer_name, Claim.customer_city, Claim.decision_reason)
    return await _queue_query(columns, flt).limit(EXPORT_LIMIT)


async def photo_for(actor: CurrentUser, photo_id: int) -> dict:
    """A photo the actor may see: their own partner's, or any for company roles."""
    query = ClaimPhoto.select(ClaimPhoto.display_name, ClaimPhoto.thumb_name,
                              ClaimPhoto.claim.partner.as_alias("partner_id")).where(ClaimPhoto.id == photo_id)
    row = await query.first()
    if row is None or (actor.is_partner and row["partner_id"] != actor.partner_id):
        raise NotFound()
    return row


async def review_counts() -> dict[str, int]:
    return {
        "open": await Claim.count().where(Claim.status.is_in(list(OPEN))),
        "flagged": await Claim.count().where(Claim.status.is_in(list(OPEN)) & Claim.flagged.eq(True)),
    }


async def next_pending(after_id: int, actor: CurrentUser | None = None) -> int | None:
    """The claim "Approve and next" opens: the next one waiting for review in the queue's default order
    (newest first), wrapping round to the newest; never ``after_id`` itself, nor one the actor submitted."""
    def waiting():
        query = Claim.select(Claim.id).where(Claim.status.is_in(list(OPEN)) & (Claim.id != after_id))
        if actor is not None:
            query = query.where(Claim.submitted_by != actor.id)
        return query.order_by(Claim.id, ascending=False)

    row = await waiting().where(Claim.id < after_id).first() or await waiting().first()
    return row["id"] if row else None


async def decided_note(actor: CurrentUser, claim_id: int | None) -> str:
    """The line "Approve and next" shows on the next claim: what became of the one just decided."""
    if claim_id is None:
        return ""
    row = await Claim.select(Claim.status).where(Claim.id == claim_id).first()
    if row is None or row["status"] in OPEN:
        return ""
    return _("Registration #%(id)s: %(status)s.", id=claim_id, status=_(STATUS_LABELS[row["status"]]).lower())


async def filter_options() -> dict:
    return {
        "partners": await Partner.select(Partner.id, Partner.legal_name).where(
            Partner.status == PartnerStatus.ACTIVE.value).order_by(Partner.legal_name),
        "products": await Product.select(Product.id, Product.name).order_by(Product.name),
    }


def decision_options() -> dict:
    return {"reasons": REJECT_REASONS}


async def last_item_of(actor: CurrentUser) -> dict | None:
    """The product or job the user registered last: the form starts with it (fast repeat entry)."""
    row = await Claim.select(Claim.product, Claim.job_type).where(Claim.submitted_by == actor.id).order_by(
        Claim.id, ascending=False).first()
    if row is None:
        return None
    return {"key": f"p:{row['product']}" if row["product"] else f"j:{row['job_type']}"}


async def favourite_items(actor: CurrentUser, recent: int = 3, limit: int = 6) -> list[str]:
    """The partner's picker keys to show first: the few registered last, then the most often registered
    among their last 500 claims (bounded: a big dealer's form opens as fast as a new one's)."""
    if actor.partner_id is None:
        return []
    rows = await db_read(
        "SELECT product, job_type, COUNT(*) AS n, MAX(id) AS last FROM (SELECT id, product, job_type FROM claim "
        "WHERE partner = {} ORDER BY id DESC LIMIT 500) AS latest GROUP BY product, job_type", actor.partner_id)
    keys = {(f"p:{r['product']}" if r["product"] else f"j:{r['job_type']}"): r for r in rows}
    by_recent = sorted(keys, key=lambda k: -keys[k]["last"])[:recent]
    by_count = sorted(keys, key=lambda k: (-keys[k]["n"], -keys[k]["last"]))
    return list(dict.fromkeys(by_recent + by_count))[:limit]


async def picker(actor: CurrentUser, query: str, chosen: str, size: int = 8) -> tuple[list, int]:
    """The claim form's product picker: (items, how many lead as the partner's own). Without a query the
    partner's recent and most frequent come first, then a few others; the chosen one is always there. Short,
    so the page never needs a scroll box inside it; the search finds the rest."""
    items = await search_items(query, limit=size)
    favourites = 0
    if not query.strip():
        picked = [c for c in [await item_choice(k, actor.revision) for k in await favourite_items(actor)] if c]
        keys = {c.key for c in picked}
        items = picked + [it for it in items if it.key not in keys][: size - min(len(picked), size // 2)]
        favourites = len(picked)
    if chosen and all(it.key != chosen for it in items):
        choice = await item_choice(chosen, actor.revision)
        if choice is not None:
            items.insert(0, choice)
            favourites += 1 if favourites else 0
    return items, favourites
