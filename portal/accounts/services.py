"""Accounts services: joining, logging in, inviting, administering, API tokens.

Plain async functions over Piccolo; they never import Litestar. Every state
change runs in one write transaction together with its audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass

from portal.accounts import passwords
from portal.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    PartnerForm,
    RegistrationForm,
    UserForm,
)
from portal.accounts.roles import COMPANY_ROLES, PARTNER_AUDIT, PARTNER_MOVES, PARTNER_ROLES, PartnerStatus, Role
from portal.accounts.tables import ApiToken, Invitation, LoginThrottle, Partner, User, UserSession
from portal import workflow
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import is_unique_violation, read as db_read, utcnow, write_transaction
from portal.errors import Conflict, DomainError, NotFound, TooManyAttempts, ValidationFailed
from portal.i18n import N_, gettext as _
from portal.revisions import services as revisions
from portal.revisions.services import Revision
from portal.settings import get_settings


def search_text(*parts: str) -> str:
    """What search matches against: case-folded here, because SQLite cannot fold Cyrillic."""
    return " ".join(p.casefold() for p in parts if p)


def _like(q: str) -> str:
    escaped = q.casefold().replace("\\", "").replace("%", "").replace("_", "")
    return f"%{escaped}%"


# --- who is acting ------------------------------------------------------------

@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as every layer sees it (request.user)."""

    id: int
    email: str
    full_name: str
    role: str
    partner_id: int | None
    partner_name: str
    locale: str
    unread: int = 0  # notifications not yet read, counted up to 100: the bell's number ("99+" above 99)
    revision: Revision | None = None  # the data revision of the user's partner at this request (pages key on it)

    @property
    def is_partner(self) -> bool:
        return self.role in PARTNER_ROLES

    @property
    def is_company(self) -> bool:
        return self.role in COMPANY_ROLES

    def actor(self, ip: str = "") -> Actor:
        return Actor(id=self.id, label=self.email, ip=ip)


_USER_COLUMNS = (
    User.id,
    User.email,
    User.full_name,
    User.role,
    User.partner.id.as_alias("partner_id"),
    User.partner.legal_name.as_alias("partner_name"),
    User.partner.status.as_alias("partner_status"),
    User.locale,
)


def _current(row: dict) -> CurrentUser | None:
    if row["partner_id"] is not None and row["partner_status"] != PartnerStatus.ACTIVE:
        return None
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        full_name=row["full_name"],
        role=row["role"],
        partner_id=row["partner_id"],
        partner_name=row["partner_name"] or "",
        locale=row["locale"] or "",
        unread=row.get("unread") or 0,
        revision=revisions.from_row(row),
    )


_SESSION_SQL = (
    'SELECT u.id, u.email, u.full_name, u.role, u.locale, p.id AS partner_id, '
    'p.legal_name AS partner_name, p.status AS partner_status, '
    # the bell shows up to "99+": counting stops at 100, so a user with 10,000 unread costs what one with 100 does
    '(SELECT COUNT(*) FROM (SELECT 1 FROM notification n WHERE n."user" = u.id AND n.read_at IS NULL LIMIT 100) x) '
    'AS unread, '
    + revisions.READ_COLUMNS +
    ' FROM user_session s JOIN portal_user u ON u.id = s."user" LEFT JOIN partner p ON p.id = u.partner '
    "WHERE s.key_hash = {} AND s.expires_epoch > {} AND u.is_active = {}"
)


async def start_session(user_id: int, ip: str = "", user_agent: str = "") -> str:
    """Open a session for a user who just proved who they are. Returns the cookie token.

    A new random token every time: an id planted before login never becomes a logged-in one.
    """
    token = secrets.token_urlsafe(32)
    now = int(time.time())
    await UserSession.delete().where((UserSession.user == user_id) & (UserSession.expires_epoch <= now))
    await UserSession.insert(UserSession(
        key_hash=_token_hash(token), user=user_id, ip=ip[:64], user_agent=user_agent[:200],
        expires_epoch=now + get_settings().security.session_max_age,
    ))
    return token


async def end_session(token: str) -> None:
    await UserSession.delete().where(UserSession.key_hash == _token_hash(token))


async def user_for_session_token(token: str) -> CurrentUser | None:
    """The user behind a session cookie, in one query; None if expired, unknown or deactivated."""
    rows = await db_read(_SESSION_SQL, _token_hash(token), int(time.time()), True)
    return _current(rows[0]) if rows else None


