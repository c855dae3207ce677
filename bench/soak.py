"""`make soak`: two app hosts behind HAProxy on one PostgreSQL database, 50 users, one host killed midway.

The layout of docs/deploy.md on one machine: HAProxy (Debian's package) balances two uvicorn app hosts
(separate processes with their own var/ folder, as separate machines would have), both on the same
PostgreSQL database and the same S3-compatible media store (moto's S3 server on loopback), with the
scheduler enabled on both (one leader). 50 simulated users work for PREMIA_SOAK_SECONDS (300 by default):
40 partner users look at their dashboard, the shelf and their claims and register sales (a photo in every
fifth), 10 managers approve what waits. Halfway through, one app host is killed with SIGKILL.

Afterwards it checks, and prints as JSON lines:
- every write the portal acknowledged (a 303 to the new claim, a 303 after an approval) is in the database;
- no 5xx answers apart from the requests in flight on the killed host (answered 502/503 by HAProxy within
  the few seconds before its health check takes the host out);
- `premia ledger verify` is clean.
It exits non-zero when any of these fails. Nothing but loopback is contacted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("PREMIA_SOAK_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SECONDS = int(os.environ.get("PREMIA_SOAK_SECONDS", "300"))
USERS = int(os.environ.get("PREMIA_SOAK_USERS", "50"))
MANAGERS = max(1, USERS // 5)
KILL_GRACE_S = 6.0  # HAProxy checks every second and takes a host out after 2 failures


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}, ensure_ascii=False), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not come up")
        time.sleep(0.2)


# --- the layout -------------------------------------------------------------------------------------

@dataclass
class Layout:
    work: Path
    db_url: str
    s3_url: str
    env: dict[str, str]
    hosts: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    others: list[subprocess.Popen] = field(default_factory=list)
    lb_url: str = ""


def _create_database(name: str) -> str:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(go())
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _start_s3(layout: Layout) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    layout.others.append(proc)
    layout.s3_url = f"http://127.0.0.1:{port}"
    wait_http(layout.s3_url + "/moto-api/", proc)
    import boto3

    boto3.client("s3", endpoint_url=layout.s3_url, aws_access_key_id="soak", aws_secret_access_key="soak",
                 region_name="us-east-1").create_bucket(Bucket="premia-soak")


def _start_host(layout: Layout, name: str) -> None:
    port = layout.ports.setdefault(name, free_port())
    var = layout.work / name
    var.mkdir(exist_ok=True)
    env = {**layout.env, "PREMIA_VAR_DIR": str(var)}
    log = open(layout.work / f"{name}.log", "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "portal.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log", "--no-server-header",
         "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"],
        env=env, cwd=ROOT, stdout=log, stderr=log)
    layout.hosts[name] = proc
    wait_http(f"http://127.0.0.1:{port}/healthz", proc)


def _haproxy_config(layout: Layout, port: int) -> str:
    servers = "\n".join(f"    server {n} 127.0.0.1:{p} check inter 1s fall 2 rise 2"
                        for n, p in layout.ports.items())
    return f"""global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    option forwardfor
    option http-server-close
