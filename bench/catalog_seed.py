"""Seeds a catalogue bench database (run in a subprocess pointed at it): buyers with points, through the
services, as the portal itself would make them."""

from __future__ import annotations

import asyncio
import sys

from portal.accounts import services as accounts
from portal.accounts.forms import UserForm
from portal.accounts.tables import Partner
from portal.audit.services import SYSTEM
from portal.demo import DEMO_PASSWORD
from portal.ledger import services as ledger


async def main(buyers: int) -> None:
    partners = [r["id"] for r in await Partner.select(Partner.id).where(Partner.status == "active").limit(buyers)]
    for n, pid in enumerate(partners):
        await accounts.create_user(SYSTEM, UserForm.parse({
            "email": f"buyer{n}@bench.example", "full_name": f"Покупатель {n}", "role": "partner_staff",
            "partner_id": str(pid), "password": DEMO_PASSWORD}))
        await ledger.adjust(pid, "points", 1_000_000_000, "bench", None, cause=f"bench:buyer:{pid}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
