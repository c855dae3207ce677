"""Badges: rules as data, the counters their conditions read, and the awards.

A rule (game_badge_rule) names a condition kind with its parameters (CONDITIONS), an optional reward in points,
whether it is earned once or once per period, and whether a withdrawn approval reverses its reward (default:
keep). The evaluator runs inside the publisher's transaction of the event the kind listens to:

- claim_approved: ``on_claim_decided`` records what the approval adds (game_claim_credit, UNIQUE per claim), adds
  it to the partner's counters (game_counter: one multi-row upsert) and its streak week, then checks the active
  rules against the counters it got back. No claim is ever scanned: each figure a condition reads is a counter.
- a withdrawn approval (``on_approval_revoked``) takes back exactly what the credit recorded. The badge stays;
  its reward is reversed only when the rule says so and the partner is now below the condition.
- order_placed (first prize ordered) and period_closed (plan met N periods in a row) keep their own counters.

An award is one row under a UNIQUE key (rule, partner, period-or-''): INSERT .. ON CONFLICT DO NOTHING RETURNING
decides who awards, so 50 concurrent qualifying approvals award once; the reward goes through the ledger under
``keys.badge()``, which would not pay twice either. Awarding rings the bell; ``seen`` drives the celebration.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from portal import forms as f
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import company_today, is_unique_violation, read, utcnow, write, write_transaction
from portal.errors import NotFound, ValidationFailed
from portal.gamification import streaks
from portal.gamification.tables import BadgeAward, BadgeRule
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.ledger import keys
from portal.ledger import services as ledger
from portal.ledger.tables import Transfer
from portal.notifications.services import notify_partner
from portal.periods import services as periods
from portal.periods.calc import span_of

# kind -> (the event it listens to, whether it takes a threshold n, its scopes)
CLAIM_APPROVED, ORDER_PLACED, PERIOD_CLOSED = "claim_approved", "order_placed", "period_closed"
CONDITIONS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "sales": (CLAIM_APPROVED, True, ("all", "category", "product")),
    "new_line": (CLAIM_APPROVED, False, ("category", "product")),
    "complete": (CLAIM_APPROVED, True, ()),
    "streak": (CLAIM_APPROVED, True, ()),
    "plan_streak": (PERIOD_CLOSED, True, ()),
    "first_order": (ORDER_PLACED, False, ()),
}
EVENTS = (CLAIM_APPROVED, ORDER_PLACED, PERIOD_CLOSED)
SHAPES = ("circle", "shield", "hexagon", "star")
GLYPHS = ("star", "check", "flame", "bolt", "trophy", "gift", "camera", "leaf")
MAX_N = 1_000_000


# --- the counters ----------------------------------------------------------------------------------

def _counter_names(row: dict) -> list[str]:
    names = ["sales"]
    if row["category"]:
        names.append(f"cat:{row['category']}")
    if row["product"] is not None:
        names.append(f"prod:{row['product']}")
    if row["complete"]:
        names.append("complete")
    return names


async def _bump(partner_id: int, names: list[str], period: str, sign: int) -> dict[tuple[str, str], int]:
    """Add ``sign`` to the partner's counters, all-time and in the period; their new values back. Keys sorted so
    that concurrent approvals of one partner lock the rows in one order (PostgreSQL)."""
    rows = sorted((f"{partner_id}:{name}:{p}", name, p) for name in names for p in ("", period))
    marks = ", ".join("({}, {}, {}, {}, {})" for _ in rows)
    args = [a for key, name, p in rows for a in (key, partner_id, name, p, sign)]
    back = await write(
        f"INSERT INTO game_counter (key, partner, name, period, value) VALUES {marks} "
        "ON CONFLICT (key) DO UPDATE SET value = game_counter.value + excluded.value RETURNING name, period, value",
        *args)
    return {(r["name"] if isinstance(r, dict) else r[0], r["period"] if isinstance(r, dict) else r[1]):
            int(r["value"] if isinstance(r, dict) else r[2]) for r in back}


async def verify_counters() -> list[str]:
    """Recompute the claim counters (all-time) from the approved claims; the counter keys that differ (empty:
    all agree). For repair checks and tests; it scans the claims, so never on a request."""
    rows = await read(
        "SELECT c.partner, c.product, p.category, "
        "(EXISTS (SELECT 1 FROM claim_photo ph WHERE ph.claim = c.id) "
        " AND EXISTS (SELECT 1 FROM claim_serial s WHERE s.claim = c.id)) AS complete "
        "FROM claim c LEFT JOIN product p ON p.id = c.product WHERE c.status = 'approved'")
    fresh: dict[str, int] = {}
    for row in rows:
        for name in _counter_names(row):
            key = f"{row['partner']}:{name}:"
            fresh[key] = fresh.get(key, 0) + 1
    kept = {r["key"]: int(r["value"]) for r in await read(
        "SELECT key, value FROM game_counter WHERE period = '' AND (name = 'sales' OR name = 'complete' "
        "OR name LIKE 'cat:%' OR name LIKE 'prod:%') AND value <> 0")}
    return sorted(k for k in fresh.keys() | kept.keys() if fresh.get(k) != kept.get(k))


async def counters_of(partner_id: int, period: str = "") -> dict[tuple[str, str], int]:
    rows = await read("SELECT name, period, value FROM game_counter WHERE partner = {} AND period IN ('', {})",
                      partner_id, period)
    return {(r["name"], r["period"]): int(r["value"]) for r in rows}


# --- rules ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    id: int
    code: str
    name_ru: str
    name_en: str
    kind: str
    n: int
    scope: str
    value: str
    reward_points: int
    per_period: bool
    reverse_on_withdraw: bool

    @classmethod
    def of(cls, row: dict) -> Rule:
        cond = row["condition"]
        cond = json.loads(cond) if isinstance(cond, str) else (cond or {})
        return cls(row["id"], row["code"], row["name_ru"], row["name_en"], str(cond.get("kind", "")),
                   int(cond.get("n") or 1), str(cond.get("scope") or "all"), str(cond.get("value") or ""),
                   int(row["reward_points"] or 0), bool(row["per_period"]), bool(row["reverse_on_withdraw"]))

    def key(self, partner_id: int, period: str) -> str:
        return f"{self.code}:{partner_id}:{period if self.per_period else ''}"

    def counter(self) -> str | None:
        """The counter a threshold kind compares with n."""
        if self.kind == "sales":
            return {"all": "sales", "category": f"cat:{self.value}", "product": f"prod:{self.value}"}[self.scope]
        return {"complete": "complete", "first_order": "orders", "plan_streak": "plan_run"}.get(self.kind)


async def active_rules(event: str) -> list[Rule]:
    rows = await read("SELECT id, code, name_ru, name_en, condition, reward_points, per_period, reverse_on_withdraw "
                      "FROM game_badge_rule WHERE active = {} AND event = {} ORDER BY position, id", True, event)
    return [Rule.of(r) for r in rows]


# --- awarding --------------------------------------------------------------------------------------

async def _held(partner_id: int, keys_: list[str]) -> set[str]:
    if not keys_:
        return set()
    marks = ", ".join("{}" for _ in keys_)
    rows = await read(f"SELECT key FROM game_badge_award WHERE key IN ({marks})", *keys_)
    return {r["key"] for r in rows}


async def award(rule: Rule, partner_id: int, period: str, claim_id: int | None = None) -> bool:
    """Award the badge unless it is already held; pay its reward and ring the bell. Joins the caller's
    transaction. True when this call awarded it."""
    won = await write(
        "INSERT INTO game_badge_award (key, rule, partner, period, claim, points, reversed, seen, awarded_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
        rule.key(partner_id, period), rule.id, partner_id, period if rule.per_period else "", claim_id,
        rule.reward_points, False, False, utcnow())
    if not won:
        return False
    if rule.reward_points > 0:
        await ledger.accrue(keys.badge(rule.code, partner_id, period if rule.per_period else ""), partner_id,
                            ledger.POINTS, rule.reward_points, {"badge": rule.code, "badge_ru": rule.name_ru,
                                                                         "badge_en": rule.name_en})
    await notify_partner(partner_id, "badge.awarded", N_("You earned the badge “%(badge)s”."),
                         {"badge": rule.name_ru, "badge_en": rule.name_en}, link=f"/badges/{rule.code}")
    return True


def _qualifies(rule: Rule, got: dict[tuple[str, str], int], period: str, fresh: set[str], streak: int) -> bool:
    where = period if rule.per_period else ""
    if rule.kind == "streak":
        return streak >= rule.n
    if rule.kind == "new_line":
        # the first sale in a category/product (a specific one, or any new one after the partner's first sale)
        prefix = "cat:" if rule.scope == "category" else "prod:"
        if rule.value:
            return f"{prefix}{rule.value}" in fresh
        return got.get(("sales", ""), 0) > 1 and any(name.startswith(prefix) for name in fresh)
    counter = rule.counter()
    return counter is not None and got.get((counter, where), 0) >= rule.n


async def _evaluate(rules: list[Rule], partner_id: int, period: str, got: dict[tuple[str, str], int],
                    fresh: set[str], claim_id: int | None) -> list[str]:
    """Award the rules whose condition holds and that the partner does not hold yet. The conditions are checked
    in memory first: most events qualify for nothing and cost no further query."""
    streak = 0
    if any(r.kind == "streak" for r in rules):
        streak = (await streaks.of_partner(partner_id)).current
    qualified = [r for r in rules if _qualifies(r, got, period, fresh, streak)]
    if not qualified:
        return []
    held = await _held(partner_id, [r.key(partner_id, period) for r in qualified])
    awarded = []
    for rule in qualified:
        if rule.key(partner_id, period) not in held and await award(rule, partner_id, period, claim_id):
            awarded.append(rule.code)
    return awarded


# --- the events --------------------------------------------------------------------------------------

async def _claim_facts(claim_id: int) -> dict | None:
    rows = await read(
        "SELECT c.partner, c.product, c.sold_on, p.category, "
        "(EXISTS (SELECT 1 FROM claim_photo ph WHERE ph.claim = c.id) "
        " AND EXISTS (SELECT 1 FROM claim_serial s WHERE s.claim = c.id)) AS complete "
        "FROM claim c LEFT JOIN product p ON p.id = c.product WHERE c.id = {}", claim_id)
    return rows[0] if rows else None


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def claim_approved(claim_id: int) -> list[str]:
    """Count an approved claim once and award what it earns; the codes awarded."""
    facts = await _claim_facts(claim_id)
    if facts is None:
        return []
    partner_id = facts["partner"]
    period = span_of(_day(facts["sold_on"]), periods.kind()).code
    week = streaks.monday(company_today())
    names = _counter_names(facts)
    credited = await write(
        "INSERT INTO game_claim_credit (claim, partner, week, period, names) VALUES ({}, {}, {}, {}, {}) "
        "ON CONFLICT (claim) DO NOTHING RETURNING claim", claim_id, partner_id, week, period, "\n".join(names))
    if not credited:
        return []  # this approval is already counted (a replayed event)
    got = await _bump(partner_id, names, period, +1)
    await streaks.add(partner_id, week, +1)
    rules = await active_rules(CLAIM_APPROVED)
    if not rules:
        return []
    fresh = {name for (name, p), value in got.items() if p == "" and value == 1 and name != "sales"}
    return await _evaluate(rules, partner_id, period, got, fresh, claim_id)


async def approval_revoked(claim_id: int, reason: str = "", actor_id: int | None = None) -> None:
    """Take back what the claim's approval added; reverse rewards of rules that say so, when now below them."""
    rows = await write("DELETE FROM game_claim_credit WHERE claim = {} RETURNING partner, week, period, names",
                       claim_id)
    if not rows:
        return
    row = rows[0] if isinstance(rows[0], dict) else dict(zip(("partner", "week", "period", "names"), rows[0]))
    partner_id, period, names = row["partner"], row["period"], [n for n in row["names"].split("\n") if n]
    got = await _bump(partner_id, names, period, -1)
    await streaks.add(partner_id, _day(row["week"]), -1)
    rules = [r for r in await active_rules(CLAIM_APPROVED) if r.reverse_on_withdraw and r.reward_points > 0]
    if not rules:
        return
    held = await BadgeAward.select(BadgeAward.id, BadgeAward.key, BadgeAward.rule, BadgeAward.period,
                                   BadgeAward.claim).where(
        (BadgeAward.partner == partner_id) & BadgeAward.rule.is_in([r.id for r in rules])
        & BadgeAward.reversed.eq(False) & (BadgeAward.points > 0))
    by_id = {r.id: r for r in rules}
    streak = None
    for award_row in held:
        rule = by_id[award_row["rule"]]
        where = award_row["period"]
        if rule.per_period and where != period:
            continue
        # A streak or a first sale of a line was earned by one claim: only that claim's withdrawal can undo it
        # (withdrawing a June sale must not take back a January streak, nor valves a badge earned by pumps).
        earned_here = award_row["claim"] is not None and int(award_row["claim"]) == claim_id
        if rule.kind == "streak":
            if not earned_here:
                continue
            if streak is None:
                streak = (await streaks.of_partner(partner_id)).current
            below = streak < rule.n
        elif rule.kind == "new_line":
            below = earned_here and any(got.get((n, ""), 1) <= 0 for n in names
                                        if n.startswith(("cat:", "prod:")))
        else:
            counter = rule.counter()
            below = counter in names and got.get((counter, where), 0) < rule.n
        if below:
            await _reverse_reward(rule, partner_id, where, award_row["id"], reason, actor_id)


