"""Page benches: the bare baseline and the portal's logged-in dashboard, served alike."""

from __future__ import annotations

import subprocess
import sys

from bench.common import BENCH_DIR, ROOT, emit, finish_sqlite, login_cookie, dataset_env, portal_env, serve, wrk


def demo_database() -> object:
    """The demo data in a SQLite file, built once and reused from var/bench/."""
    path = BENCH_DIR / "demo.sqlite3"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        env = dataset_env(tmp)
        premia = [sys.executable, "-m", "portal.cli"]
        subprocess.run(premia + ["migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run(premia + ["demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        finish_sqlite(tmp)
        tmp.rename(path)
    return path


def bench_baseline_and_dashboard() -> None:
    db = demo_database()
    with serve("bench.baseline_app:create_app") as url:
        wrk(url + "/", duration=2)  # warm-up
        base = wrk(url + "/")
    emit("baseline.rps", base["rps"], "req/s")
    from portal.demo import DEMO_PASSWORD

    with serve("portal.app:create_app", portal_env(db)) as url:
        cookie = login_cookie(url, "dealer@premia.example", DEMO_PASSWORD)
        headers = {"Cookie": cookie}
        wrk(url + "/dashboard", headers, duration=2)
        dash = wrk(url + "/dashboard", headers)
    if dash["bad"]:
        raise SystemExit(f"dashboard answered {dash['bad']:.0f} non-2xx responses")
    emit("dashboard.rps", dash["rps"], "req/s")
    emit("dashboard.ratio", dash["rps"] / base["rps"], "x baseline")
    emit("dashboard.p50_ms", dash["p50_ms"], "ms")
    emit("dashboard.p99_ms", dash["p99_ms"], "ms")
