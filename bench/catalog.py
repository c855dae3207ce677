"""Catalogue benches: the shelf with 2,000 prizes (filtered by category and sorted by price) against the bare
baseline, and order placement end to end (add to cart, then checkout) by several buyers at once."""

from __future__ import annotations

import asyncio
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time

import httpx

from bench.common import BENCH_DIR, ROOT, emit, dataset_env, portal_env, serve, wrk
from bench.web import demo_database

PRIZES = 2_000
BUYERS = 8
CATEGORIES = ["Мерч", "Инструмент", "Техника", "Путешествия", "Дом", "Сад", "Авто", "Спорт", "Книги", "Подарки"]


def catalog_database() -> object:
    path = BENCH_DIR / "catalog-2000.sqlite3"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    shutil.copyfile(demo_database(), tmp)
    conn = sqlite3.connect(tmp)
    rng = random.Random(2000)
    conn.executemany(
        "INSERT INTO prize (code, category, name, search_name, description, points, stock, min_tier, hidden, position, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', 0, ?, CURRENT_TIMESTAMP)",
        [(f"B-{i:05d}", cat, f"Приз {i}", f"приз {i} b-{i:05d} {cat.casefold()}", "Описание **приза**.",
          rng.randint(100, 50_000), rng.choice([None, 1000]), i)
         for i in range(PRIZES) for cat in [rng.choice(CATEGORIES)]])
    ids = [r[0] for r in conn.execute("SELECT id FROM prize WHERE code LIKE 'B-%'")]
    conn.executemany(
        "INSERT INTO prize_image (prize, position, thumb_name, thumb_width, thumb_height, card_name, card_width, "
        "card_height, full_name, full_width, full_height) VALUES (?, 0, ?, 240, 240, ?, 480, 480, ?, 1200, 1200)",
        [(pid, secrets.token_hex(16) + ".webp", secrets.token_hex(16) + ".webp", secrets.token_hex(16) + ".webp")
         for pid in ids])
    conn.executemany("INSERT INTO prize_variant (prize, name, stock, position) VALUES (?, ?, 100, ?)",
                     [(pid, size, n) for pid in ids[::10] for n, size in enumerate(("S", "M", "L"))])
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    subprocess.run([sys.executable, "-m", "bench.catalog_seed", str(BUYERS)], env=dataset_env(tmp), cwd=ROOT,
                   check=True, capture_output=True)
    tmp.rename(path)
    return path


def _login(client: httpx.Client, email: str) -> None:
    from portal.demo import DEMO_PASSWORD

    client.get("/login")
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD},
                           headers={"x-csrftoken": client.cookies["csrftoken"]})
    if response.status_code != 303:
        raise SystemExit(f"bench login failed for {email}: {response.status_code}")


async def _buyer(url: str, email: str, prize_ids: list[int], until: float) -> int:
    from portal.demo import DEMO_PASSWORD

    async with httpx.AsyncClient(base_url=url) as client:
        await client.get("/login")
        await client.post("/login", data={"email": email, "password": DEMO_PASSWORD},
                          headers={"x-csrftoken": client.cookies["csrftoken"]})
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        orders = 0
        while time.monotonic() < until:
            await client.post("/catalog/cart", data={"prize_id": str(random.choice(prize_ids)), "quantity": "1"},
                              headers=headers)
            response = await client.post("/catalog/checkout", headers=headers, data={
                "token": secrets.token_urlsafe(18), "recipient": "Бенч", "address": "Москва, ул. Тестовая, д. 1",
                "phone": "+7 900 000-00-00"})
            if response.status_code != 303:
                raise SystemExit(f"checkout answered {response.status_code}")
            orders += 1
        return orders


def bench_catalog() -> None:
    db = catalog_database()
    with serve("bench.baseline_app:create_app") as url:
        wrk(url + "/", duration=2)
        base = wrk(url + "/")
    conn = sqlite3.connect(db)
    no_variants = [r[0] for r in conn.execute(
        "SELECT id FROM prize p WHERE code LIKE 'B-%' AND NOT EXISTS (SELECT 1 FROM prize_variant v WHERE v.prize = p.id)"
        " AND stock IS NULL LIMIT 200")]
    conn.close()
    with serve("portal.app:create_app", portal_env(db)) as url:
        with httpx.Client(base_url=url) as client:
            _login(client, "buyer0@bench.example")
            shelf = "/catalog/?category=%D0%98%D0%BD%D1%81%D1%82%D1%80%D1%83%D0%BC%D0%B5%D0%BD%D1%82&sort=cheap"
            page = client.get(shelf)
            if page.status_code != 200 or page.text.count('class="prize-card') < 20:
                raise SystemExit("the catalogue page did not show a full page of prizes")
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
        wrk(url + shelf, headers, duration=2)
        result = wrk(url + shelf, headers)
        if result["bad"]:
            raise SystemExit(f"catalogue answered {result['bad']:.0f} non-2xx responses")
        duration = 10.0

        async def buyers() -> int:
            until = time.monotonic() + duration
            counts = await asyncio.gather(*[_buyer(url, f"buyer{n}@bench.example", no_variants, until)
                                            for n in range(BUYERS)])
            return sum(counts)

        orders = asyncio.run(buyers())
    emit("catalog.rps", result["rps"], "req/s")
    emit("catalog.ratio", result["rps"] / base["rps"], "x baseline")
    emit("catalog.p99_ms", result["p99_ms"], "ms")
    emit("order.rps", orders / duration, "orders/s")