async def _reverse_reward(rule: Rule, partner_id: int, period: str, award_id: int, reason: str,
                          actor_id: int | None) -> None:
    accrual = await Transfer.select().where(
        Transfer.key == keys.accrual(keys.badge(rule.code, partner_id, period), ledger.POINTS)).first()
    if accrual is not None and not await Transfer.exists().where(Transfer.reverses == accrual["id"]):
        cap = accrual["amount"]
        release = await Transfer.select().where(Transfer.key == keys.release(accrual["id"])).first()
        if release is not None:
            back = await ledger.reverse(release["id"], reason or "badge", actor_id, allow_shortfall=True)
            cap = back.amount
        await ledger.reverse(accrual["id"], reason or "badge", actor_id, allow_shortfall=True, cap=cap)
    await BadgeAward.update({BadgeAward.reversed: True}).where(BadgeAward.id == award_id)


async def order_placed(partner_id: int) -> list[str]:
    period = periods.current_span().code
    got = await _bump(partner_id, ["orders"], period, +1)
    rules = await active_rules(ORDER_PLACED)
    return await _evaluate(rules, partner_id, period, got, set(), None) if rules else []


async def period_closed(code: str) -> int:
    """Plan met N periods in a row: each partner with a plan in the closed period extends or breaks its run
    (a partner without a plan keeps its run). Once per period per partner (a marker counter). Awards made."""
    rules = await active_rules(PERIOD_CLOSED)
    if not rules:
        return 0
    from portal.plans import services as plans

    span, evaluated = await plans.evaluate_all(code, today=periods.span_for(code).ends_on)
    made = 0
    for row in evaluated:
        pid = row.partner_id
        first = await write("INSERT INTO game_counter (key, partner, name, period, value) VALUES ({}, {}, {}, {}, 1) "
                            "ON CONFLICT (key) DO NOTHING RETURNING id", f"{pid}:plan_seen:{code}", pid,
                            "plan_seen", code)
        if not first:
            continue
        met = bool(row.progress.targets) and row.progress.weakest_pct_bp >= 10000
        back = await write(
            "INSERT INTO game_counter (key, partner, name, period, value) VALUES ({}, {}, 'plan_run', '', {}) "
            "ON CONFLICT (key) DO UPDATE SET value = CASE WHEN excluded.value = 0 THEN 0 "
            "ELSE game_counter.value + 1 END RETURNING value", f"{pid}:plan_run:", pid, 1 if met else 0)
        value = int(back[0]["value"] if isinstance(back[0], dict) else back[0][0])
        made += len(await _evaluate(rules, pid, code, {("plan_run", ""): value, ("plan_run", code): value},
                                    set(), None))
    return made


