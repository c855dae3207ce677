"""Which tables move which data revision: the page cache's contract, in one place.

A kept page (portal/web/pagecache.py) is correct only if every table it reads moves a revision when
it changes. Every table of every Piccolo app has exactly one line here (tests/revisions/test_registry.py
fails otherwise):

- ``partner("col")``: a partner's row; a change moves that partner's revision (the column holds the
  partner id; NULL: a company row, nothing moves). ``partner("col", via="table.col")``: the column
  points at a row of another table (by its id) whose column holds the partner id.
- ``REFERENCE``: reference data every partner's pages may show; a change moves scope 0.
- ``exempt("why")``: no kept page reads it, or what a page shows of it is in the page key.

Registering a table is one line here, then ``python -m portal.revisions.triggers`` writes the
migration that installs the triggers (portal/revisions/triggers.py). Imports nothing of the project.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Partner:
    column: str
    via: str | None = None  # "table.column": the row `column` points at holds the partner id there

    @property
    def via_table(self) -> str | None:
        return self.via.split(".")[0] if self.via else None

    @property
    def via_column(self) -> str | None:
        return self.via.split(".")[1] if self.via else None


@dataclass(frozen=True)
class Reference:
    pass


@dataclass(frozen=True)
class Exempt:
    reason: str


def partner(column: str, via: str | None = None) -> Partner:
    return Partner(column, via)


def exempt(reason: str) -> Exempt:
    return Exempt(reason)


REFERENCE = Reference()

TABLES: dict[str, Partner | Reference | Exempt] = {
    # accounts
    "partner": partner("id"),
    "portal_user": partner("partner"),
    "user_session": exempt("read with every request to find the user; what a page shows of it is in the key"),
    "invitation": exempt("shown on the team page only, which is not kept"),
    "api_token": exempt("used by /api only; no kept page shows it"),
    "login_throttle": exempt("login bookkeeping; no page shows it"),
    # audit
    "audit_entry": exempt("the audit log is a company page, never kept"),
    # products
    "product": REFERENCE,
    "job_type": REFERENCE,
    # claims
    "claim": partner("partner"),
    "claim_serial": exempt("shown on claim pages only, which are not kept"),
    "claim_photo": exempt("shown on claim pages only, which are not kept"),
    "claim_flag": exempt("fraud flags are for managers' pages, never kept"),
    "claim_event": exempt("a claim's history is on its own page, not kept; the status is on claim"),
    "claim_upload": exempt("photos sent ahead of a claim form: shown on that form only, which is not kept"),
    # notifications
    "notification": exempt("the bell's unread count is in the page key"),
    # ledger
    "ledger_account": partner("partner"),
    "ledger_lot": partner("partner"),
    "ledger_transfer": exempt("every transfer moves a ledger_account balance in its transaction; history pages are not kept"),
    "ledger_shortfall": exempt("ledger bookkeeping for verify; no kept page reads it"),
    "ledger_lot_use": exempt("ledger bookkeeping of which lot paid what; what pages show is on ledger_lot"),
    # rewards
    "reward_rule": REFERENCE,
    # periods
    "period": REFERENCE,
    "act": exempt("acts are downloaded and listed on pages that are not kept"),
    "payout_register": exempt("finance pages only, never kept"),
    "payout_line": exempt("finance pages and the partner's acts page, not kept"),
    "payout_event": exempt("finance pages only, never kept"),
    # plans
    "plan": REFERENCE,  # a plan without a partner is a group's plan: every partner may see it
    "plan_sales": partner("partner"),
    "plan_stamp": exempt("the plans' in-memory stamp; it moves only with plan and plan_sales, both registered"),
    # catalog
    "prize": REFERENCE,
    "prize_variant": REFERENCE,
    "prize_image": REFERENCE,
    "cart_line": exempt("the shelf keys on the cart's count; the cart page is not kept"),
    "delivery_profile": exempt("checkout only, not kept"),
    "order_policy": partner("partner"),
    "prize_order": partner("partner"),
    "prize_order_line": exempt("order pages only, not kept; the order's totals are on prize_order"),
    "prize_order_event": exempt("an order's history is on its own page, not kept"),
    # gamification
    "game_tier": REFERENCE,
    "game_partner_tier": partner("partner"),
    "game_division": REFERENCE,
    "game_division_member": partner("partner"),
    "game_tier_earned": partner("partner"),
    "game_tier_credit": exempt("written only beside game_tier_earned, which moves the partner's revision"),
    "game_tier_move": partner("partner"),
    "game_tier_watch": partner("partner"),
    "game_contest": REFERENCE,
    "game_contest_standing": partner("partner"),
    "game_contest_entry": exempt("a contest's parts, never shown; the standing it adds to is partner-scoped"),
    "game_contest_award": exempt("shown on the contest pages only, not kept; the dashboard shows the standing"),
    "game_badge_rule": REFERENCE,
    "game_badge_award": partner("partner"),
    "game_counter": partner("partner"),
    "game_claim_credit": exempt("what an approval added to the game's counters; no page reads it"),
    "game_streak_week": partner("partner"),
    "game_standing": partner("partner"),  # a league place is rewritten for every partner whose place changed
    "game_standing_day": exempt("rolling-window buckets: read by the leaderboard, which is never kept"),
    "game_board_privacy": partner("partner"),
    "game_league_season": exempt("marks a season's divisions made; shown on no page"),
    "game_league_rules": REFERENCE,
    "game_rolling": exempt("the rolling window's sums: read by the leaderboard, which is never kept"),
    "game_rolling_stamp": exempt("the day the rolling sums were rebuilt for; shown on no page"),
    # scheduler
    "job_run": exempt("the jobs page is a company page, never kept"),
    # revisions
    "data_revision": exempt("the revisions themselves"),
    "data_touch": exempt("the revisions themselves (PostgreSQL's pending touches)"),
}


def partner_tables() -> dict[str, Partner]:
    return {t: s for t, s in TABLES.items() if isinstance(s, Partner)}


def reference_tables() -> list[str]:
    return [t for t, s in TABLES.items() if isinstance(s, Reference)]
