"""Domain errors: each carries the message the user will read.

Messages are msgids translated when shown (``str(err)`` or ``err.message``),
so the same error reads in Russian or English depending on the request.
One exception handler in portal.web.errors maps them to 4xx responses.
"""

from __future__ import annotations

from portal.i18n import N_, gettext


class DomainError(Exception):
    """A rule of the business was broken by the request; a 4xx, never a 500."""

    status_code = 400
    msgid = N_("The request could not be completed.")

    def __init__(self, msgid: str | None = None, *, field: str | None = None, **params: object) -> None:
        self.msgid = msgid or self.msgid
        self.field = field
        self.params = params
        super().__init__(self.msgid)

    @property
    def message(self) -> str:
        return gettext(self.msgid, **self.params)

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """The object does not exist or belongs to another partner (tenancy answers 404 too)."""

    status_code = 404
    msgid = N_("Not found.")


class Forbidden(DomainError):
    status_code = 403
    msgid = N_("You do not have access to this.")


class Conflict(DomainError):
    """The object's state moved on (already decided, already used)."""

    status_code = 409


class ValidationFailed(DomainError):
    """A form failed validation: ``errors`` maps field names to messages."""

    status_code = 400
    msgid = N_("Please correct the errors below.")

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__()
        self.errors = errors


class TooManyAttempts(DomainError):
    status_code = 429
