"""A process killed in the middle of a batch of accruals loses nothing and duplicates nothing on a re-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from portal.db import engine, is_sqlite
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if is_sqlite():
        env["PREMIA_SQLITE_PATH"] = engine().path
    return env


async def test_sigkill_mid_batch_then_rerun_gives_every_accrual_exactly_once():
    partner = await f.partner()
    batch = [sys.executable, "-m", "tests.ledger.accrual_batch", str(partner), "300"]
    proc = subprocess.Popen(batch + ["120"], cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # let it post part of the batch, then kill it without warning
        if int(line) == 120:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert await Transfer.count() == 121
    rerun = subprocess.run(batch, cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert await Transfer.count() == 300
    assert await ledger.balance(partner, "points_pending") == 300 * 7
    assert (await ledger.verify()).ok
