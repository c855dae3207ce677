"""What each role's dashboard shows, gathered from the domains' services.

Later domains (ledger, plans, claims) add their sections here; it only reads.
"""

from __future__ import annotations

from portal.accounts import services as accounts
from portal.accounts.services import CurrentUser
from portal.ledger import services as ledger
from portal.plans import services as plans


async def dashboard_for(user: CurrentUser) -> dict:
    if user.is_partner:
        partner = await accounts.get_partner(user.partner_id)  # type: ignore[arg-type]
        team_size = await accounts.team_size(user) if user.role == "partner_admin" else 0
        return {"kind": "partner", "partner": partner, "team_size": team_size,
                "balances": await ledger.balances(user.partner_id), "expiring": await ledger.expiring(user.partner_id),
                "plan": await plans.fulfilment_of(user.partner_id, partner_group=partner["partner_group"] or "")}
    return {"kind": "company", "counts": await accounts.company_counts()}