async def on_claim_decided(event) -> None:
    """ClaimDecided (portal.claims.events), wired after rewards and plans."""
    if event.status == "approved":
        await claim_approved(event.claim_id)


async def on_approval_revoked(event) -> None:
    await approval_revoked(event.claim_id, event.reason, event.actor_id)


async def on_order_placed(event) -> None:
    await order_placed(event.partner_id)


async def on_period_closed(event) -> None:
    await period_closed(event.code)


# --- reading: the shelf -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ShelfItem:
    rule: dict
    kind: str
    n: int
    scope: str
    value: str
    progress: int  # the figure reached, capped at n
    earned: dict | None  # the latest award row, if any
    times: int  # awards (per-period badges may be earned again)


async def shelf(partner_id: int, today: dt.date | None = None) -> list[ShelfItem]:
    """Every active badge for the partner: earned first, then locked ones with their progress."""
    rules = await BadgeRule.select().where(BadgeRule.active.eq(True)).order_by(BadgeRule.position, BadgeRule.id)
    items = await _items(partner_id, rules, today)
    items.sort(key=lambda i: (i.earned is None, i.rule["position"], i.rule["id"]))
    return items


async def shelf_item(partner_id: int, code: str, today: dt.date | None = None) -> ShelfItem:
    """One badge's page: an active badge, or an inactive one the partner holds; NotFound otherwise."""
    row = await rule_by_code(code)
    items = await _items(partner_id, [row], today)
    if not row["active"] and items[0].earned is None:
        raise NotFound()
    return items[0]


