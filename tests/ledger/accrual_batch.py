"""A batch of accruals run as its own process, so a test can kill it midway (SIGKILL) and run it again."""

from __future__ import annotations

import asyncio
import sys


async def main(partner_id: int, count: int) -> None:
    from portal.ledger import services as ledger

    for i in range(count):
        await ledger.accrue(f"batch:{i}", partner_id, "points", 7, {"batch": True})
        print(i, flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
