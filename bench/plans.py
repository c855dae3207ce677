"""Fulfilment bench: the manager table for 2,000 partners with plans, at 20k, 200k and 2M approved claims
in the period. The datasets are built once under var/bench/ (the claims by bulk INSERT, the sales summary by
the same ``rebuild_sales`` service the CLI uses)."""

from __future__ import annotations

import json
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys

from bench.common import BENCH_DIR, ROOT, emit, dataset_env, portal_env, serve, wrk
from bench.web import demo_database

PARTNERS = 2_000
QUEUE_CONNECTIONS = 4


def _period() -> tuple[str, str, str]:
    from portal.db import company_today
    from portal.periods.calc import span_of

    today = company_today()
    span = span_of(today)
    return span.code, span.starts_on.isoformat(), today.isoformat()


def fulfilment_database(n: int) -> object:
    code, first_day, today = _period()
    path = BENCH_DIR / f"fulfilment-{code}-{n}.sqlite3"
    if path.exists():
        return path
    from portal.accounts.inn import make_inn10

    tmp = path.with_suffix(".building")
    shutil.copyfile(demo_database(), tmp)
    conn = sqlite3.connect(tmp)
    rng = random.Random(n)
    have = conn.execute("SELECT COUNT(*) FROM partner WHERE status = 'active'").fetchone()[0]
    regions = ["central", "north_west", "south", "volga", "ural", "siberia", "far_east"]
    groups = ["", "", "", "Ключевые", "Региональные"]
    conn.executemany(
        "INSERT INTO partner (legal_name, search_name, inn, region, partner_group, partner_type, status, address, "
        "phone, email, bank_name, bik, settlement_account, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'active', '', '', '', '', '', '', CURRENT_TIMESTAMP)",
        [(f"ООО «Бенч {i}»", f"ооо «бенч {i}»", make_inn10(f"7{i:08d}"), rng.choice(regions), rng.choice(groups),
          rng.choice(["dealer", "installer"])) for i in range(PARTNERS - have)])
    partners = [r[0] for r in conn.execute("SELECT id FROM partner WHERE status = 'active'")]
    template = conn.execute("SELECT targets FROM plan WHERE period = ? AND superseded_at IS NULL LIMIT 1",
                            (code,)).fetchone()[0]
    goals = json.loads(template)
    conn.execute("DELETE FROM plan WHERE period = ?", (code,))
    per_partner = max(1, n // len(partners))
    rows = []
    for pid in partners:
        targets = json.loads(json.dumps(goals))
        targets[0]["goal"] = max(1, int(per_partner * rng.uniform(0.6, 1.6)))  # units of boilers
        targets[1]["goal"] = max(100, int(per_partner * 2_000_000 * rng.uniform(0.6, 1.6)))  # revenue, kopecks
        key = secrets.token_hex(6)
        rows.append((key, f"{key}:1", code, "План продаж", pid, json.dumps(targets, ensure_ascii=False)))
    conn.executemany("INSERT INTO plan (plan_key, version, version_key, period, name, partner, partner_group, targets, "
                     "batch, created_by, created_at) VALUES (?, 1, ?, ?, ?, ?, '', ?, 'bench', NULL, CURRENT_TIMESTAMP)",
                     rows)
    user = conn.execute("SELECT id FROM portal_user LIMIT 1").fetchone()[0]
    products = [r[0] for r in conn.execute("SELECT id FROM product")]
    import datetime as dt

    start, end = dt.date.fromisoformat(first_day), dt.date.fromisoformat(today)
    days = (end - start).days + 1

    def claims():
        for i in range(n):
            sold = start + dt.timedelta(days=i % days)
            yield (rng.choice(partners), user, rng.choice(products), rng.randint(1, 3), rng.randint(100_000, 9_000_000),
                   sold.isoformat(), f"FB-{n}-{i}", f"fulfil-{n}-{i}")

    conn.executemany(
        "INSERT INTO claim (partner, submitted_by, product, quantity, amount_kop, sold_on, serials, customer_city, "
        "status, flagged, idempotency_key, created_at) VALUES (?,?,?,?,?,?,?,'',"
        "'approved',0,?,CURRENT_TIMESTAMP)", claims())
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    subprocess.run([sys.executable, "-c", "import asyncio, sys; from portal.plans.services import rebuild_sales; "
                    f"asyncio.run(rebuild_sales({code!r}))"], env=dataset_env(tmp), cwd=ROOT, check=True)
    tmp.rename(path)
    return path


def bench_fulfilment() -> None:
    import httpx

    from portal.demo import DEMO_PASSWORD

    results = {}
    for n, label in ((20_000, "20k"), (200_000, "200k"), (2_000_000, "2m")):
        db = fulfilment_database(n)
        with serve("portal.app:create_app", portal_env(db)) as url:
            with httpx.Client(base_url=url) as client:
                client.get("/login")
                client.post("/login", data={"email": "manager@premia.example", "password": DEMO_PASSWORD},
                            headers={"x-csrftoken": client.cookies["csrftoken"]})
                page = client.get("/manage/fulfilment/")
                if page.status_code != 200 or f"{PARTNERS}" not in page.text.replace("\xa0", "").replace(" ", ""):
                    raise SystemExit(f"fulfilment table did not show {PARTNERS} partners")
                headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
            # A few managers at once, as on the review queue: the question is the page's own cost.
            wrk(url + "/manage/fulfilment/", headers, duration=2, connections=QUEUE_CONNECTIONS, threads=1)
            result = wrk(url + "/manage/fulfilment/", headers, connections=QUEUE_CONNECTIONS, threads=1)
        if result["bad"]:
            raise SystemExit(f"fulfilment answered {result['bad']:.0f} non-2xx responses")
        results[label] = result
        emit(f"fulfilment.p99_ms_{label}", result["p99_ms"], "ms")
    emit("fulfilment.rps", results["200k"]["rps"], "req/s")
    emit("fulfilment.growth_2m_vs_200k", results["2m"]["p99_ms"] / results["200k"]["p99_ms"], "x")