async def _items(partner_id: int, rules: list[dict], today: dt.date | None) -> list[ShelfItem]:
    period = periods.current_span(today).code
    awards = await BadgeAward.select().where(BadgeAward.partner == partner_id).order_by(BadgeAward.awarded_at)
    got = await counters_of(partner_id, period)
    streak = await streaks.of_partner(partner_id, today)
    mine: dict[int, list[dict]] = {}
    for a in awards:
        mine.setdefault(a["rule"], []).append(a)
    parsed = [Rule.of(row) for row in rules]
    products = {int(r.value) for r in parsed if r.scope == "product" and r.value.isdigit()}
    names = {}
    if products:
        from portal.products.tables import Product

        names = {str(p["id"]): p["name"] for p in
                 await Product.select(Product.id, Product.name).where(Product.id.is_in(sorted(products)))}
    items = []
    for row, rule in zip(rules, parsed):
        where = period if rule.per_period else ""
        if rule.kind == "streak":
            reached = streak.current
        elif rule.kind == "plan_streak":
            reached = got.get(("plan_run", ""), 0)
        elif rule.kind == "new_line":
            reached = 0
        else:
            reached = got.get((rule.counter() or "", where), 0)
        earned = mine.get(rule.id, [])
        current = [a for a in earned if a["period"] == where]
        value = names.get(rule.value, rule.value) if rule.scope == "product" else rule.value
        items.append(ShelfItem(row, rule.kind, rule.n, rule.scope, value, max(0, min(reached, rule.n)),
                               (current or earned or [None])[-1], len(earned)))
    return items


