"""`premia scheduler` as its own process, whose period close stalls (asynchronously: the event loop, and so
the lease heartbeat, keep running) once two acts are recorded, so a test can kill it there (SIGKILL)."""

from __future__ import annotations

import asyncio


def main() -> None:
    from portal import cli
    from portal.periods import close

    close.ACT_CHUNK = 2  # several chunks even for a small test period
    real_stage = close._stage

    async def stage(code, name, done=0, total=0, progress=None):
        await real_stage(code, name, done, total, progress)
        print("close", name, done, total, flush=True)
        if name == "acts" and done >= 2:
            await asyncio.sleep(3600)  # the test kills the process here

    close._stage = stage
    cli.main(["scheduler"], standalone_mode=False)


if __name__ == "__main__":
    main()
