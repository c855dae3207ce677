"""What each role's dashboard shows, gathered from the domains' services.

Later domains (ledger, plans, claims) add their sections here; it only reads.
"""

from __future__ import annotations

from portal.accounts import services as accounts
from portal.accounts.services import CurrentUser


async def dashboard_for(user: CurrentUser) -> dict:
    if user.is_partner:
        partner = await accounts.get_partner(user.partner_id)  # type: ignore[arg-type]
        team = await accounts.team_of(user) if user.role == "partner_admin" else []
        return {"kind": "partner", "partner": partner, "team_size": len(team)}
    return {"kind": "company", "counts": await accounts.company_counts()}