async def rule_by_id(rule_id: int) -> dict:
    row = await BadgeRule.select().where(BadgeRule.id == rule_id).first()
    if row is None:
        raise NotFound()
    return row


async def rule_by_code(code: str) -> dict:
    row = await BadgeRule.select().where(BadgeRule.code == code).first()
    if row is None:
        raise NotFound()
    return row


async def unseen(partner_id: int) -> list[dict]:
    """Badges awarded since the partner last saw a celebration."""
    return await read(
        "SELECT a.id, r.code, r.name_ru, r.name_en, r.shape, r.colour, r.glyph FROM game_badge_award a "
        "JOIN game_badge_rule r ON r.id = a.rule WHERE a.partner = {} AND a.seen = {} ORDER BY a.id", partner_id, False)


async def mark_seen(partner_id: int, award_ids: list[int]) -> None:
    """The celebration was shown. The write moves the partner's revision, so the kept dashboard is made afresh."""
    if award_ids:
        async with write_transaction():
            await BadgeAward.update({BadgeAward.seen: True}).where(
                (BadgeAward.partner == partner_id) & BadgeAward.id.is_in(award_ids))


async def distribution() -> list[dict]:
    """Badges and how many partners hold each (the admin list)."""
    rows = await read(
        "SELECT r.id, r.code, r.name_ru, r.name_en, r.condition, r.reward_points, r.per_period, r.active, r.event, "
        "r.reverse_on_withdraw, r.shape, r.colour, r.glyph, "
        "(SELECT COUNT(*) FROM game_badge_award a WHERE a.rule = r.id) AS awarded "
        "FROM game_badge_rule r ORDER BY r.position, r.id")
    out = []
    for row in rows:
        rule = Rule.of(row)
        out.append(dict(row) | {"kind": rule.kind, "n": rule.n, "scope": rule.scope, "value": rule.value})
    return out