async def user_for_session(user_id: int) -> CurrentUser | None:
    """The active user behind a session; None once the user or their partner is deactivated."""
    row = await User.select(*_USER_COLUMNS).where((User.id == user_id) & (User.is_active.eq(True))).first()
    return _current(row) if row else None


# --- login and its throttle -----------------------------------------------------

class LoginFailed(DomainError):
    status_code = 400
    msgid = N_("Wrong email or password.")


class AccountNotReady(DomainError):
    status_code = 403


async def _throttle_count(key: str, window_no: int) -> int:
    row = await LoginThrottle.select(LoginThrottle.failures).where(
        (LoginThrottle.key == key) & (LoginThrottle.window_no == window_no)
    ).first()
    return row["failures"] if row else 0


async def _throttle_bump(key: str, window_no: int) -> None:
    # One atomic statement, so concurrent failures on several workers all count.
    await LoginThrottle.raw(
        "INSERT INTO login_throttle (key, window_no, failures) VALUES ({}, {}, 1) "
        "ON CONFLICT (key) DO UPDATE SET "
        "failures = CASE WHEN login_throttle.window_no = excluded.window_no "
        "THEN login_throttle.failures + 1 ELSE 1 END, window_no = excluded.window_no",
        key,
        window_no,
    )


async def authenticate(email: str, password: str, ip: str) -> CurrentUser:
    """Check a login. Raises TooManyAttempts, LoginFailed or AccountNotReady."""
    sec = get_settings().security
    email = email.strip().lower()
    window_no = int(time.time()) // sec.login_window_seconds
    account_key, ip_key = f"acct:{email}", f"ip:{ip}"
    if (
        await _throttle_count(account_key, window_no) >= sec.login_limit_per_account
        or await _throttle_count(ip_key, window_no) >= sec.login_limit_per_ip
    ):
        raise TooManyAttempts(N_("Too many failed attempts. Try again in %(minutes)s minutes."),
                              minutes=max(1, sec.login_window_seconds // 60))

    row = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    ok, needs_rehash = await passwords.verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None:
        await _throttle_bump(account_key, window_no)
        await _throttle_bump(ip_key, window_no)
        raise LoginFailed()
    if not row["is_active"]:
        raise AccountNotReady(N_("This account has been deactivated."))

    full = await User.select(*_USER_COLUMNS).where(User.id == row["id"]).first()
    if full["partner_id"] is not None and full["partner_status"] != PartnerStatus.ACTIVE:
        if full["partner_status"] == PartnerStatus.PENDING:
            raise AccountNotReady(N_("Your company's registration is waiting for a manager's approval."))
        raise AccountNotReady(N_("Your company's participation in the program is suspended."))

    values: dict = {User.last_login_at: utcnow()}
    if needs_rehash:
        values[User.password_hash] = await passwords.hash_password(password)
    await User.update(values).where(User.id == row["id"])
    await LoginThrottle.delete().where(LoginThrottle.key == account_key)
    user = _current(full)
    assert user is not None
    return user


# --- joining ----------------------------------------------------------------------

def _partner_values(form: PartnerForm) -> dict:
    return {
        "legal_name": form.legal_name,
        "search_name": search_text(form.legal_name),
        "inn": form.inn,
        "region": form.region,
        "partner_type": form.partner_type,
        "address": form.address,
        "partner_group": form.partner_group,
        "phone": form.phone,
        "email": form.email,
        "bank_name": form.bank_name,
        "bik": form.bik,
        "settlement_account": form.settlement_account,
    }


async def _ensure_inn_free(inn: str) -> None:
    if await Partner.exists().where(Partner.inn == inn):
        raise ValidationFailed({"inn": _("A partner with this INN is already registered.")})


async def _ensure_email_free(email: str, field: str = "email") -> None:
    if await User.exists().where(User.email == email):
        raise ValidationFailed({field: _("A user with this email already exists.")})


def _unique_error(exc: BaseException, inn_field: str = "inn", email_field: str = "email") -> ValidationFailed:
    text = str(exc)
    if "inn" in text:
        return ValidationFailed({inn_field: _("A partner with this INN is already registered.")})
    return ValidationFailed({email_field: _("A user with this email already exists.")})


async def register_partner(form: RegistrationForm, ip: str = "") -> tuple[int, int]:
    """A company signs up: a pending partner and its first partner_admin.

    Nobody can log in for the partner until a manager approves it.
    """
    await _ensure_inn_free(form.partner.inn)
    await _ensure_email_free(form.contact_email, "contact_email")
    password_hash = await passwords.hash_password(form.password)
    try:
        async with write_transaction():
            partner = Partner(**_partner_values(form.partner), status=PartnerStatus.PENDING.value)
            await partner.save()
            user = User(
                email=form.contact_email,
                full_name=form.contact_name,
                search_name=search_text(form.contact_name, form.contact_email),
                password_hash=password_hash,
                role=Role.PARTNER_ADMIN.value,
                partner=partner.id,
            )
            await user.save()
            actor = Actor(id=user.id, label=user.email, ip=ip)
            await audit.record(actor, "partner.registered", "partner", partner.id,
                               after=_partner_values(form.partner) | {"status": PartnerStatus.PENDING.value})
    except Exception as exc:
        if is_unique_violation(exc):
            raise _unique_error(exc, email_field="contact_email") from exc
        raise
    return partner.id, user.id


PARTNER_STATUS_LABELS = {
    PartnerStatus.PENDING.value: N_("Awaiting approval"),
    PartnerStatus.ACTIVE.value: N_("Active"),
    PartnerStatus.REJECTED.value: N_("Rejected"),
    PartnerStatus.DEACTIVATED.value: N_("Deactivated"),
}
PARTNER_FLOW = workflow.Workflow(Partner, PARTNER_MOVES)


async def set_partner_status(actor: Actor, partner_id: int, action: str) -> str:
    """The one way a partner changes status (see ``PARTNER_MOVES``): compare-and-set on the status read, so
    a concurrent decision makes the second a 409, not a double; then the audit entry. Returns the new status."""
    async with write_transaction():
        try:
            moved = await PARTNER_FLOW.move(partner_id, action)
        except workflow.Refused as refused:
            status = refused.current["status"]
            raise Conflict(N_("This partner has already been processed (status: %(status)s)."),
                           status=_(PARTNER_STATUS_LABELS.get(status, status))) from None
        await audit.record(actor, PARTNER_AUDIT[action], "partner", partner_id, before={"status": moved.old},
                           after={"status": moved.new})
    return moved.new


async def approve_partner(actor: Actor, partner_id: int) -> None:
    await set_partner_status(actor, partner_id, "approve")


async def reject_partner(actor: Actor, partner_id: int) -> None:
    await set_partner_status(actor, partner_id, "reject")


async def deactivate_partner(actor: Actor, partner_id: int) -> None:
    await set_partner_status(actor, partner_id, "deactivate")


async def reactivate_partner(actor: Actor, partner_id: int) -> None:
    await set_partner_status(actor, partner_id, "reactivate")


async def create_partner(actor: Actor, form: PartnerForm) -> int:
    """An admin adds a partner directly; it is active at once."""
    await _ensure_inn_free(form.inn)
    try:
        async with write_transaction():
            partner = Partner(**_partner_values(form), status=PartnerStatus.ACTIVE.value)
            await partner.save()
            await audit.record(actor, "partner.created", "partner", partner.id,
                               after=_partner_values(form) | {"status": PartnerStatus.ACTIVE.value})
    except Exception as exc:
        if is_unique_violation(exc):
            raise _unique_error(exc) from exc
        raise
    return partner.id


# --- invitations --------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite(actor: CurrentUser, form: InvitationForm, ip: str = "") -> str:
    """A partner admin invites a colleague. Returns the one-time token for the link."""
    if actor.role != Role.PARTNER_ADMIN or actor.partner_id is None:
        raise NotFound()
    await _ensure_email_free(form.email)
    token = secrets.token_urlsafe(32)
    days = get_settings().security.invitation_days
    async with write_transaction():
        invitation = Invitation(
            partner=actor.partner_id,
            email=form.email,
            role=form.role,
            token_hash=_token_hash(token),
            invited_by=actor.id,
            expires_at=utcnow() + dt.timedelta(days=days),
        )
        await invitation.save()
        await audit.record(actor.actor(ip), "invitation.created", "invitation", invitation.id,
                           after={"email": form.email, "role": form.role, "partner_id": actor.partner_id})
    return token


async def invitations_of(actor: CurrentUser) -> list[dict]:
    return await Invitation.select(
        Invitation.id, Invitation.email, Invitation.role, Invitation.created_at, Invitation.expires_at,
        Invitation.used_at, Invitation.revoked_at,
    ).where(Invitation.partner == actor.partner_id).order_by(Invitation.id, ascending=False)


async def revoke_invitation(actor: CurrentUser, invitation_id: int, ip: str = "") -> None:
    async with write_transaction():
        rows = await Invitation.update({Invitation.revoked_at: utcnow()}).where(
            (Invitation.id == invitation_id)
            & (Invitation.partner == actor.partner_id)  # tenancy: another partner's id is a 404
            & Invitation.used_at.is_null()
            & Invitation.revoked_at.is_null()
        ).returning(Invitation.id)
        if not rows:
            if await Invitation.exists().where(
                (Invitation.id == invitation_id) & (Invitation.partner == actor.partner_id)
            ):
                raise Conflict(N_("This invitation has already been used or revoked."))
            raise NotFound()
        await audit.record(actor.actor(ip), "invitation.revoked", "invitation", invitation_id,
                           after={"revoked": True})


async def invitation_for_token(token: str) -> dict | None:
    """The usable invitation behind a link, or None if unknown, used, revoked or expired."""
    return await Invitation.select(
        Invitation.id, Invitation.email, Invitation.role, Invitation.partner.legal_name.as_alias("partner_name"),
    ).where(
        (Invitation.token_hash == _token_hash(token))
        & Invitation.used_at.is_null()
        & Invitation.revoked_at.is_null()
        & (Invitation.expires_at > utcnow())
    ).first()


async def accept_invitation(token: str, form: AcceptInvitationForm, ip: str = "") -> int:
    """Create the invited user. The token works once: claiming it is a single conditional UPDATE."""
    password_hash = await passwords.hash_password(form.password)
    try:
        async with write_transaction():
            claimed = await Invitation.update({Invitation.used_at: utcnow()}).where(
                (Invitation.token_hash == _token_hash(token))
                & Invitation.used_at.is_null()
                & Invitation.revoked_at.is_null()
                & (Invitation.expires_at > utcnow())
            ).returning(Invitation.id, Invitation.partner, Invitation.email, Invitation.role)
            if not claimed:
                raise Conflict(N_("This invitation link has already been used, was revoked or has expired."))
            inv = claimed[0]
            user = User(email=inv["email"], full_name=form.full_name, password_hash=password_hash,
                        search_name=search_text(form.full_name, inv["email"]),
                        role=inv["role"], partner=inv["partner"])
            await user.save()
            await audit.record(Actor(id=user.id, label=user.email, ip=ip), "invitation.accepted", "user", user.id,
                               after={"email": inv["email"], "role": inv["role"], "partner_id": inv["partner"],
                                      "invitation_id": inv["id"]})
    except Exception as exc:
        if is_unique_violation(exc):
            raise ValidationFailed({"full_name": _("A user with this email already exists.")}) from exc
        raise
    return user.id


# --- users (administration) -------------------------------------------------------

async def create_user(actor: Actor, form: UserForm) -> int:
    if form.partner_id is not None and not await Partner.exists().where(Partner.id == form.partner_id):
        raise ValidationFailed({"partner_id": _("Choose one of the options.")})
    await _ensure_email_free(form.email)
    password_hash = await passwords.hash_password(form.password)
    try:
        async with write_transaction():
            user = User(email=form.email, full_name=form.full_name, password_hash=password_hash,
                        search_name=search_text(form.full_name, form.email),
                        role=form.role, partner=form.partner_id)
            await user.save()
            await audit.record(actor, "user.created", "user", user.id,
                               after={"email": form.email, "role": form.role, "partner_id": form.partner_id})
    except Exception as exc:
        if is_unique_violation(exc):
            raise _unique_error(exc) from exc
        raise
    return user.id


async def set_user_active(actor: Actor, user_id: int, active: bool) -> None:
    if actor.id == user_id and not active:
        raise Conflict(N_("You cannot deactivate yourself."))
    async with write_transaction():
        rows = await User.update({User.is_active: active}).where(
            (User.id == user_id) & (User.is_active.eq(not active))
        ).returning(User.id)
        if not rows:
            if not await User.exists().where(User.id == user_id):
                raise NotFound()
            return  # already in that state: nothing changes, nothing to record
        await audit.record(actor, "user.activated" if active else "user.deactivated", "user", user_id,
                           before={"is_active": not active}, after={"is_active": active})


async def set_user_locale(user_id: int, locale: str) -> None:
    """A preference, not a business state change: not audited."""
    await User.update({User.locale: locale}).where(User.id == user_id)


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    page: int
    has_next: bool


async def search_partners(q: str = "", status: str = "", region: str = "", page: int = 1, per_page: int = 25) -> Page:
    query = Partner.select(
        Partner.id, Partner.legal_name, Partner.inn, Partner.region, Partner.partner_type, Partner.status,
        Partner.created_at,
    ).order_by(Partner.legal_name)
    if q:
        query = query.where(Partner.search_name.like(_like(q)) | Partner.inn.like(_like(q)[1:]))
    if status:
        query = query.where(Partner.status == status)
    if region:
        query = query.where(Partner.region == region)
    page = max(page, 1)
    rows = await query.limit(per_page + 1).offset((page - 1) * per_page)
    return Page(rows=rows[:per_page], page=page, has_next=len(rows) > per_page)


async def get_partner(partner_id: int) -> dict:
    row = await Partner.select().where(Partner.id == partner_id).first()
    if row is None:
        raise NotFound()
    return row


async def partner_options() -> list[dict]:
    return await Partner.select(Partner.id, Partner.legal_name).order_by(Partner.legal_name)


async def search_users(q: str = "", role: str = "", partner_id: int | None = None, page: int = 1,
                       per_page: int = 25) -> Page:
    query = User.select(
        User.id, User.email, User.full_name, User.role, User.is_active, User.last_login_at,
        User.partner.id.as_alias("partner_id"), User.partner.legal_name.as_alias("partner_name"),
    ).order_by(User.email)
    if q:
        query = query.where(User.search_name.like(_like(q)))
    if role:
        query = query.where(User.role == role)
    if partner_id is not None:
        query = query.where(User.partner == partner_id)
    page = max(page, 1)
    rows = await query.limit(per_page + 1).offset((page - 1) * per_page)
    return Page(rows=rows[:per_page], page=page, has_next=len(rows) > per_page)


async def team_of(actor: CurrentUser) -> list[dict]:
    """The users of the actor's own partner (tenancy in the query)."""
    if actor.partner_id is None:
        return []
    return await User.select(User.id, User.email, User.full_name, User.role, User.is_active,
                             User.last_login_at).where(User.partner == actor.partner_id).order_by(User.full_name)


async def team_size(actor: CurrentUser) -> int:
    if actor.partner_id is None:
        return 0
    return await User.count().where((User.partner == actor.partner_id) & User.is_active.eq(True))


async def company_counts() -> dict[str, int]:
    return {
        "pending": await Partner.count().where(Partner.status == PartnerStatus.PENDING.value),
        "active": await Partner.count().where(Partner.status == PartnerStatus.ACTIVE.value),
        "users": await User.count().where(User.is_active.eq(True)),
    }


# --- API tokens -----------------------------------------------------------------------

TOKEN_PREFIX = "prm_"


async def create_api_token(actor: Actor, form: ApiTokenForm) -> str:
    if not await User.exists().where((User.id == form.user_id) & (User.is_active.eq(True))):
        raise ValidationFailed({"user_id": _("Choose one of the options.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with write_transaction():
        token = ApiToken(user=form.user_id, name=form.name, prefix=raw[:10], token_hash=_token_hash(raw))
        await token.save()
        await audit.record(actor, "api_token.created", "api_token", token.id,
                           after={"user_id": form.user_id, "name": form.name, "prefix": raw[:10]})
    return raw


async def revoke_api_token(actor: Actor, token_id: int) -> None:
    async with write_transaction():
        rows = await ApiToken.update({ApiToken.revoked_at: utcnow()}).where(
            (ApiToken.id == token_id) & ApiToken.revoked_at.is_null()
        ).returning(ApiToken.id)
        if not rows:
            if not await ApiToken.exists().where(ApiToken.id == token_id):
                raise NotFound()
            return
        await audit.record(actor, "api_token.revoked", "api_token", token_id, after={"revoked": True})


async def list_api_tokens() -> list[dict]:
    return await ApiToken.select(
        ApiToken.id, ApiToken.name, ApiToken.prefix, ApiToken.created_at, ApiToken.revoked_at,
        ApiToken.last_used_at, ApiToken.user.email.as_alias("user_email"),
    ).order_by(ApiToken.id, ascending=False)


async def user_for_api_token(raw: str) -> CurrentUser | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    row = await ApiToken.select(ApiToken.id, ApiToken.user.id.as_alias("user_id")).where(
        (ApiToken.token_hash == _token_hash(raw)) & ApiToken.revoked_at.is_null()
    ).first()
    if row is None:
        return None
    return await user_for_session(row["user_id"])
