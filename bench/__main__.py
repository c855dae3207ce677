"""`make bench [BENCH=prefix]`: run the benches whose output names start with the prefix."""

from __future__ import annotations

import sys

from bench import (catalog, claims, field_register, game_badges, game_contest, game_leaderboard, game_tiers, ledger,
                   periods, plans, web)

# (the output-name prefixes a bench prints, the bench)
BENCHES = [
    (("baseline.", "dashboard."), web.bench_baseline_and_dashboard),
    (("claim_submit.", "claim_submit_photo."), claims.bench_claim_submit),
    (("review_queue.",), claims.bench_review_queue),
    (("ledger.",), ledger.bench_ledger),
    (("fulfilment.",), plans.bench_fulfilment),
    (("catalog.", "order."), catalog.bench_catalog),
    (("period_close.",), periods.bench_period_close),
    (("game_tiers.",), game_tiers.bench_game_tiers),
    (("game.contest_",), game_contest.bench_contest_close),
    (("field.",), field_register.bench_field_register),
    (("game.",), game_badges.bench_game_badges),
    (("leaderboard.",), game_leaderboard.bench_leaderboard),
]


# What `make bench DB=pg` runs: the pages, claim submission, the review queue and the period close.
ON_POSTGRES_TOO = {web.bench_baseline_and_dashboard, claims.bench_claim_submit, claims.bench_review_queue,
                   periods.bench_period_close}


def main(argv: list[str]) -> None:
    from bench.common import ON_POSTGRES

    prefix = argv[0] if argv else ""
    ran = False
    for names, bench in BENCHES:
        if ON_POSTGRES and bench not in ON_POSTGRES_TOO:
            continue
        if not prefix or any(n.startswith(prefix) or prefix.startswith(n.rstrip(".")) for n in names):
            bench()
            ran = True
    if not ran:
        raise SystemExit(f"no bench matches {prefix!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
