"""The parts of the ledger bench that run inside the portal's own process and services."""

from __future__ import annotations

import time


async def accruals(n: int = 2000) -> dict:
    from portal.accounts.tables import Partner
    from portal.ledger import services as ledger

    partners = [r["id"] for r in await Partner.select(Partner.id).limit(200)]
    for i in range(50):  # warm up
        await ledger.accrue(f"warm:{i}", partners[i % len(partners)], "points", 10, {"bench": True})
    started = time.perf_counter()
    for i in range(n):
        await ledger.accrue(f"bench-accrual:{time.time_ns()}:{i}", partners[i % len(partners)], "points", 10,
                            {"bench": True})
    return {"per_s": n / (time.perf_counter() - started)}


async def balance_reads(n: int = 5000) -> dict:
    from portal.accounts.tables import Partner
    from portal.ledger import services as ledger

    partners = [r["id"] for r in await Partner.select(Partner.id).limit(500)]
    for pid in partners[:100]:
        await ledger.balances(pid)
    started = time.perf_counter()
    for i in range(n):
        await ledger.balances(partners[i % len(partners)])
    return {"us": (time.perf_counter() - started) / n * 1e6}
