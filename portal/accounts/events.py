"""Domain events the accounts domain publishes. Subscribers run in the publisher's transaction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmailAlreadyInUse:
    """Someone registered a company or was invited with the e-mail of an existing user.

    The person asking got the same answer as for a new address (so the form does not reveal who has an
    account); the owner of the address is told instead (the bell, until e-mail exists).
    """

    user_id: int  # the existing user who owns the address
    how: str  # "registration" | "invitation"
    company: str  # the company named in the registration, or the inviting partner
