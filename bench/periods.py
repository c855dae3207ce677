"""Period close bench: 10,000 partners, 1,000,000 approved claims with their accruals in the ledger, a plan
for every partner; the close runs as `premia period close` in its own process and ends with every act written.

Reports the close's wall time, acts per second, the peak memory of the whole process tree (the close and
its PDF workers), and the ratio against writing the same number of bare one-page PDFs with the same writer
and pool in the same run."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import multiprocessing
import os
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import BENCH_DIR, ROOT, emit, dataset_env, portal_env
from bench.web import demo_database

PARTNERS = 10_000
CLAIMS = 1_000_000


def _period() -> tuple[str, dt.date, dt.date]:
    from portal.db import company_today
    from portal.periods.calc import span_of

    # The month before last: the demo data already closed last month (its acts are part of the demo).
    span = span_of(company_today()).previous().previous()
    return span.code, span.starts_on, span.ends_on


def close_database() -> Path:
    code, first, last = _period()
    path = BENCH_DIR / f"close-{code}-{PARTNERS}-{CLAIMS}.sqlite3"
    if path.exists():
        return path
    from portal.accounts.inn import make_inn10
    from portal.ledger import keys

    tmp = path.with_suffix(".building")
    shutil.copyfile(demo_database(), tmp)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(PARTNERS)
    regions = ["central", "north_west", "south", "volga", "ural", "siberia", "far_east"]
    have = conn.execute("SELECT COUNT(*) FROM partner WHERE status = 'active'").fetchone()[0]
    conn.executemany(
        "INSERT INTO partner (legal_name, search_name, inn, region, partner_group, partner_type, status, address, "
        "phone, email, bank_name, bik, settlement_account, created_at) VALUES (?, ?, ?, ?, '', ?, 'active', ?, '', '', "
        "'ПАО «Банк»', '044525225', ?, CURRENT_TIMESTAMP)",
        [(f"ООО «Партнёр-бенч {i}»", f"ооо «партнёр-бенч {i}»", make_inn10(f"8{i:08d}"), rng.choice(regions),
          rng.choice(["dealer", "installer"]), f"г. Город, ул. Улица, д. {i % 200 + 1}", f"40702810{i:012d}")
         for i in range(PARTNERS - have)])
    partners = [r[0] for r in conn.execute("SELECT id FROM partner WHERE status = 'active'")]
    products = [r[0] for r in conn.execute("SELECT id FROM product")]
    user = conn.execute("SELECT id FROM portal_user LIMIT 1").fetchone()[0]
    conn.execute("DELETE FROM plan WHERE period = ?", (code,))
    per = CLAIMS // len(partners)
    template = lambda goal_units, goal_rev: json.dumps([  # noqa: E731
        {"key": "units", "name": "Котлы", "metric": "units", "scope": "all", "scope_value": "", "goal": goal_units,
         "bonus_unit": "points", "ladder": [{"threshold_bp": 8000, "bonus": 1000, "multiplier_bp": 10000},
                                            {"threshold_bp": 10000, "bonus": 3000, "multiplier_bp": 10000}]},
        {"key": "rev", "name": "Выручка", "metric": "revenue", "scope": "all", "scope_value": "", "goal": goal_rev,
         "bonus_unit": "kop", "ladder": [{"threshold_bp": 10000, "bonus": 1000000, "multiplier_bp": 12000}]}],
        ensure_ascii=False)
    plans = []
    for pid in partners:
        key = secrets.token_hex(6)
        plans.append((key, f"{key}:1", code, pid, template(int(per * 2 * rng.uniform(0.7, 1.4)),
                                                           int(per * 2_500_000 * rng.uniform(0.7, 1.4)))))
    conn.executemany("INSERT INTO plan (plan_key, version, version_key, period, name, partner, partner_group, targets, "
                     "batch, created_by, created_at) VALUES (?, 1, ?, ?, 'План продаж', ?, '', ?, 'bench', NULL, "
                     "CURRENT_TIMESTAMP)", plans)
    days = (last - first).days + 1
    first_claim = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM claim").fetchone()[0]) + 1

    def claims():
        for i in range(CLAIMS):
            yield (first_claim + i, partners[i % len(partners)], user, rng.choice(products), rng.randint(1, 3),
                   rng.randint(1_000_000, 9_000_000), (first + dt.timedelta(days=i % days)).isoformat(),
                   f"close-bench-{i}")

    conn.executemany(
        "INSERT INTO claim (id, partner, submitted_by, product, quantity, amount_kop, sold_on, serials, customer_name, "
        "customer_city, customer_phone, comment, status, flagged, idempotency_key, created_at, decision_reason, "
        "decision_text) VALUES (?,?,?,?,?,?,?,'','','','','','approved',0,?,CURRENT_TIMESTAMP,'','')", claims())
    # Each claim's cash accrual (1 % of the amount) as the ledger would have posted it, and the balances.
    conn.executemany("INSERT INTO ledger_account (owner_key, partner, code, unit, balance, non_negative) "
                     "VALUES (?, ?, ?, 'kop', 0, ?) ON CONFLICT (owner_key) DO NOTHING",
                     [(f"p:{pid}:cash_pending", pid, "cash_pending", 1) for pid in partners] +
                     [("c:cash_issued", None, "cash_issued", 0)])
    accounts = {r[0]: r[1] for r in conn.execute("SELECT owner_key, id FROM ledger_account")}
    issued = accounts["c:cash_issued"]
    conn.execute(
        "INSERT INTO ledger_transfer (key, debit_account, credit_account, amount, unit, kind, partner, detail, "
        f"created_at) SELECT {keys.claim_accrual_sql('c.id', 'kop', '1')}, ?, a.id, c.amount_kop / 100, 'kop', 'accrual', "
        "c.partner, '{}', CURRENT_TIMESTAMP FROM claim c JOIN ledger_account a ON a.owner_key = "
        "'p:' || c.partner || ':cash_pending' WHERE c.idempotency_key LIKE 'close-bench-%'", (issued,))
    conn.execute("UPDATE ledger_account SET balance = (SELECT COALESCE(SUM(amount), 0) FROM ledger_transfer t "
                 "WHERE t.credit_account = ledger_account.id) WHERE code = 'cash_pending'")
    conn.execute("UPDATE ledger_account SET balance = -(SELECT COALESCE(SUM(amount), 0) FROM ledger_transfer t "
                 "WHERE t.debit_account = ledger_account.id) + (SELECT COALESCE(SUM(amount), 0) FROM ledger_transfer "
                 "t WHERE t.credit_account = ledger_account.id) WHERE id = ?", (issued,))
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    subprocess.run([sys.executable, "-c", "import asyncio; from portal.plans.services import rebuild_sales; "
                    f"asyncio.run(rebuild_sales({code!r}))"], env=dataset_env(tmp), cwd=ROOT, check=True)
    tmp.rename(path)
    return path


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss[int(entry)] = int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, parent in parents.items():
            if parent == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


def _bare_pdfs(folder: str, count: int) -> list[int]:
    from portal.periods.pdf import Page, load_font, render

    font = load_font()
    sizes = []
    for n in range(count):
        page = Page(font)
        page.text(42, 60, f"Документ № {n}", 12)
        body = render([page], "bare")
        Path(folder, f"{n}.pdf").write_bytes(body)
        sizes.append(len(body))
    return sizes


def bench_period_close() -> None:
    code, _first, _last = _period()
    source = close_database()
    work = Path(tempfile.mkdtemp(prefix="premia-close-", dir=BENCH_DIR))
    try:
        db = work / "close.sqlite3"
        shutil.copyfile(source, db)
        env = portal_env(db, pg_from=source, PREMIA_VAR_DIR=str(work / "var"))
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "portal.cli", "period", "close", code], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = [0]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        out, err = proc.communicate()
        total = time.perf_counter() - started
        done.set()
        watcher.join()
        if proc.returncode != 0:
            raise SystemExit(f"the close failed: {err[-2000:]}")
        acts = len(list((work / "var" / "acts" / code).glob("*.pdf")))
        if acts < PARTNERS:
            raise SystemExit(f"the close wrote {acts} acts for {PARTNERS} partners")
        bare_dir = work / "bare"
        bare_dir.mkdir()
        workers = max(1, os.cpu_count() or 1)
        started = time.perf_counter()
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            per = acts // workers
            list(pool.map(_bare_pdfs, [str(bare_dir)] * workers, [per + (acts % workers if i == 0 else 0)
                                                                   for i in range(workers)]))
        bare = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    emit("period_close.total_s_10k", total, "s")
    emit("period_close.acts_per_s", acts / total, "acts/s")
    emit("period_close.peak_rss_mb", peak[0] / 1024, "MB")
    emit("period_close.ratio_vs_bare_pdf", total / bare, "x bare PDF writing")
