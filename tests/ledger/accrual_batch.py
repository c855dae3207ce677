"""A batch of accruals run as its own process, so a test can kill it midway (SIGKILL) and run it again."""

from __future__ import annotations

import asyncio
import sys


async def main(partner_id: int, count: int, stall_after: int) -> None:
    from portal.ledger import services as ledger

    for i in range(count):
        await ledger.accrue(f"batch:{i}", partner_id, "points", 7, {"batch": True})
        print(i, flush=True)
        if i == stall_after:
            await asyncio.sleep(60)  # the test kills the process here, with the batch half done


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else -1))
