"""Ledger benches: accruals through the service, balance reads vs history size, verify on 1M transfers."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time

from bench.common import BENCH_DIR, ROOT, emit, finish_sqlite, portal_env
from bench.web import demo_database


def ledger_database(n: int):
    """The demo data plus ``n`` transfers between 2,000 partners' accounts, balances consistent."""
    path = BENCH_DIR / f"ledger-{n}.sqlite3"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    shutil.copyfile(demo_database(), tmp)
    conn = sqlite3.connect(tmp)
    partner_ids = [r[0] for r in conn.execute("SELECT id FROM partner")]
    for i in range(2000 - len(partner_ids)):
        conn.execute("INSERT INTO partner (legal_name, search_name, inn, region, partner_type, status, address, phone,"
                     " email, bank_name, bik, settlement_account, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     (f"ООО «Бенч {i}»", f"ооо «бенч {i}»", f"9{i:011d}", "central", "dealer", "active", "", "", "",
                      "", "", "", "2026-01-01 00:00:00+00:00"))
    partner_ids = [r[0] for r in conn.execute("SELECT id FROM partner")]
    accounts = {}
    for code in ("points_issued",):
        conn.execute("INSERT OR IGNORE INTO ledger_account (owner_key, partner, code, unit, balance, non_negative)"
                     " VALUES (?, NULL, ?, 'points', 0, 0)", (f"c:{code}", code))
    issued = conn.execute("SELECT id FROM ledger_account WHERE owner_key = 'c:points_issued'").fetchone()[0]
    for pid in partner_ids:
        key = f"p:{pid}:points_pending"
        conn.execute("INSERT OR IGNORE INTO ledger_account (owner_key, partner, code, unit, balance, non_negative)"
                     " VALUES (?, ?, 'points_pending', 'points', 0, 1)", (key, pid))
        accounts[pid] = conn.execute("SELECT id FROM ledger_account WHERE owner_key = ?", (key,)).fetchone()[0]
    rng = random.Random(n)
    totals: dict[int, int] = {}

    def rows():
        for i in range(n):
            pid = rng.choice(partner_ids)
            amount = rng.randint(1, 900)
            totals[pid] = totals.get(pid, 0) + amount
            yield (f"bench:{n}:{i}", issued, accounts[pid], amount, "points", "accrual", pid, "{}",
                   "2026-06-01 00:00:00+00:00")

    conn.executemany("INSERT INTO ledger_transfer (key, debit_account, credit_account, amount, unit, kind, partner,"
                     " detail, created_at) VALUES (?,?,?,?,?,?,?,?,?)", rows())
    for pid, total in totals.items():
        conn.execute("UPDATE ledger_account SET balance = balance + ? WHERE id = ?", (total, accounts[pid]))
    conn.execute("UPDATE ledger_account SET balance = balance - ? WHERE id = ?", (sum(totals.values()), issued))
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    finish_sqlite(tmp)
    tmp.rename(path)
    return path


def _in_process(db, coro_factory):
    """Run an async function against ``db`` in a fresh interpreter (settings are read at import)."""
    code = (
        "import asyncio, sys, json; sys.path.insert(0, %r)\n"
        "from bench.ledger_inproc import %s as fn\n"
        "print(json.dumps(asyncio.run(fn())))\n" % (str(ROOT), coro_factory)
    )
    out = subprocess.run([sys.executable, "-c", code], env=portal_env(db), cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    import json

    return json.loads(out.strip().splitlines()[-1])


def bench_ledger() -> None:
    small, large = ledger_database(10_000), ledger_database(1_000_000)
    work = BENCH_DIR / "ledger-accruals.sqlite3"
    shutil.copyfile(small, work)
    emit("ledger.accruals_per_s", _in_process(work, "accruals")["per_s"], "transfers/s")
    read_small = _in_process(small, "balance_reads")["us"]
    read_large = _in_process(large, "balance_reads")["us"]
    emit("ledger.balance_read_us_10k", read_small, "µs")
    emit("ledger.balance_read_us_1m", read_large, "µs")
    emit("ledger.balance_read.growth_1m_vs_10k", read_large / read_small, "x")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "portal.cli", "ledger", "verify"], env=portal_env(large), cwd=ROOT,
                   check=True, capture_output=True)
    emit("ledger.verify_1m_s", time.perf_counter() - started, "s")


