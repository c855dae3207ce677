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

from portal.accounts import passwords, throttle
from portal.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ChangePasswordForm,
    InvitationForm,
    PartnerForm,
    RegistrationForm,
    UserForm,
)
from portal.accounts.events import EmailAlreadyInUse
from portal.accounts.roles import COMPANY_ROLES, PARTNER_AUDIT, PARTNER_MOVES, PARTNER_ROLES, PartnerStatus, Role
from portal.accounts.tables import ApiToken, Invitation, Partner, User, UserSession
from portal import events, workflow
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import is_unique_violation, read as db_read, utcnow, write as db_write, write_transaction
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
    'AS unread, s.id AS session_id, s.last_seen_epoch, '
    + revisions.READ_COLUMNS +
    ' FROM user_session s JOIN portal_user u ON u.id = s."user" LEFT JOIN partner p ON p.id = u.partner '
    "WHERE s.key_hash = {} AND s.expires_epoch > {} AND s.last_seen_epoch > {} AND u.is_active = {}"
)

# A session's last use is written at most once a minute: the request that finds it older pays one small
# UPDATE; every other request is the one read above.
_TOUCH_EVERY = 60
_TOUCH_SQL = "UPDATE user_session SET last_seen_epoch = {} WHERE id = {} AND last_seen_epoch < {}"


async def start_session(user_id: int, ip: str = "", user_agent: str = "") -> str:
    """Open a session for a user who just proved who they are. Returns the cookie token.

    A new random token every time: an id planted before login never becomes a logged-in one.
    """
    token = secrets.token_urlsafe(32)
    now = int(time.time())
    await UserSession.delete().where((UserSession.user == user_id) & (UserSession.expires_epoch <= now))
    await UserSession.insert(UserSession(
        key_hash=_token_hash(token), user=user_id, ip=ip[:64], user_agent=user_agent[:200],
        expires_epoch=now + get_settings().security.session_max_age, last_seen_epoch=now,
    ))
    return token


async def end_session(token: str) -> None:
    await UserSession.delete().where(UserSession.key_hash == _token_hash(token))


async def user_for_session_token(token: str) -> CurrentUser | None:
    """The user behind a session cookie, in one query; None if expired, idle too long, unknown or deactivated."""
    now = int(time.time())
    rows = await db_read(_SESSION_SQL, _token_hash(token), now, now - get_settings().security.session_idle, True)
    if not rows:
        return None
    row = rows[0]
    if now - row["last_seen_epoch"] >= _TOUCH_EVERY:
        async with write_transaction():
            await db_write(_TOUCH_SQL, now, row["session_id"], now - _TOUCH_EVERY + 1)
    return _current(row)


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


def _login_limits(email: str, ip: str, user_id: int | None, device: str | None, known_ip: bool) -> list[tuple[str, int]]:
    """Which counters one login attempt reserves, in order, with their limits (see SECURITY.md).

    - a known device (a valid device cookie issued to this account) counts only against itself: nobody
      elsewhere can lock it out;
    - anyone else counts per account and address (hard, login_limit_per_account), per address (hard,
      login_limit_per_ip: spraying many accounts from one host), and, unless the account has a session
      opened from that address, per account (login_limit_account_wide: many hosts against one account).
      That last limit only ever holds strangers to the account, never its owner's devices.
    """
    sec = get_settings().security
    if device is not None:
        return [(f"dev:{user_id}:{device}", sec.login_limit_per_account)]
    limits = [(f"acct_ip:{email}|{ip}", sec.login_limit_per_account), (f"ip:{ip}", sec.login_limit_per_ip)]
    if not known_ip:
        limits.append((f"acct:{email}", sec.login_limit_account_wide))
    return limits


async def _known_ip(user_id: int | None, ip: str) -> bool:
    if user_id is None or not ip:
        return False
    return await UserSession.exists().where((UserSession.user == user_id) & (UserSession.ip == ip[:64]))


