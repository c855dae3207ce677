"""Bench plumbing: datasets under var/bench, servers under uvicorn, load from wrk.

Every server runs the same way (uvicorn, one worker, no access log), so the
portal and the bare-framework baseline are compared like for like.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _schema_tag() -> str:
    """Datasets are kept per schema: a new migration means new datasets, never a stale file."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("**/piccolo_migrations/*.py")):
        if ".venv" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


BENCH_DIR = ROOT / "var" / "bench" / _schema_tag()
CONNECTIONS = 32
DURATION_S = int(os.environ.get("PREMIA_BENCH_SECONDS", "10"))
# `make bench DB=pg`: the same datasets, copied into PostgreSQL (bench/pgdata.py); names get a "pg." prefix.
ON_POSTGRES = os.environ.get("PREMIA_BENCH_DB", "sqlite") == "pg"


def emit(name: str, value: float, unit: str) -> None:
    name = ("pg." + name) if ON_POSTGRES else name
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}, ensure_ascii=False), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def finish_sqlite(path: Path) -> None:
    """Fold the WAL back into the file so that it can be renamed or copied alone."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")


def dataset_env(sqlite_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a process that builds a dataset: always the SQLite file."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update({
        "PREMIA_SQLITE_PATH": str(sqlite_path),
        "PREMIA_VAR_DIR": str(BENCH_DIR / "var"),
        "PREMIA_COOKIE_SECURE": "false",
    })
    env.update(extra)
    return env


def portal_env(sqlite_path: Path, pg_from: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a portal process on this dataset. On PostgreSQL a fresh clone of the dataset
    (``pg_from``: the dataset file the copy at ``sqlite_path`` was made from, if it is a copy)."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update({
        "PREMIA_SQLITE_PATH": str(sqlite_path),
        "PREMIA_VAR_DIR": str(BENCH_DIR / "var"),
        "PREMIA_COOKIE_SECURE": "false",
    })
    if ON_POSTGRES:
        from bench.pgdata import clone_url

        env["DATABASE_URL"] = clone_url(Path(pg_from or sqlite_path), ROOT)
    env.update(extra)
    return env


@contextlib.contextmanager
def serve(factory: str, env: dict[str, str] | None = None):
    """Serve an app factory ("module:function") under uvicorn; yields the base URL."""
    port = free_port()
    env = dict(env or os.environ)
    env["PREMIA_ALLOWED_HOSTS"] = f"127.0.0.1:{port},127.0.0.1"  # Litestar 2.25 matches the Host with its port
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1", "--port", str(port),
         "--no-server-header", "--log-level", "warning", "--no-access-log"],
        env=env, cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/healthz", timeout=0.5)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{factory} did not start")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(text)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, headers: dict[str, str] | None = None, duration: int = DURATION_S,
        connections: int = CONNECTIONS, threads: int = 2) -> dict[str, float]:
    """Run wrk against one URL; returns rps, p50_ms, p99_ms and the count of non-2xx/3xx answers."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "bad": float(errors.group(1)) if errors else 0.0}


def login_cookie(base_url: str, email: str, password: str) -> str:
    """Log in and return the Cookie header a browser would then send (session and CSRF cookies)."""
    with httpx.Client(base_url=base_url, follow_redirects=False) as client:
        client.get("/login")
        token = client.cookies["csrftoken"]
        response = client.post("/login", data={"email": email, "password": password},
                               headers={"x-csrftoken": token})
        if response.status_code != 303:
            raise RuntimeError(f"login failed: {response.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())
