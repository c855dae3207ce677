"""Rewards services: rule versions, and accruals for approved claims through the ledger.

Subscribes to ClaimDecided; approving a claim knows nothing of points. Each approval of a claim is its own
cause (portal.ledger.keys.claim): the n-th approval is the n-th status event into "approved", so a claim
approved, withdrawn and approved again earns again, under the rules of its new approval, and a withdrawal
reverses the accruals of the approval it withdraws, never an earlier one's.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from portal.audit import services as audit
from portal.audit.services import Actor
from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
from portal.claims.statuses import APPROVED
from portal.claims.tables import Claim, ClaimEvent
from portal.db import utcnow, write_transaction
from portal.errors import NotFound, ValidationFailed
from portal import forms as f
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.ledger import keys
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.rewards import calc
from portal.rewards.slots import tier_boost
from portal.rewards.tables import RewardRule

KINDS = ("per_unit", "percent", "fixed")
SCOPES = ("product", "category", "job_type", "all")
UNITS = ("points", "kop")


MAX_RULE_VALUE = 10**12
_WHOLE = N_("Enter a whole number above zero.")
RULE_FIELDS = {
    "name": f.Field(max_length=200),
    "scope": f.Field(f.CHOICE, choices=SCOPES, required_message=N_("Choose one of the options.")),
    "scope_value": f.Field(required=False, max_length=100),
    "kind": f.Field(f.CHOICE, choices=KINDS, required_message=N_("Choose one of the options.")),
    "value": f.Field(f.INT, min_value=1, max_value=MAX_RULE_VALUE, required_message=_WHOLE, message=_WHOLE,
                     range_message=_WHOLE),
    "unit": f.Field(f.CHOICE, choices=UNITS, required_message=N_("Choose one of the options.")),
    "partner_id": f.Field(f.ID, required=False),
    "partner_group": f.Field(required=False, max_length=100),
    "valid_from": f.Field(f.DATE, required_message=N_("Enter a date.")),
    "valid_to": f.Field(f.DATE, required=False),
}


@dataclass(frozen=True)
class RuleData:
    name: str
    scope: str
    scope_value: str
    kind: str
    value: int
    unit: str
    partner_id: int | None
    partner_group: str
    valid_from: dt.date
    valid_to: dt.date | None

    @classmethod
    def parse(cls, data: dict) -> RuleData:
        errors = f.Errors()
        values = f.clean(RULE_FIELDS, data, errors)
        if values["scope"] != "all" and not values["scope_value"]:
            errors.add("scope_value", _("Say which product, category or job type."))
        if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
            errors.add("valid_to", _("The end is before the start."))
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(**values)


async def save_rule(actor: Actor, data: RuleData, rule_key: str | None = None) -> int:
    """A new rule, or a new version of one: the current version is closed, never edited."""
    from portal.accounts.tables import Partner

    async with write_transaction():
        if data.partner_id is not None and not await Partner.exists().where(Partner.id == data.partner_id):
            raise ValidationFailed({"partner_id": _("Choose one of the options.")})
        version = 1
        before = None
        if rule_key:
            current = await RewardRule.select().where(
                (RewardRule.rule_key == rule_key) & RewardRule.superseded_at.is_null()).first()
            if current is None:
                raise NotFound()
            version = current["version"] + 1
            before = {k: current[k] for k in ("name", "kind", "value", "unit", "valid_from", "valid_to")}
            await RewardRule.update({RewardRule.superseded_at: utcnow()}).where(RewardRule.id == current["id"])
        key = rule_key or secrets.token_hex(6)
        row = RewardRule(rule_key=key, version=version, version_key=f"{key}:{version}", name=data.name,
                         scope=data.scope, scope_value=data.scope_value, kind=data.kind, value=data.value,
                         unit=data.unit, partner=data.partner_id, partner_group=data.partner_group,
                         valid_from=data.valid_from, valid_to=data.valid_to)
        await row.save()
        await audit.record(actor, "reward_rule.versioned" if rule_key else "reward_rule.created", "reward_rule",
                           key, before=before, after={"version": version, "name": data.name, "kind": data.kind,
                                                      "value": data.value, "unit": data.unit})
    return row.id


async def current_rules() -> list[dict]:
    return await RewardRule.select().where(RewardRule.superseded_at.is_null()).order_by(RewardRule.name)


async def rule_versions(rule_key: str) -> list[dict]:
    return await RewardRule.select().where(RewardRule.rule_key == rule_key).order_by(RewardRule.version)


async def work_of(claim_id: int) -> calc.Work:
    row = await Claim.select(
        Claim.partner, Claim.partner.partner_group.as_alias("partner_group"), Claim.product, Claim.product.category.as_alias("category"), Claim.job_type, Claim.quantity,
        Claim.amount_kop, Claim.sold_on,
    ).where(Claim.id == claim_id).first()
    return calc.Work(partner_id=row["partner"], partner_group=row["partner_group"] or "", product_id=row["product"], category=row["category"] or "",
                     job_type_id=row["job_type"], quantity=row["quantity"], amount_kop=row["amount_kop"],
                     sold_on=row["sold_on"])


async def preview(work: calc.Work, boost: dict | None | bool = False) -> list[tuple[dict, int]]:
    """What this work would earn under today's rules: (rule, amount) per unit. Points are multiplied by the
    partner's tier (``boost``: asked through the tier slot unless given); money never is."""
    if boost is False:
        boost = await tier_boost(work.partner_id)
    return [(rule, calc.boosted(rule, calc.reward(rule, work), boost))
            for rule in calc.best_rules(await current_rules(), work)]