# --- the admin's form ------------------------------------------------------------------------------

_WHOLE = N_("Enter a whole number from %(min)s to %(max)s.")
RULE_FIELDS = {
    "code": f.Field(max_length=40, pattern=r"[a-z0-9_-]{2,40}",
                    message=N_("Use 2 to 40 lowercase Latin letters, digits, - or _.")),
    "name_ru": f.Field(max_length=100),
    "name_en": f.Field(max_length=100),
    "description_ru": f.Field(required=False, max_length=1000, multiline=True),
    "description_en": f.Field(required=False, max_length=1000, multiline=True),
    "kind": f.Field(f.CHOICE, choices=tuple(CONDITIONS), required_message=N_("Choose one of the options.")),
    "n": f.Field(f.INT, required=False, min_value=1, max_value=MAX_N, default=1, range_message=_WHOLE),
    "scope": f.Field(f.CHOICE, required=False, choices=("all", "category", "product"), default="all"),
    "value": f.Field(required=False, max_length=100),
    "reward_points": f.Field(f.INT, required=False, min_value=0, max_value=MAX_N, default=0, range_message=_WHOLE),
    "per_period": f.Field(f.BOOL),
    "reverse_on_withdraw": f.Field(f.BOOL),
    "active": f.Field(f.BOOL),
    "shape": f.Field(f.CHOICE, choices=SHAPES, required_message=N_("Choose one of the options.")),
    "colour": f.Field(max_length=7, pattern=r"#[0-9a-fA-F]{6}", message=N_("Enter a colour as #rrggbb.")),
    "glyph": f.Field(f.CHOICE, choices=GLYPHS, required_message=N_("Choose one of the options.")),
    "position": f.Field(f.INT, required=False, min_value=0, max_value=10_000, default=0, range_message=_WHOLE),
}


@dataclass(frozen=True)
class RuleData:
    code: str
    name_ru: str
    name_en: str
    description_ru: str
    description_en: str
    kind: str
    n: int
    scope: str
    value: str
    reward_points: int
    per_period: bool
    reverse_on_withdraw: bool
    active: bool
    shape: str
    colour: str
    glyph: str
    position: int

    @classmethod
    def parse(cls, data: dict) -> RuleData:
        errors = f.Errors()
        values = f.clean(RULE_FIELDS, data, errors)
        kind = values["kind"]
        if kind in CONDITIONS:
            scopes = CONDITIONS[kind][2]
            if scopes and values["scope"] not in scopes:
                errors.add("scope", _("Choose one of the options."))
            if not scopes:
                values["scope"], values["value"] = "all", ""
            elif values["scope"] == "product" and values["value"] and f.parse_id(values["value"]) is None:
                errors.add("value", _("Enter a product id."))
            elif kind == "sales" and values["scope"] != "all" and not values["value"]:
                errors.add("value", _("Say which product or category."))
            if not CONDITIONS[kind][1]:
                values["n"] = 1
            if kind == "first_order" and values["per_period"]:  # an order can be placed and cancelled each period
                errors.add("per_period", _("A first prize order is earned once, not once per period."))
        values["colour"] = (values["colour"] or "").lower()
        if errors:
            raise ValidationFailed(dict(errors))
        return cls(**{k: (v if v is not None else RULE_FIELDS[k].default) for k, v in values.items()})

    def condition(self) -> str:
        cond: dict = {"kind": self.kind, "n": self.n}
        if CONDITIONS[self.kind][2]:
            cond["scope"], cond["value"] = self.scope, self.value
        return json.dumps(cond, ensure_ascii=False)


