"""A contest close in its own process that pays one award per batch and stalls after the second batch, so a
test can SIGKILL it there. Usage: python -m tests.gamification.contest_close_run <contest id> <now iso>."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time


def main() -> None:
    from portal.gamification import contests
    from portal.wiring import wire

    wire()

    def stall(paid: int) -> None:
        print("paid", paid, flush=True)
        if paid >= 2:
            time.sleep(3600)  # inside the close, between committed batches: the test kills the process here

    contests.after_batch = stall
    asyncio.run(contests.close_contest(int(sys.argv[1]), dt.datetime.fromisoformat(sys.argv[2]), batch=1))


if __name__ == "__main__":
    main()
