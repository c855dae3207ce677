"""Named exclusive locks that die with their holder: a period close, the scheduler's leadership.

SQLite (one host): an flock()ed file under var/locks; the kernel releases it when the process dies,
SIGKILL included. PostgreSQL (any number of hosts): pg_advisory_lock on a connection of its own,
released when that connection closes or its process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import zlib

from portal.settings import get_settings


class Held:
    def __init__(self, release) -> None:
        self._release = release

    async def release(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            await release()


async def try_acquire(name: str) -> Held | None:
    """The lock, or None at once if someone holds it."""
    settings = get_settings()
    if settings.db.is_postgres:
        import asyncpg

        conn = await asyncpg.connect(settings.db.url)
        key = zlib.crc32(name.encode())
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
            await conn.close()
            return None

        async def release_pg() -> None:
            with contextlib.suppress(Exception):
                await conn.execute("SELECT pg_advisory_unlock($1)", key)
            await conn.close()

        return Held(release_pg)
    folder = settings.app.var_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None

    async def release_file() -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    return Held(release_file)


@contextlib.asynccontextmanager
async def exclusive(name: str, wait_s: float = 600.0, poll_s: float = 0.2):
    """Hold the lock for the block, waiting for it up to ``wait_s``; TimeoutError after that."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while (held := await try_acquire(name)) is None:
        if loop.time() > deadline:
            raise TimeoutError(name)
        await asyncio.sleep(poll_s)
    try:
        yield held
    finally:
        await held.release()
