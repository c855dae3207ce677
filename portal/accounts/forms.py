"""Input models of the accounts domain, with validation and user-facing messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal import forms as f
from portal.accounts import passwords
from portal.accounts.inn import clean_inn, is_valid_inn
from portal.accounts.regions import REGIONS
from portal.accounts.roles import COMPANY_ROLES, PARTNER_ROLES, PartnerType, Role
from portal.errors import ValidationFailed
from portal.i18n import gettext as _

PARTNER_TYPES = frozenset(t.value for t in PartnerType)


def _inn(data: Mapping[str, Any], errors: f.Errors) -> str:
    # Clean first, then bound: "5001 0073 2259" is 14 characters as typed and a valid INN.
    value = clean_inn(str(data.get("inn") or ""))
    if not value:
        errors.add("inn", _("This field is required."))
    elif not is_valid_inn(value):
        errors.add("inn", _("The INN must be 10 or 12 digits with valid check digits."))
    return value


def _raise(errors: f.Errors) -> None:
    if errors:
        raise ValidationFailed(dict(errors))


@dataclass(frozen=True)
class LoginForm:
    email: str
    password: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> LoginForm:
        errors = f.Errors()
        email = f.text(data, "email", errors, max_length=254).lower()
        password = str(data.get("password") or "")
        if not password:
            errors.add("password", _("This field is required."))
        _raise(errors)
        return cls(email=email, password=password)


@dataclass(frozen=True)
class PartnerForm:
    legal_name: str
    inn: str
    region: str
    partner_type: str
    address: str = ""
    partner_group: str = ""
    phone: str = ""
    email: str = ""
    bank_name: str = ""
    bik: str = ""
    settlement_account: str = ""

    @staticmethod
    def _fields(data: Mapping[str, Any], errors: f.Errors, *, registrant: bool = False) -> dict[str, str]:
        """The partner's fields from the form. A self-registering company (``registrant``) may not name its
        partner group: the group decides terms and rewards, so only the company's staff set it."""
        bik = f.text(data, "bik", errors, required=False, max_length=9)
        if bik and not (bik.isdigit() and len(bik) == 9):
            errors.add("bik", _("The BIK is 9 digits."))
        account = f.text(data, "settlement_account", errors, required=False, max_length=20)
        if account and not (account.isdigit() and len(account) == 20):
            errors.add("settlement_account", _("The settlement account is 20 digits."))
        return {
            "legal_name": f.text(data, "legal_name", errors),
            "inn": _inn(data, errors),
            "region": f.choice(data, "region", errors, set(REGIONS)),
            "partner_type": f.choice(data, "partner_type", errors, PARTNER_TYPES),
            "address": f.text(data, "address", errors, required=False, max_length=500),
            "partner_group": "" if registrant else f.text(data, "partner_group", errors, required=False,
                                                          max_length=100),
            "phone": f.text(data, "phone", errors, required=False, max_length=40),
            "bank_name": f.text(data, "bank_name", errors, required=False, max_length=200),
            "bik": bik,
            "settlement_account": account,
        }

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> PartnerForm:
        errors = f.Errors()
        fields = cls._fields(data, errors)
        company_email = str(data.get("email") or "").strip().lower()
        if company_email and not f.EMAIL_RE.match(company_email):
            errors.add("email", _("Enter a valid email address."))
        _raise(errors)
        return cls(**fields, email=company_email)


@dataclass(frozen=True)
class RegistrationForm:
    """A company's self-registration: its details and its first administrator.

    Only the fields a registrant may set are read (a whitelist): the status, the partner group, a role or
    an admin flag posted as extra fields are ignored, since nothing here reads them.
    """

    partner: PartnerForm
    contact_name: str
    contact_email: str
    password: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> RegistrationForm:
        errors = f.Errors()
        fields = PartnerForm._fields(data, errors, registrant=True)
        contact_name = f.text(data, "contact_name", errors, max_length=200)
        contact_email = f.email(data, "contact_email", errors)
        password = passwords.new_password(data, "password", "password_confirm", errors,
                                          user_inputs=(contact_name, contact_email, fields["legal_name"]))
        _raise(errors)
        return cls(
            partner=PartnerForm(**fields, email=contact_email),
            contact_name=contact_name,
            contact_email=contact_email,
            password=password,
        )


@dataclass(frozen=True)
class InvitationForm:
    email: str
    role: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> InvitationForm:
        errors = f.Errors()
        email = f.email(data, "email", errors)
        role = f.choice(data, "role", errors, {r.value for r in PARTNER_ROLES})
        _raise(errors)
        return cls(email=email, role=role)


@dataclass(frozen=True)
class AcceptInvitationForm:
    full_name: str
    password: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> AcceptInvitationForm:
        errors = f.Errors()
        full_name = f.text(data, "full_name", errors, max_length=200)
        password = passwords.new_password(data, "password", "password_confirm", errors, user_inputs=(full_name,))
        _raise(errors)
        return cls(full_name=full_name, password=password)


@dataclass(frozen=True)
class UserForm:
    """An admin creates a user of any role; partner roles need a partner."""

    email: str
    full_name: str
    role: str
    partner_id: int | None
    password: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> UserForm:
        errors = f.Errors()
        email = f.email(data, "email", errors)
        full_name = f.text(data, "full_name", errors, max_length=200)
        role = f.choice(data, "role", errors, {r.value for r in Role})
        partner_id = f.integer(data, "partner_id", errors, required=False)
        if role in PARTNER_ROLES and partner_id is None:
            errors.add("partner_id", _("A partner user needs a partner."))
        if role in COMPANY_ROLES:
            partner_id = None
        password = passwords.new_password(data, "password", "", errors, user_inputs=(full_name, email))
        _raise(errors)
        return cls(email=email, full_name=full_name, role=role, partner_id=partner_id, password=password)


@dataclass(frozen=True)
class ChangePasswordForm:
    """Any signed-in user changes their own password: the current one, then the new one twice."""

    current_password: str
    password: str

    @classmethod
    def parse(cls, data: Mapping[str, Any], user_inputs: tuple[str, ...] = ()) -> ChangePasswordForm:
        errors = f.Errors()
        current = str(data.get("current_password") or "")
        if not current:
            errors.add("current_password", _("This field is required."))
        password = passwords.new_password(data, "password", "password_confirm", errors, user_inputs=user_inputs)
        if current and password and current == password and "password" not in errors:
            errors.add("password", _("The new password must differ from the current one."))
        _raise(errors)
        return cls(current_password=current, password=password)


@dataclass(frozen=True)
class ApiTokenForm:
    user_id: int
    name: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> ApiTokenForm:
        errors = f.Errors()
        user_id = f.integer(data, "user_id", errors)
        name = f.text(data, "name", errors, max_length=100)
        _raise(errors)
        assert user_id is not None
        return cls(user_id=user_id, name=name)
