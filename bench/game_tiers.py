"""Tier bench: the cost of the tier's bookkeeping on the approval path, and the tier judgement of a period close
for 10,000 partners (each with a tier and 12 months of earned points).

- ``game_tiers.approve_ms``: one approval's tier bookkeeping (count the accrual, the 12-row sum, the upgrade
  check) in its own write transaction; ``game_tiers.accrue_ms``: the accrual transfer itself, same run, the
  baseline; ``game_tiers.approve_ratio``: the first over the second (how much the tier adds to an approval's
  core write).
- ``game_tiers.close_s_10k``: the tier judgement at a close (warnings, downgrades) for 10,000 partners;
  ``game_tiers.close_query_s_10k``: its one grouped read alone; ``game_tiers.close_ratio``.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys

from bench.common import BENCH_DIR, ROOT, emit, finish_sqlite, portal_env
from bench.web import demo_database

PARTNERS = 10_000


def tiers_database():
    from portal.db import company_today
    from portal.gamification.tiers import DEFAULT_LADDER, month_of, months_back

    path = BENCH_DIR / f"tiers-{PARTNERS}-{month_of(company_today())}.sqlite3"
    if path.exists():
        return path
    from portal.accounts.inn import make_inn10

    tmp = path.with_suffix(".building")
    shutil.copyfile(demo_database(), tmp)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(PARTNERS)
    have = conn.execute("SELECT COUNT(*) FROM partner WHERE status = 'active'").fetchone()[0]
    conn.executemany(
        "INSERT INTO partner (legal_name, search_name, inn, region, partner_group, partner_type, status, address, "
        "phone, email, bank_name, bik, settlement_account, created_at) VALUES (?, ?, ?, 'central', '', 'dealer', "
        "'active', '', '', '', '', '', '', CURRENT_TIMESTAMP)",
        [(f"ООО «Тир-бенч {i}»", f"ооо «тир-бенч {i}»", make_inn10(f"7{i:08d}")) for i in range(PARTNERS - have)])
    partners = [r[0] for r in conn.execute("SELECT id FROM partner WHERE status = 'active'")]
    month = month_of(company_today())
    earned, tiers = [], []
    for pid in partners:
        monthly = rng.choice([300, 2_000, 6_000, 14_000])
        total = 0
        for back in range(12):
            points = int(monthly * rng.uniform(0.3, 1.7))
            total += points
            m = months_back(month, back)
            earned.append((f"{pid}:{m}", pid, m, points))
        held = max((t for t in DEFAULT_LADDER if t["threshold_points"] <= total * 1.3), key=lambda t: t["position"])
        tiers.append((pid, held["code"], total))
    conn.execute("DELETE FROM game_tier_earned")
    conn.execute("DELETE FROM game_partner_tier")
    conn.executemany("INSERT INTO game_tier_earned (key, partner, month, points) VALUES (?, ?, ?, ?)", earned)
    conn.executemany("INSERT INTO game_partner_tier (partner, tier, earned_12m, since, updated_at) "
                     "VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", tiers)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    finish_sqlite(tmp)
    tmp.rename(path)
    return path


async def _measure(n: int = 300) -> dict:
    import time

    from portal import wiring
    from portal.accounts.tables import Partner
    from portal.db import company_today, write_transaction
    from portal.gamification import tiers
    from portal.gamification.tables import TierMove, TierWatch
    from portal.ledger import services as ledger
    from portal.periods.calc import span_of
    from portal.periods.events import PeriodClosed

    wiring.wire()
    partners = [r["id"] for r in await Partner.select(Partner.id).where(Partner.status == "active").limit(500)]
    month = tiers.month_of(company_today())
    run = time.time_ns()

    async def bookkeeping(i: int) -> None:
        async with write_transaction():
            await tiers._credit(partners[i % len(partners)], f"bench:{run}:{i}", month, 100)
            await tiers.refresh(partners[i % len(partners)])

    async def accrual(i: int) -> None:
        async with write_transaction():
            await ledger.accrue(f"bench-tier:{run}:{i}", partners[i % len(partners)], "points", 100, {"bench": True})

    for i in range(30):
        await bookkeeping(-1 - i)
        await accrual(-1 - i)
    started = time.perf_counter()
    for i in range(n):
        await accrual(i)
    accrue_ms = (time.perf_counter() - started) / n * 1000
    started = time.perf_counter()
    for i in range(n):
        await bookkeeping(i)
    approve_ms = (time.perf_counter() - started) / n * 1000

    span = span_of(company_today()).next()  # a close a month on: every partner is judged, some warned
    first, last = tiers.window(tiers.month_of(span.ends_on))
    next_first = tiers.window(tiers.month_of(span.next().ends_on))[0]
    started = time.perf_counter()
    await TierWatch.raw(
        "SELECT t.partner, t.tier, COALESCE(SUM(e.points), 0) AS total, "
        "COALESCE(SUM(CASE WHEN e.month >= {} THEN e.points ELSE 0 END), 0) AS kept, "
        "w.id AS watch, w.tier AS watch_tier, w.closes_below, w.last_period "
        "FROM game_partner_tier t LEFT JOIN game_tier_earned e ON e.partner = t.partner AND e.month >= {} "
        "AND e.month <= {} LEFT JOIN game_tier_watch w ON w.partner = t.partner "
        "GROUP BY t.partner, t.tier, w.id, w.tier, w.closes_below, w.last_period", next_first, first, last)
    query_s = time.perf_counter() - started
    started = time.perf_counter()
    counts = await tiers.on_period_closed(PeriodClosed(code=span.code, actor_id=None))
    close_s = time.perf_counter() - started
    # Leave the dataset as it was for the next run.
    async with write_transaction():
        await TierWatch.delete(force=True)
        await TierMove.delete().where(TierMove.period == span.code)
    return {"accrue_ms": accrue_ms, "approve_ms": approve_ms, "close_s": close_s, "query_s": query_s,
            "warned": counts.get("warned", 0)}


def bench_game_tiers() -> None:
    db = tiers_database()
    work = db.with_name(db.stem + "-run.sqlite3")
    shutil.copyfile(db, work)
    code = ("import asyncio, sys, json; sys.path.insert(0, %r)\n"
            "from bench.game_tiers import _measure\n"
            "print(json.dumps(asyncio.run(_measure())))\n" % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=portal_env(work, pg_from=db), cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    import json

    found = json.loads(out.strip().splitlines()[-1])
    emit("game_tiers.accrue_ms", found["accrue_ms"], "ms")
    emit("game_tiers.approve_ms", found["approve_ms"], "ms")
    emit("game_tiers.approve_ratio", found["approve_ms"] / found["accrue_ms"], "x")
    emit("game_tiers.close_query_s_10k", found["query_s"], "s")
    emit("game_tiers.close_s_10k", found["close_s"], "s")
    emit("game_tiers.close_ratio", found["close_s"] / max(found["query_s"], 1e-6), "x")
    emit("game_tiers.close_warned_10k", found["warned"], "partners")
    work.unlink(missing_ok=True)
