"""Contest close bench: a contest with 10,000 partners' standings (bulk SQL), closed as the scheduler closes it
(freeze the places, write the awards, pay them through the ledger under their cause keys, ring the bells, publish).

Prints ``game.contest_close_s_10k`` (wall time of ``close_contest``; target < 10 s), the awards it paid, and as a
baseline in the same run ``game.contest_ledger_s_10k``: posting the same transfers with ``post_batch`` alone on a
copy of the same data, and their ratio. Each runs in its own process on its own copy of the dataset.

Also ``running_contests(n)``: n running contests in the current database, for the approval-overhead bench.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
import subprocess
import sys

from bench.common import BENCH_DIR, ROOT, dataset_env, emit, finish_sqlite

PARTNERS = 10_000
THRESHOLD = 20  # about half the partners reach it


def contest_database():
    """A migrated SQLite file with 10,000 partners (one user each) and a contest that ended yesterday, its
    standings filled: built once per schema under var/bench/."""
    path = BENCH_DIR / f"contest-{PARTNERS}.sqlite3"
    if path.exists():
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "portal.cli", "migrate"], env=dataset_env(tmp), cwd=ROOT, check=True,
                   capture_output=True)
    from portal.accounts.inn import make_inn10

    rng = random.Random(PARTNERS)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.executemany(
        "INSERT INTO partner (legal_name, search_name, inn, region, partner_group, partner_type, status, address, "
        "phone, email, bank_name, bik, settlement_account, created_at) VALUES (?, ?, ?, 'central', '', 'dealer', "
        "'active', '', '', '', '', '', '', CURRENT_TIMESTAMP)",
        [(f"ООО «Конкурсант {i}»", f"ооо «конкурсант {i}»", make_inn10(f"7{i:08d}")) for i in range(PARTNERS)])
    partners = [r[0] for r in conn.execute("SELECT id FROM partner")]
    conn.executemany(
        "INSERT INTO portal_user (email, full_name, search_name, password_hash, role, partner, is_active, locale, "
        "created_at) VALUES (?, ?, '', 'x', 'partner_admin', ?, 1, '', CURRENT_TIMESTAMP)",
        [(f"c{pid}@bench.example", f"Дилер {pid}", pid) for pid in partners])
    yesterday = dt.date.today() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday - dt.timedelta(days=30), dt.time.min, tzinfo=dt.timezone.utc)
    end = dt.datetime.combine(yesterday, dt.time.min, tzinfo=dt.timezone.utc)
    cur = conn.execute(
        "INSERT INTO game_contest (name, description, status, starts_on, ends_on, starts_at, ends_at, eligibility, "
        "metric, scope, scope_value, threshold, threshold_unit, threshold_amount, places, created_by, created_at, "
        "closed_at) VALUES ('Бенч', '', 'running', ?, ?, ?, ?, '{}', 'units', 'all', '', ?, 'points', 5000, ?, NULL, "
        "CURRENT_TIMESTAMP, NULL)",
        (start.date().isoformat(), yesterday.isoformat(), start.isoformat(), end.isoformat(), THRESHOLD,
         json.dumps([{"unit": "points", "amount": 50000}, {"unit": "kop", "amount": 3000000},
                     {"unit": "points", "amount": 10000}])))
    contest_id = cur.lastrowid
    conn.executemany(
        "INSERT INTO game_contest_standing (key, contest, partner, value, claims, reached_at, place) "
        "VALUES (?, ?, ?, ?, ?, ?, NULL)",
        [(f"{contest_id}:{pid}", contest_id, pid, v, v, (start + dt.timedelta(seconds=rng.randint(0, 2_500_000))
                                                         ).isoformat())
         for pid in partners for v in [rng.randint(1, 40)]])
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    finish_sqlite(tmp)
    tmp.rename(path)
    return path


_CLOSE = """
import asyncio, time
from portal.gamification import contests
async def main():
    t = time.perf_counter()
    result = await contests.close_contest({contest})
    print(time.perf_counter() - t, result.paid, result.status)
asyncio.run(main())
"""

_LEDGER = """
import asyncio, time
from portal.db import write_transaction
from portal.gamification import contests
from portal.gamification.tables import ContestStanding
from portal.ledger import keys, services as ledger
async def main():
    contest = await contests.get({contest})
    rows = await contests.standings({contest})
    specs = []
    for place, r in enumerate(rows, start=1):
        for award, unit, amount in contests.award_for(contest, r["value"], place):
            debit, credit = ((None, "points_issued"), (r["partner"], ledger.AVAILABLE)) if unit == "points" \\
                else ((None, "cash_issued"), (r["partner"], "cash_payable"))
            specs.append(ledger.Spec(keys.contest_award({contest}, r["partner"], award), debit, credit, amount,
                                     "contest_award", {{}}))
    t = time.perf_counter()
    for start in range(0, len(specs), 1000):
        async with write_transaction():
            await ledger.post_batch(specs[start:start + 1000])
    print(time.perf_counter() - t, len(specs), "posted")
asyncio.run(main())
"""


def _run(code: str, db, name: str) -> tuple[float, int]:
    copy = BENCH_DIR / f"{name}.sqlite3"
    shutil.copyfile(db, copy)
    try:
        out = subprocess.run([sys.executable, "-c", code.format(contest=1)], env=dataset_env(copy), cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout.split()
    finally:
        copy.unlink(missing_ok=True)
    return float(out[0]), int(out[1])


def bench_contest_close() -> None:
    db = contest_database()
    seconds, paid = _run(_CLOSE, db, "contest-close-run")
    baseline, posted = _run(_LEDGER, db, "contest-ledger-run")
    emit("game.contest_close_s_10k", seconds, "s")
    emit("game.contest_close_awards_10k", paid, "awards")
    emit("game.contest_ledger_s_10k", baseline, "s")
    emit("game.contest_close_vs_ledger", seconds / baseline if baseline else 0.0, "x")
    assert paid == posted, (paid, posted)


async def running_contests(n: int = 5) -> list[int]:
    """``n`` running contests everyone plays, covering today (for the approval-overhead bench): a mix of
    measures and scopes, each with a threshold award and place awards. Returns their ids."""
    from portal.audit.services import SYSTEM
    from portal.db import company_today
    from portal.gamification import contests

    today = company_today()
    ids = []
    for i in range(n):
        data = contests.ContestData(
            name=f"Бенч-конкурс {i + 1}", description="", starts_on=today - dt.timedelta(days=7),
            ends_on=today + dt.timedelta(days=7), metric=("units", "revenue", "points")[i % 3],
            scope="category" if i % 2 else "all", scope_value="boilers" if i % 2 else "",
            threshold=(20, 100_000_00, 5_000)[i % 3], threshold_unit="points", threshold_amount=1_000,
            places=(("points", 10_000), ("points", 5_000), ("kop", 100_000)))
        contest_id = await contests.create(SYSTEM, data)
        await contests.start(SYSTEM, contest_id)
        ids.append(contest_id)
    return ids


if __name__ == "__main__":
    bench_contest_close()
