"""The process pool that renders acts, whose workers die with the process that started them.

A killed `premia period close` (SIGKILL, the OOM killer) cannot shut its pool down, and the workers,
which hold both ends of their task queue, would wait on it for ever. Each worker therefore asks Linux
to SIGKILL it when its parent dies (prctl PR_SET_PDEATHSIG), and, on any system, runs a watchdog
thread that exits the worker once its parent process id changes (the orphan was re-parented).
This module is imported by the workers: it must stay light (no database, no settings).
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_S = 0.5


def _set_parent_death_signal() -> bool:
    """Linux: the kernel sends SIGKILL to this process when the thread that spawned it ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_S)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """Pool initializer: never outlive ``parent``."""
    _set_parent_death_signal()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog", daemon=True).start()


def act_pool(workers: int | None = None) -> concurrent.futures.ProcessPoolExecutor:
    # spawn: the workers start clean (no inherited database threads or event loop) and only render PDFs
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers or max(1, os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent, initargs=(os.getpid(),))