async def approval_number(claim_id: int) -> int:
    """Which approval of the claim the current (or last) one is: 1 for the first. Counted from the claim's
    status events, which the claims domain writes before it publishes the decision; a claim loaded without
    events (bulk loads) counts as approved once."""
    approvals = await ClaimEvent.count().where(
        (ClaimEvent.claim == claim_id) & (ClaimEvent.to_status == APPROVED) & (ClaimEvent.from_status != APPROVED))
    return max(1, approvals)


def accrual_key_sql(claim_id: str, unit: str) -> str:
    """SQL for the key of the accrual of a claim's current (or last) approval, over a column holding the claim
    id (e.g. ``"c.id"``): the same numbering as approval_number(), for queries over many claims."""
    approvals = (f"(SELECT COUNT(*) FROM claim_event e WHERE e.claim = {claim_id} AND e.to_status = '{APPROVED}' "
                 f"AND e.from_status <> '{APPROVED}')")
    return keys.claim_accrual_sql(claim_id, unit, approvals)


async def accrue_claim(claim_id: int, actor_id: int | None = None) -> list[ledger.Posted]:
    """Post the accruals of a claim's approval. Its cause key (the claim and the approval's number) makes a
    replay of the same approval harmless."""
    work = await work_of(claim_id)
    cause = keys.claim(claim_id, await approval_number(claim_id))
    boost = await tier_boost(work.partner_id)
    posted = []
    for rule, amount in await preview(work, boost):
        if amount > 0:
            posted.append(await ledger.accrue(cause, work.partner_id, rule["unit"], amount,
                                              calc.explain(rule, work, boost), actor_id))
    return posted


async def on_claim_decided(event: ClaimDecided) -> None:
    if event.status == APPROVED:
        await accrue_claim(event.claim_id, event.actor_id)


async def reverse_claim(claim_id: int, reason: str, actor_id: int | None = None) -> None:
    """Undo the accruals of the claim's last approval. Points already released come back from available first;
    whatever the partner has already spent is recorded as a shortfall for finance, never taken below zero or
    from other claims' points."""
    approval = await approval_number(claim_id)
    for unit in ledger.POINTS, ledger.KOP:
        accrual = await Transfer.select().where(Transfer.key == keys.claim_accrual(claim_id, unit, approval)).first()
        if accrual is None or await Transfer.exists().where(Transfer.reverses == accrual["id"]):
            continue
        cap = accrual["amount"]
        release = await Transfer.select().where(Transfer.key == keys.release(accrual["id"])).first()
        if release is not None:
            back = await ledger.reverse(release["id"], reason, actor_id, allow_shortfall=True)
            cap = back.amount
        await ledger.reverse(accrual["id"], reason, actor_id, allow_shortfall=True, cap=cap)


async def on_approval_revoked(event: ClaimApprovalRevoked) -> None:
    await reverse_claim(event.claim_id, event.reason, event.actor_id)
