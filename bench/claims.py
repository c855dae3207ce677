"""Claim benches: submitting the phone form, and the managers' queue at 1k and 100k claims."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
import sqlite3
import subprocess

import httpx

from bench.common import BENCH_DIR, ROOT, emit, portal_env, serve, wrk
from bench.web import demo_database

LUA = ROOT / "bench" / "lua" / "claim_submit.lua"
QUEUE_CONNECTIONS = 4


def _login(base: str, email: str) -> httpx.Client:
    from portal.demo import DEMO_PASSWORD

    client = httpx.Client(base_url=base, follow_redirects=False)
    client.get("/login")
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD},
                           headers={"x-csrftoken": client.cookies["csrftoken"]})
    assert response.status_code == 303, response.status_code
    return client


def _one_megapixel_jpeg() -> bytes:
    """About a megapixel that compresses like a photo: gradients, shapes and a little sensor noise."""
    from PIL import Image, ImageDraw

    rng = random.Random(7)
    size = (1155, 866)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.rectangle((x, y, x + rng.randrange(30, 300), y + rng.randrange(20, 200)),
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image = Image.blend(image, Image.effect_noise(size, 20).convert("RGB"), 0.08)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def _wrk_post(url: str, cookie: str, env_extra: dict[str, str], duration: int | None = None) -> dict[str, float]:
    import time

    env = dict(os.environ, **env_extra, PREMIA_RUN=str(time.time_ns()))
    seconds = duration or int(os.environ.get("PREMIA_BENCH_SECONDS", "10"))
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s",
                          "--latency", "-s", str(LUA), "-H", f"Cookie: {cookie}", url],
                         capture_output=True, text=True, check=True, env=env).stdout
    from bench.common import _ms
    import re

    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
            "bad": float(bad.group(1)) if bad else 0.0}


def bench_claim_submit() -> None:
    base_db = demo_database()
    db = BENCH_DIR / "submit.sqlite3"
    shutil.copyfile(base_db, db)
    with serve("bench.baseline_app:create_app") as url:
        wrk(url + "/", duration=2)  # warm-up, as every bench does
        baseline = wrk(url + "/")["rps"]
    photo = BENCH_DIR / "photo-1mp.jpg"
    photo.write_bytes(_one_megapixel_jpeg())
    with serve("portal.app:create_app", portal_env(db, pg_from=base_db)) as url:
        client = _login(url, "staff@premia.example")
        item = sqlite3.connect(db).execute("SELECT id FROM product WHERE sku = 'TT-R500'").fetchone()[0]
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        env = {"PREMIA_CSRF": client.cookies["csrftoken"], "PREMIA_ITEM": f"p:{item}",
               "PREMIA_SOLD_ON": dt.date.today().isoformat(), "PREMIA_PHOTO": ""}
        _wrk_post(url + "/claims/new", cookie, env, duration=2)  # warm-up
        plain = _wrk_post(url + "/claims/new", cookie, env)
        with_photo = _wrk_post(url + "/claims/new", cookie, {**env, "PREMIA_PHOTO": str(photo)})
    if plain["bad"] or with_photo["bad"]:
        raise SystemExit(f"claim submission answered non-2xx/3xx: {plain['bad']:.0f} / {with_photo['bad']:.0f}")
    emit("claim_submit.rps", plain["rps"], "req/s")
    emit("claim_submit.ratio", plain["rps"] / baseline, "x baseline")
    emit("claim_submit.p99_ms", plain["p99_ms"], "ms")
    emit("claim_submit_photo.rps", with_photo["rps"], "req/s")
    emit("claim_submit_photo.ratio", with_photo["rps"] / baseline, "x baseline")
    emit("claim_submit_photo.p99_ms", with_photo["p99_ms"], "ms")


def queue_database(n: int) -> object:
    """The demo data plus ``n`` claims, about 5% of them waiting for review; built once, reused."""
    path = BENCH_DIR / f"queue-{n}.sqlite3"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    shutil.copyfile(demo_database(), tmp)
    conn = sqlite3.connect(tmp)
    partners = [r[0] for r in conn.execute("SELECT id FROM partner WHERE status = 'active'")]
    users = [r[0] for r in conn.execute("SELECT id FROM portal_user")]
    products = [r[0] for r in conn.execute("SELECT id FROM product")]
    rng = random.Random(n)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    statuses = ["approved"] * 80 + ["rejected"] * 10 + ["submitted"] * 5 + ["needs_info"] * 5

    def rows():
        for i in range(n):
            at = start + dt.timedelta(seconds=i * 250)
            yield (rng.choice(partners), rng.choice(users), rng.choice(products), rng.randint(1, 5),
                   rng.randint(1000, 20000000), at.date().isoformat(), f"BENCH-{n}-{i:08d}", "Москва",
                   rng.choice(statuses), int(rng.random() < 0.02), f"bench-{n}-{i}", str(at).replace("T", " "))

    # History is loaded as a restore would: the guard that refuses claims in closed periods is off while
    # the rows go in (they were registered before those periods closed), and back on afterwards.
    from portal.periods.piccolo_migrations import periods_2026_11_23t12_45_00_000000 as guard

    conn.execute("DROP TRIGGER claim_period_closed_insert")
    conn.executemany(
        "INSERT INTO claim (partner, submitted_by, product, quantity, amount_kop, sold_on, serials, customer_city,"
        " status, flagged, idempotency_key, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    for statement in guard.SQLITE:
        conn.execute(statement)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    tmp.rename(path)
    return path


def bench_review_queue() -> None:
    results = {}
    for n, label in ((1_000, "1k"), (100_000, "100k")):
        db = queue_database(n)
        with serve("portal.app:create_app", portal_env(db)) as url:
            client = _login(url, "manager@premia.example")
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
            # A handful of managers at once, not 32: the question here is whether the page's time
            # grows with the table (indexes, not scans), not how a queue of requests piles up.
            wrk(url + "/review/", headers, duration=2, connections=QUEUE_CONNECTIONS, threads=1)
            result = wrk(url + "/review/", headers, connections=QUEUE_CONNECTIONS, threads=1)
        if result["bad"]:
            raise SystemExit(f"review queue answered {result['bad']:.0f} non-2xx responses")
        results[label] = result
        emit(f"review_queue.p99_ms_{label}", result["p99_ms"], "ms")
        emit(f"review_queue.rps_{label}", result["rps"], "req/s")
    emit("review_queue.growth_100k_vs_1k", results["100k"]["p99_ms"] / results["1k"]["p99_ms"], "x")
