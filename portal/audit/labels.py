"""The audit log's template labels: an action code ("partner.approved") and an actor ("system") in words.

An action is "<object>.<what happened>"; both halves have a label, so a new action of a known kind reads
well without an entry here. A half nobody has labelled yet shows its code (the page also shows the code, which
is what the filter searches).
"""

from __future__ import annotations

import json

from jinja2 import Environment

from portal.i18n import N_
from portal.i18n import gettext as _

OBJECTS = {
    "act": N_("Act"), "api_token": N_("API token"), "claim": N_("Registration"), "invitation": N_("Invitation"),
    "job": N_("Scheduled job"), "job_run": N_("Scheduled job"), "job_type": N_("Job type"), "ledger": N_("Points and money"),
    "order": N_("Prize order"), "prize_order": N_("Prize order"), "order_policy": N_("Order approval rule"),
    "partner": N_("Partner"), "payout_line": N_("Payout"), "payout_register": N_("Payout register"),
    "period": N_("Period"), "plan": N_("Plan"), "plan_batch": N_("Plans"), "prize": N_("Prize"),
    "product": N_("Product"), "reward_rule": N_("Reward rule"), "user": N_("User"), "registration": N_("Registration"),
}
EVENTS = {
    "created": N_("created"), "updated": N_("changed"), "versioned": N_("new version"), "copied": N_("copied"),
    "approved": N_("approved"), "rejected": N_("rejected"), "submitted": N_("sent"), "resubmitted": N_("sent again"),
    "edited": N_("edited"), "withdrawn": N_("withdrawn"), "needs_info": N_("information asked"),
    "placed": N_("placed"), "confirmed": N_("confirmed"), "shipped": N_("shipped"), "delivered": N_("delivered"),
    "cancelled": N_("cancelled"), "declined": N_("declined"), "activated": N_("switched on"),
    "deactivated": N_("switched off"), "revoked": N_("revoked"), "accepted": N_("accepted"),
    "registered": N_("applied"), "built": N_("built"), "paid": N_("paid"), "hidden": N_("hidden"), "shown": N_("shown"),
    "moved": N_("moved"), "images_added": N_("photos added"), "regenerated": N_("made again"), "failed": N_("failed"),
    "succeeded": N_("done"), "taken_over": N_("taken over"), "adjusted": N_("adjusted"), "set": N_("set"),
    "password_changed": N_("password changed"), "email_in_use": N_("email already in use"), "closed": N_("closed"),
    "reopened": N_("reopened"), "closing": N_("closing started"), "approval_revoked": N_("approval withdrawn"),
}
ACTORS = {"system": N_("System"), "anonymous": N_("Visitor"), "scheduler": N_("Scheduler")}


def audit_object(code: str) -> str:
    return _(OBJECTS[code]) if code in OBJECTS else code


def audit_action(code: str) -> str:
    subject, _dot, event = (code or "").partition(".")
    thing = _(OBJECTS[subject]) if subject in OBJECTS else subject
    what = _(EVENTS[event]) if event in EVENTS else event
    return f"{thing}: {what}" if what else thing


def audit_actor(label: str) -> str:
    return _(ACTORS[label]) if label in ACTORS else label


def audit_json(value: object) -> str:
    """Before/after as readable JSON: Cyrillic as it is, not as \\u escapes (the template escapes HTML)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def register(env: Environment) -> None:
    env.filters.update(audit_action=audit_action, audit_object=audit_object, audit_actor=audit_actor,
                       audit_json=audit_json)