def form_values(row: dict) -> dict:
    rule = Rule.of(row)
    return {**{k: row[k] for k in ("code", "name_ru", "name_en", "description_ru", "description_en", "reward_points",
                                   "per_period", "reverse_on_withdraw", "active", "shape", "colour", "glyph",
                                   "position")},
            "kind": rule.kind, "n": rule.n, "scope": rule.scope, "value": rule.value}


async def save_rule(actor: Actor, data: RuleData, rule_id: int | None = None) -> int:
    """Create or edit a badge rule. Awards already made stay (their key names the code, which is kept)."""
    values = {"code": data.code, "name_ru": data.name_ru, "name_en": data.name_en,
              "description_ru": data.description_ru, "description_en": data.description_en,
              "event": CONDITIONS[data.kind][0], "condition": data.condition(), "reward_points": data.reward_points,
              "per_period": data.per_period, "reverse_on_withdraw": data.reverse_on_withdraw, "active": data.active,
              "shape": data.shape, "colour": data.colour, "glyph": data.glyph, "position": data.position}
    async with write_transaction():
        clash = BadgeRule.select(BadgeRule.id).where(BadgeRule.code == data.code)
        if rule_id is not None:
            before = await BadgeRule.select().where(BadgeRule.id == rule_id).first()
            if before is None:
                raise NotFound()
            if before["code"] != data.code:
                raise ValidationFailed({"code": _("The code of a badge cannot change.")})
            if (before["per_period"] != data.per_period or before["event"] != values["event"]) \
                    and await BadgeAward.exists().where(BadgeAward.rule == rule_id):
                # the award key names the period or not: switching would award (and pay) everyone again
                raise ValidationFailed({"per_period": _("Partners already hold this badge: its kind and how often "
                                                        "it is earned can no longer change.")})
            await BadgeRule.update({getattr(BadgeRule, k): v for k, v in values.items()}).where(
                BadgeRule.id == rule_id)
            await audit.record(actor, "badge_rule.changed", "badge_rule", data.code,
                               before={k: before[k] for k in values}, after=values)
            return rule_id
        if await clash.first():
            raise ValidationFailed({"code": _("A badge with this code already exists.")})
        try:
            row = BadgeRule(**values)
            await row.save()
        except Exception as exc:  # two admins saving one code at once: the UNIQUE index decides
            if is_unique_violation(exc):
                raise ValidationFailed({"code": _("A badge with this code already exists.")}) from exc
            raise
        await audit.record(actor, "badge_rule.created", "badge_rule", data.code, after=values)
        return row.id



# --- the dashboard panel and the celebration ----------------------------------------------------------

async def celebration(partner_id: int) -> list[dict]:
    """Badges awarded since the partner last looked, marked seen now: the page showing them is the one
    celebration (the write moves the partner's revision, so a kept dashboard is made afresh next time)."""
    fresh = await unseen(partner_id)
    await mark_seen(partner_id, [r["id"] for r in fresh])
    return fresh


async def panel(partner_id: int) -> dict | None:
    """The dashboard's badge panel: the streak, the latest badges and the celebration of new ones."""
    streak = await streaks.of_partner(partner_id)
    recent = await read(
        "SELECT r.code, r.name_ru, r.name_en, r.shape, r.colour, r.glyph, a.awarded_at FROM game_badge_award a "
        "JOIN game_badge_rule r ON r.id = a.rule WHERE a.partner = {} ORDER BY a.id DESC LIMIT 4", partner_id)
    if not recent and streak.best == 0 and not await read(
            "SELECT 1 AS x FROM game_badge_rule WHERE active = {} LIMIT 1", True):
        return None
    return {"streak": streak, "recent": recent, "celebrate": await celebration(partner_id)}
