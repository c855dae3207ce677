"""The game's cost on the approval path: ``game.approve_overhead`` = approvals/s with 50 active badge rules (and
whatever ``SETUP_HOOKS`` add: the contests' 5 running contests) divided by approvals/s with no rule, in the same
run on the same dataset (a copy of the demo data, its active partners sharing the claims).

Both modes keep the game's counters and streak weeks (they are kept whatever the rules); the difference is the
rules' evaluation and awards. ``game.approve_overhead_vs_no_game`` compares with the badges' subscribers removed
(no counters either). Batches of the modes alternate, so drift of the machine falls on all. Short by
default: PREMIA_BENCH_GAME_APPROVALS approvals per mode (default 200).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Awaitable, Callable

from bench.common import BENCH_DIR, ROOT, emit, portal_env

APPROVALS = int(os.environ.get("PREMIA_BENCH_GAME_APPROVALS", "200"))
BATCH = 25
RULES = 50
PARTNERS = 1_000

# Other parts of the game add an async setup(on: bool) here (e.g. 5 running contests when on, none when off).
SETUP_HOOKS: list[Callable[[bool], Awaitable[None]]] = []


async def _rules() -> None:
    """50 active claim rules of every kind. One is "the first sale" (n=1: every partner's first approval in the
    rules' batches earns it, with a ledger transfer and a bell); the others have thresholds of 2 to 41."""
    from portal.audit.services import SYSTEM
    from portal.gamification import badges

    kinds = [("sales", "all", ""), ("sales", "category", "boilers"), ("complete", "all", ""), ("streak", "all", ""),
             ("new_line", "category", "")]
    for i in range(RULES):
        kind, scope, value = kinds[i % len(kinds)]
        await badges.save_rule(SYSTEM, badges.RuleData.parse({
            "code": f"bench_{i}", "name_ru": f"Бенч {i}", "name_en": f"Bench {i}", "kind": kind,
            "n": "1" if i == 0 else str(2 + (i * 7) % 40), "scope": scope, "value": value,
            "reward_points": str(10 * (i % 3)), "per_period": "1" if i % 4 == 2 else "", "shape": "circle", "colour": "#336699", "glyph": "star",
            "active": "1"}))


async def _set_mode(on: bool) -> None:
    from portal.db import write_transaction
    from portal.gamification.tables import BadgeRule

    async with write_transaction():
        await BadgeRule.update({BadgeRule.active: on}).where(BadgeRule.code.like("bench_%"))
    for hook in SETUP_HOOKS:
        await hook(on)


async def _claims(n: int) -> list[int]:
    """Submitted claims spread over the active partners, inserted directly (the bench times the decision)."""
    from portal.db import company_today, write, write_transaction

    rows = await write("SELECT id FROM partner WHERE status = 'active' ORDER BY id")
    partners = [r["id"] if isinstance(r, dict) else r[0] for r in rows]
    user = (await write("SELECT id FROM portal_user ORDER BY id LIMIT 1"))[0]
    user = user["id"] if isinstance(user, dict) else user[0]
    products = [r["id"] if isinstance(r, dict) else r[0] for r in await write("SELECT id FROM product ORDER BY id")]
    today = company_today()
    ids = []
    stamp = time.time_ns()
    async with write_transaction():
        for i in range(n):
            got = await write(
                "INSERT INTO claim (partner, submitted_by, product, quantity, amount_kop, sold_on, serials, "
                "customer_name, customer_city, customer_phone, comment, status, flagged, idempotency_key, created_at, "
                "decision_reason, decision_text) VALUES ({}, {}, {}, 1, 4599000, {}, '', '', '', '', '', 'submitted', "
                "{}, {}, CURRENT_TIMESTAMP, '', '') RETURNING id",
                partners[i % len(partners)], user, products[i % len(products)], today, False, f"bench-{stamp}-{i}")
            ids.append(got[0]["id"] if isinstance(got[0], dict) else got[0][0])
    return ids


MODES = ("rules", "none", "off")  # 50 rules; no rule (counters kept); the game's subscribers removed


def _subscribed(on: bool) -> None:
    from portal import events
    from portal.gamification import badges

    handlers = {badges.on_claim_decided, badges.on_approval_revoked}
    for subscribers in events._subscribers.values():
        subscribers[:] = [h for h in subscribers if h not in handlers]
    if on:
        from portal.claims.events import ClaimApprovalRevoked, ClaimDecided

        events.subscribe(ClaimDecided, badges.on_claim_decided)
        events.subscribe(ClaimApprovalRevoked, badges.on_approval_revoked)


async def overhead() -> dict:
    from portal.accounts.services import user_for_session
    from portal.accounts.tables import User
    from portal.claims import services as claims
    from portal.wiring import wire

    wire()
    manager = await user_for_session((await User.select(User.id).where(
        User.email == "manager@premia.example").first())["id"])
    await _rules()
    ids = await _claims(len(MODES) * (APPROVALS + BATCH))
    spent = dict.fromkeys(MODES, 0.0)
    done = dict.fromkeys(MODES, 0)

    async def run(mode: str, batch: list[int]) -> None:
        nonlocal spent, done
        await _set_mode(mode == "rules")
        _subscribed(mode != "off")
        began = time.perf_counter()
        for claim_id in batch:
            await claims.decide(manager, claim_id, "approve")
        spent[mode] += time.perf_counter() - began
        done[mode] += len(batch)

    from portal.gamification.tables import BadgeRule

    await BadgeRule.update({BadgeRule.active: False}).where(BadgeRule.code.not_like("bench_%"))  # the demo's own
    for n, mode in enumerate(MODES):  # warm-up, not counted
        await run(mode, ids[n * BATCH:(n + 1) * BATCH])
    ids = ids[len(MODES) * BATCH:]
    rounds: list[dict[str, float]] = []
    for start in range(0, len(ids), len(MODES) * BATCH):
        spent, done = dict.fromkeys(MODES, 0.0), dict.fromkeys(MODES, 0)
        for n, mode in enumerate(MODES):
            await run(mode, ids[start + n * BATCH:start + (n + 1) * BATCH])
        if all(done.values()):
            rounds.append({mode: done[mode] / spent[mode] for mode in MODES})
    import statistics

    def median_ratio(a: str, b: str) -> float:
        return statistics.median(r[a] / r[b] for r in rounds)

    from portal.gamification.tables import BadgeAward

    return {**{mode: statistics.median(r[mode] for r in rounds) for mode in MODES},
            "overhead": median_ratio("rules", "none"), "vs_no_game": median_ratio("rules", "off"),
            "awards": await BadgeAward.count()}


def _add_partners(path) -> None:
    """Spread the approvals over PARTNERS partners, as in the field: an approval rarely crosses a threshold
    (with the demo's 18 partners every partner would cross most of the 50 rules within the run)."""
    import sqlite3

    from portal.accounts.inn import make_inn10

    conn = sqlite3.connect(path)
    have = conn.execute("SELECT COUNT(*) FROM partner WHERE status = 'active'").fetchone()[0]
    conn.executemany(
        "INSERT INTO partner (legal_name, search_name, inn, region, partner_group, partner_type, status, address, "
        "phone, email, bank_name, bik, settlement_account, created_at) "
        "VALUES (?, ?, ?, 'central', '', 'dealer', 'active', '', '', '', '', '', '', CURRENT_TIMESTAMP)",
        [(f"ООО «Игра {i}»", f"ооо «игра {i}»", make_inn10(f"6{i:08d}")) for i in range(PARTNERS - have)])
    conn.commit()
    conn.close()


def bench_game_badges() -> None:
    import json
    import subprocess
    import sys

    from bench.web import demo_database

    work = BENCH_DIR / "game-badges.sqlite3"
    shutil.copyfile(demo_database(), work)
    _add_partners(work)
    code = ("import asyncio, sys, json; sys.path.insert(0, %r)\n"
            "from bench.game_badges import overhead\n"
            "print(json.dumps(asyncio.run(overhead())))\n" % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=portal_env(work), cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    emit("game.approvals_per_s_50_rules", result["rules"], "approvals/s")
    emit("game.approvals_per_s_no_rules", result["none"], "approvals/s")
    emit("game.approvals_per_s_no_game", result["off"], "approvals/s")
    emit("game.approve_overhead", result["overhead"], "x")
    emit("game.approve_overhead_vs_no_game", result["vs_no_game"], "x")
    emit("game.awards_in_run", result["awards"], "awards")


if __name__ == "__main__":
    bench_game_badges()
