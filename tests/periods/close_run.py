"""A period close run as its own process that stalls after its first chunk of acts, so a test can kill it
there (SIGKILL) and run the close again."""

from __future__ import annotations

import asyncio
import sys
import time


async def main(code: str) -> None:
    from portal.audit.services import SYSTEM
    from portal.periods import close
    from portal.wiring import wire

    wire()
    close.ACT_CHUNK = 2  # several chunks even for a small test period

    def progress(stage: str, done: int, total: int) -> None:
        print(stage, done, total, flush=True)
        if stage == "acts" and done >= 2:
            time.sleep(60)  # the test kills the process here, with some acts recorded and others not

    await close.close_period(code, SYSTEM, progress)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