frontend premia
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost
    retries 2
    option redispatch
{servers}
"""


def _start_haproxy(layout: Layout, port: int) -> None:
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(binary).exists():
        raise SystemExit("haproxy is not installed: apt-get install haproxy (make soak does it)")
    cfg = layout.work / "haproxy.cfg"
    cfg.write_text(_haproxy_config(layout, port))
    proc = subprocess.Popen([binary, "-f", str(cfg), "-db"], stdout=subprocess.DEVNULL,
                            stderr=open(layout.work / "haproxy.log", "ab"))
    layout.others.append(proc)
    layout.lb_url = f"http://127.0.0.1:{port}"
    wait_http(layout.lb_url + "/healthz", proc)


def build_layout(work: Path) -> Layout:
    db_url = _create_database("premia_soak")
    layout = Layout(work=work, db_url=db_url, s3_url="", env={})
    _start_s3(layout)
    lb_port = free_port()
    layout.env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": secrets.token_hex(32),  # one key shared by every host
        "PREMIA_COOKIE_SECURE": "false",
        # the public name as the balancer is reached (Litestar 2.25 compares the Host header with its port),
        # and the name its health checks send
        "PREMIA_ALLOWED_HOSTS": f"127.0.0.1:{lb_port},localhost",
        "PREMIA_SCHEDULER_IN_APP": "true",
        "PREMIA_METRICS": "true",
        "PREMIA_MEDIA_BACKEND": "s3",
        "PREMIA_S3_ENDPOINT": layout.s3_url,
        "PREMIA_S3_BUCKET": "premia-soak",
        "PREMIA_S3_ACCESS_KEY": "soak",
        "PREMIA_S3_SECRET_KEY": "soak",
        "PREMIA_LOGIN_LIMIT_IP": "100000",  # every simulated user comes from 127.0.0.1
    }
    premia = [sys.executable, "-m", "portal.cli"]
    for step in (["migrate"], ["demo"]):
        subprocess.run(premia + step, env=layout.env, cwd=ROOT, check=True, capture_output=True)
    for name in ("app1", "app2"):
        _start_host(layout, name)
    _start_haproxy(layout, lb_port)
    return layout


def stop_layout(layout: Layout) -> None:
    for proc in [*layout.hosts.values(), *layout.others]:
        if proc.poll() is None:
            proc.terminate()
    for proc in [*layout.hosts.values(), *layout.others]:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- the users --------------------------------------------------------------------------------------

@dataclass
class Tally:
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    server_errors: list[tuple[float, int, str]] = field(default_factory=list)  # (time, status, path)
    transport_errors: list[tuple[float, str]] = field(default_factory=list)
    acknowledged_claims: set[str] = field(default_factory=set)  # idempotency keys answered with a 303
    acknowledged_approvals: set[int] = field(default_factory=set)


def _photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((640, 480), 40).convert("RGB").save(buf, "JPEG", quality=80)
    return buf.getvalue()


class User:
    def __init__(self, base: str, email: str, tally: Tally) -> None:
        self.client = httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=30)
        self.email = email
        self.tally = tally

    def csrf(self) -> str:
        for name, value in self.client.cookies.items():
            if "csrf" in name:
                return value
        return ""

    async def call(self, method: str, path: str, **kwargs) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.transport_errors.append((time.monotonic(), f"{method} {path}: {type(exc).__name__}"))
            return None
        self.tally.requests += 1
        self.tally.latencies.append(time.monotonic() - started)
        if response.status_code >= 500:
            self.tally.server_errors.append((time.monotonic(), response.status_code, f"{method} {path}"))
        return response

    async def login(self) -> bool:
        from portal.demo import DEMO_PASSWORD

        for _ in range(20):
            await self.call("GET", "/login")
            answer = await self.call("POST", "/login", data={"email": self.email, "password": DEMO_PASSWORD},
                                     headers={"x-csrftoken": self.csrf()})
            if answer is not None and answer.status_code == 303:
                return True
            await asyncio.sleep(0.5)
        return False


async def partner_user(user: User, stop_at: float, item: str, rng: random.Random, photo: bytes) -> None:
    if not await user.login():
        return
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        for path in ("/dashboard", "/catalog/", "/claims/"):
            await user.call("GET", path)
        key = secrets.token_urlsafe(18)
        form = {"idempotency_key": key, "item": item, "quantity": "1", "serials": "",
                "sold_on": dt.date.today().isoformat(), "amount": "6 990,00", "_csrf_token": user.csrf()}
        files = {"photos": ("photo.jpg", photo, "image/jpeg")} if n % 5 == 0 else None
        answer = await user.call("POST", "/claims/new", data=form, files=files)
        if answer is not None and answer.status_code == 303 and "/claims/" in answer.headers.get("location", ""):
            user.tally.acknowledged_claims.add(key)
            await user.call("GET", answer.headers["location"])
        await asyncio.sleep(rng.uniform(0.2, 1.0))


async def manager_user(user: User, stop_at: float, rng: random.Random) -> None:
    if not await user.login():
        return
    while time.monotonic() < stop_at:
        queue = await user.call("GET", "/review/")
        ids = sorted({int(m) for m in re.findall(r'href="/review/(\d+)"', queue.text)}) if queue else []
        rng.shuffle(ids)
        for claim_id in ids[:3]:
            answer = await user.call("POST", f"/review/{claim_id}/decide",
                                     data={"action": "approve", "_csrf_token": user.csrf()})
            if answer is not None and answer.status_code == 303:
                page = await user.call("GET", f"/review/{claim_id}")
                if page is not None and page.status_code == 200:
                    user.tally.acknowledged_approvals.add(claim_id)
        await asyncio.sleep(rng.uniform(0.5, 1.5))


async def drive(layout: Layout, tally: Tally) -> float:
    import asyncpg

    conn = await asyncpg.connect(layout.db_url)
    try:
        item = await conn.fetchval("SELECT id FROM product WHERE sku = 'TT-R500'")
    finally:
        await conn.close()
    photo = _photo()
    started = time.monotonic()
    stop_at = started + SECONDS
    partners = ["dealer@premia.example", "staff@premia.example", "installer@premia.example"]
    users = [User(layout.lb_url, partners[i % len(partners)], tally) for i in range(USERS - MANAGERS)]
    managers = [User(layout.lb_url, "manager@premia.example", tally) for _ in range(MANAGERS)]
    tasks = [asyncio.create_task(partner_user(u, stop_at, f"p:{item}", random.Random(i), photo))
             for i, u in enumerate(users)]
    tasks += [asyncio.create_task(manager_user(u, stop_at, random.Random(1000 + i))) for i, u in enumerate(managers)]

    await asyncio.sleep(SECONDS / 2)
    killed_at = time.monotonic()
    layout.hosts["app1"].send_signal(signal.SIGKILL)
    await asyncio.gather(*tasks)
    for u in users + managers:
        await u.client.aclose()
    return killed_at


# --- the checks -------------------------------------------------------------------------------------

async def lost_writes(layout: Layout, tally: Tally) -> tuple[int, int]:
    import asyncpg

    conn = await asyncpg.connect(layout.db_url)
    try:
        keys = {r["idempotency_key"] for r in await conn.fetch("SELECT idempotency_key FROM claim")}
        approved = {r["id"] for r in await conn.fetch(
            "SELECT id FROM claim WHERE status = 'approved'")}
    finally:
        await conn.close()
    return len(tally.acknowledged_claims - keys), len(tally.acknowledged_approvals - approved)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="premia-soak-"))
    tally = Tally()
    layout = build_layout(work)
    try:
        began = time.monotonic()
        killed_at = asyncio.run(drive(layout, tally))
        elapsed = time.monotonic() - began
        lost_claims, lost_approvals = asyncio.run(lost_writes(layout, tally))
    finally:
        stop_layout(layout)
    verify = subprocess.run([sys.executable, "-m", "portal.cli", "ledger", "verify"], env=layout.env, cwd=ROOT,
                            capture_output=True, text=True)
    in_flight = [e for e in tally.server_errors if killed_at <= e[0] <= killed_at + KILL_GRACE_S]
    unexpected = [e for e in tally.server_errors if e not in in_flight]
    latencies = sorted(tally.latencies) or [0.0]
    emit("soak.seconds", elapsed, "s")
    emit("soak.users", USERS, "users")
    emit("soak.requests", tally.requests, "requests")
    emit("soak.rps", tally.requests / elapsed, "req/s")
    emit("soak.p50_ms", latencies[len(latencies) // 2] * 1000, "ms")
    emit("soak.p99_ms", latencies[int(len(latencies) * 0.99)] * 1000, "ms")
    emit("soak.claims_acknowledged", len(tally.acknowledged_claims), "claims")
    emit("soak.approvals_acknowledged", len(tally.acknowledged_approvals), "approvals")
    emit("soak.acknowledged_lost", lost_claims + lost_approvals, "writes")
    emit("soak.5xx_in_flight_on_killed_host", len(in_flight), "responses")
    emit("soak.5xx_unexpected", len(unexpected), "responses")
    emit("soak.transport_errors", len(tally.transport_errors), "requests")
    for at, what in tally.transport_errors[:10]:
        print(f"transport error at +{at - killed_at:.1f}s from the kill: {what}", file=sys.stderr)
    emit("soak.ledger_verify_ok", 1 if verify.returncode == 0 else 0, "bool")
    for e in unexpected[:10]:
        print(f"unexpected {e[1]} at +{e[0] - killed_at:.1f}s from the kill: {e[2]}", file=sys.stderr)
    failed = lost_claims or lost_approvals or unexpected or verify.returncode != 0 or not tally.acknowledged_claims
    if failed:
        print(verify.stdout + verify.stderr, file=sys.stderr)
        print(f"logs in {work}", file=sys.stderr)
        raise SystemExit(1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