async def authenticate(email: str, password: str, ip: str, device_cookie: str = "") -> CurrentUser:
    """Check a login. Raises TooManyAttempts, LoginFailed or AccountNotReady.

    The attempt is reserved (counted) before the password is verified, so concurrent guesses on any number
    of workers never get more verifications than the limits allow; a success gives the reservation back.
    """
    sec = get_settings().security
    email = email.strip().lower()
    window = throttle.window_no(sec.login_window_seconds)
    row = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    user_id = row["id"] if row else None
    device = throttle.device_id(device_cookie, user_id) if user_id is not None else None
    limits = _login_limits(email, ip, user_id, device, device is None and await _known_ip(user_id, ip))
    if await throttle.reserve(limits, window) is not None:
        raise TooManyAttempts(N_("Too many failed attempts. Try again in %(minutes)s minutes."),
                              minutes=max(1, sec.login_window_seconds // 60))

    ok, needs_rehash = await passwords.verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None:
        raise LoginFailed()  # the reservation stays: it was a failure
    # The password was right: this attempt was no failure, whatever follows.
    own = [key for key, _ in limits if key.startswith(("dev:", "acct_ip:"))]
    await throttle.clear(own)
    await throttle.release([key for key, _ in limits if key not in own], window)
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
    user = _current(full)
    assert user is not None
    return user


async def change_password(user: CurrentUser, form: ChangePasswordForm, ip: str = "", user_agent: str = "") -> str:
    """A user replaces their password. Every session of theirs ends (a thief's too) and a new one starts
    for the browser that asked; returns its cookie token.

    The current password is checked like a login (reserved first, limited per user), so a stolen session
    cannot be used to guess it.
    """
    sec = get_settings().security
    window = throttle.window_no(sec.login_window_seconds)
    key = f"pwchange:{user.id}"
    if await throttle.reserve([(key, sec.login_limit_per_account)], window) is not None:
        raise TooManyAttempts(N_("Too many failed attempts. Try again in %(minutes)s minutes."),
                              minutes=max(1, sec.login_window_seconds // 60))
    row = await User.select(User.password_hash).where(User.id == user.id).first()
    ok, _rehash = await passwords.verify_password(row["password_hash"] if row else None, form.current_password)
    if not ok:
        raise ValidationFailed({"current_password": _("The current password is wrong.")})
    new_hash = await passwords.hash_password(form.password)
    token = secrets.token_urlsafe(32)
    now = int(time.time())
    async with write_transaction():
        ended = await UserSession.delete().where(UserSession.user == user.id).returning(UserSession.id)
        await UserSession.insert(UserSession(
            key_hash=_token_hash(token), user=user.id, ip=ip[:64], user_agent=user_agent[:200],
            expires_epoch=now + sec.session_max_age, last_seen_epoch=now,
        ))
        await User.update({User.password_hash: new_hash}).where(User.id == user.id)
        await audit.record(user.actor(ip), "user.password_changed", "user", user.id,
                           after={"sessions_ended": len(ended)})
    await throttle.clear([key])
    return token


def device_token(user_id: int) -> str:
    """The known-device cookie's value for a user who just signed in."""
    return throttle.device_token(user_id)


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


async def _email_in_use(email: str, how: str, company: str, actor: Actor) -> bool:
    """True if a user has this address already; their owner is then told (bell) and the event audited.

    Forms that take a new user's address answer alike either way, so they reveal no accounts.
    """
    owner = await User.select(User.id).where(User.email == email).first()
    if owner is None:
        return False
    async with write_transaction():
        await events.publish(EmailAlreadyInUse(user_id=owner["id"], how=how, company=company))
        await audit.record(actor, f"{how}.email_in_use", "user", owner["id"], after={"company": company})
    return True


async def register_partner(form: RegistrationForm, ip: str = "") -> tuple[int, int] | None:
    """A company signs up: a pending partner and its first partner_admin.

    Nobody can log in for the partner until a manager approves it. Anonymous registrations are limited per
    address (PREMIA_REGISTER_LIMIT_IP per PREMIA_REGISTER_WINDOW). An address that already has an account
    gets the same answer as a new one, with the same work (the password is hashed either way); nothing is
    created and the owner of the address is told instead. Returns None then.
    """
    sec = get_settings().security
    window = throttle.window_no(sec.register_window_seconds)
    if await throttle.reserve([(f"register:{ip}", sec.register_limit_per_ip)], window) is not None:
        raise TooManyAttempts(N_("Too many registrations from your network. Try again in %(minutes)s minutes."),
                              minutes=max(1, sec.register_window_seconds // 60))
    await _ensure_inn_free(form.partner.inn)
    password_hash = await passwords.hash_password(form.password)
    anonymous = Actor(id=None, label="anonymous", ip=ip)
    if await _email_in_use(form.contact_email, "registration", form.partner.legal_name, anonymous):
        return None
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
            error = _unique_error(exc, email_field="contact_email")
            if "contact_email" in error.errors:  # the address was taken meanwhile: the same quiet answer
                await _email_in_use(form.contact_email, "registration", form.partner.legal_name, anonymous)
                return None
            raise error from exc
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
    # An address that has an account already is invited like any other (the answer reveals nothing); its
    # owner is told, and the link will not create a second account (accept_invitation).
    await _email_in_use(form.email, "invitation", actor.partner_name, actor.actor(ip))
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
        if is_unique_violation(exc):  # the address has an account: the link is spent, like any used link
            raise Conflict(N_("This invitation link has already been used, was revoked or has expired.")) from exc
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
