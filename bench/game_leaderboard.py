"""Leaderboard bench: the partner's /leaderboard for 10,000 partners, against the bare baseline, at 100k and
1M approved claims in the period (growth between them: the board reads the kept standings, never the claims).

The datasets are built once under var/bench/ by bulk SQL, not through the services: the claims, and the
standings and day buckets as the decisions would have left them (100 points a unit, each figure reached at
its last sale). PREMIA_BENCH_LEADERBOARD_1M=0 skips the 1M dataset (it takes a few minutes to build)."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sqlite3

from bench.common import BENCH_DIR, emit, login_cookie, portal_env, serve, wrk
from bench.web import demo_database

PARTNERS = 10_000
CONNECTIONS = 4


def _span() -> tuple[str, dt.date, dt.date]:
    from portal.db import company_today
    from portal.periods.calc import span_of

    today = company_today()
    span = span_of(today)
    return span.code, span.starts_on, today


def leaderboard_database(n: int):
    code, first_day, today = _span()
    path = BENCH_DIR / f"leaderboard-v2-{code}-{n}-{today.isoformat()}.sqlite3"
    if path.exists():
        return path
    from portal.accounts.inn import make_inn10

    tmp = path.with_suffix(".building")
    shutil.copyfile(demo_database(), tmp)
    conn = sqlite3.connect(tmp)
    rng = random.Random(n)
    have = conn.execute("SELECT COUNT(*) FROM partner WHERE status = 'active'").fetchone()[0]
    regions = ["central", "north_west", "south", "volga", "ural", "siberia", "far_east"]
    conn.executemany(
        "INSERT INTO partner (legal_name, search_name, inn, region, partner_group, partner_type, status, address, "
        "phone, email, bank_name, bik, settlement_account, created_at) "
        "VALUES (?, ?, ?, ?, '', ?, 'active', '', '', '', '', '', '', CURRENT_TIMESTAMP)",
        [(f"ООО «Лига {i}»", f"ооо «лига {i}»", make_inn10(f"8{i:08d}"), rng.choice(regions),
          rng.choice(["dealer", "installer"])) for i in range(PARTNERS - have)])
    partners = [r[0] for r in conn.execute("SELECT id FROM partner WHERE status = 'active'")]
    user = conn.execute("SELECT id FROM portal_user LIMIT 1").fetchone()[0]
    products = [r[0] for r in conn.execute("SELECT id FROM product")]
    days = (today - first_day).days + 1
    points: dict[int, int] = {}
    buckets: dict[tuple[int, str], int] = {}

    def claims():
        for i in range(n):
            pid, qty = rng.choice(partners), rng.randint(1, 3)
            sold = (first_day + dt.timedelta(days=i % days)).isoformat()
            points[pid] = points.get(pid, 0) + 100 * qty
            buckets[(pid, sold)] = buckets.get((pid, sold), 0) + 100 * qty
            yield (pid, user, rng.choice(products), qty, rng.randint(100_000, 9_000_000), sold, f"LB-{n}-{i}",
                   f"board-{n}-{i}")

    conn.executemany(
        "INSERT INTO claim (partner, submitted_by, product, quantity, amount_kop, sold_on, serials, customer_city, "
        "status, flagged, idempotency_key, created_at) VALUES (?,?,?,?,?,?,?,'',"
        "'approved',0,?,CURRENT_TIMESTAMP)", claims())
    stamp = "{}T12:00:00.{:06d}+00:00"
    conn.execute("DELETE FROM game_standing WHERE period = ?", (code,))
    conn.executemany(
        "INSERT INTO game_standing (key, partner, period, points, points_at, pct_bp, pct_at, league_place) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        [(f"{code}:{pid}", pid, code, pts, stamp.format(today, rng.randint(0, 999_999)), rng.randint(0, 15_000),
          stamp.format(today, rng.randint(0, 999_999))) for pid, pts in points.items()])
    conn.execute("DELETE FROM game_standing_day")
    conn.executemany("INSERT INTO game_standing_day (key, partner, day, points, reached_at) VALUES (?, ?, ?, ?, ?)",
                     [(f"{pid}:{day}", pid, day, pts, stamp.format(day, rng.randint(0, 999_999)))
                      for (pid, day), pts in buckets.items()])
    # The rolling board's kept sums, as today's board_roll job leaves them.
    conn.execute("DELETE FROM game_rolling")
    conn.execute("INSERT INTO game_rolling (partner, points, reached_at) SELECT partner, SUM(points), MAX(reached_at) "
                 "FROM game_standing_day WHERE day >= ? AND day <= ? GROUP BY partner HAVING SUM(points) <> 0",
                 ((today - dt.timedelta(days=29)).isoformat(), today.isoformat()))
    conn.execute("INSERT INTO game_rolling_stamp (key, day) VALUES ('rolling', ?) ON CONFLICT (key) DO UPDATE "
                 "SET day = excluded.day", (today.isoformat(),))
    conn.executemany("INSERT INTO game_board_privacy (partner, show_name, updated_at) VALUES (?, 1, CURRENT_TIMESTAMP) "
                     "ON CONFLICT (partner) DO NOTHING", [(pid,) for pid in partners[::4]])
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    tmp.rename(path)
    return path


def _measure(db, path: str = "/leaderboard") -> dict[str, float]:
    from portal.demo import DEMO_PASSWORD

    with serve("portal.app:create_app", portal_env(db)) as url:
        headers = {"Cookie": login_cookie(url, "dealer@premia.example", DEMO_PASSWORD)}
        wrk(url + path, headers, duration=2, connections=CONNECTIONS, threads=1)
        result = wrk(url + path, headers, connections=CONNECTIONS, threads=1)
    if result["bad"]:
        raise SystemExit(f"leaderboard answered {result['bad']:.0f} non-2xx responses")
    return result


def bench_leaderboard() -> None:
    with serve("bench.baseline_app:create_app") as url:
        wrk(url + "/", duration=2, connections=CONNECTIONS, threads=1)
        base = wrk(url + "/", connections=CONNECTIONS, threads=1)
    small = _measure(leaderboard_database(100_000))
    emit("leaderboard.rps", small["rps"], "req/s")
    emit("leaderboard.ratio", small["rps"] / base["rps"], "x baseline")
    emit("leaderboard.p99_ms_100k", small["p99_ms"], "ms")
    if os.environ.get("PREMIA_BENCH_LEADERBOARD_1M", "1") == "0":
        return
    big = _measure(leaderboard_database(1_000_000))
    emit("leaderboard.p99_ms_1m", big["p99_ms"], "ms")
    emit("leaderboard.growth_1m_vs_100k", big["p99_ms"] / small["p99_ms"], "x")
    # The rolling 30-day board, from the sums the daily board_roll job keeps (one row a partner).
    emit("leaderboard.rolling_p99_ms_1m", _measure(leaderboard_database(1_000_000), "/leaderboard?period=30d")["p99_ms"],
         "ms")
