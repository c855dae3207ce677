"""Catalogue services: prizes and their images, browsing, the cart, and orders through their states.

Rules this module guards:
- points move only through the ledger, two-phase: placing an order reserves them (available -> reserved),
  delivery posts them, cancellation before delivery voids the reservation, exactly once;
- stock is taken with one ``UPDATE … WHERE stock >= n`` (or unlimited), so the last unit goes to one order,
  and it comes back only with the status change that cancels the order (compare-and-set: once);
- the checkout's token is UNIQUE and looked up first inside the transaction: a double tap places one order
  and every tap answers with it;
- an order's status changes only through set_status() and the MOVES map (catalog.statuses);
- a partner sees only its own orders; another partner's answers 404.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread

from catalog.events import OrderPlaced
from catalog.forms import Delivery, PrizeData
from catalog.slots import tier_gate
from catalog.statuses import (AWAITING, CANCELLED, COMPANY_CANCELLABLE, CONFIRMED, DELIVERED, MOVES,  # noqa: F401
                              PARTNER_CANCELLABLE, PLACED, SHIPPED, STATUS_LABELS)
from catalog.tables import (CartLine, DeliveryProfile, OrderEvent, OrderLine, OrderPolicy, PrizeOrder, Prize,
                            PrizeImage, PrizeVariant)
from portal.accounts.services import CurrentUser
from portal import events, workflow
from portal.audit import services as audit
from portal.audit.services import Actor
from portal.db import company_today, is_sqlite, is_unique_violation, read as db_read, utcnow, write_transaction
from portal.errors import Conflict, DomainError, Forbidden, NotFound
from portal.i18n import N_, gettext
from portal.ledger import keys
from portal.ledger import services as ledger
from portal.media import images
from portal.notifications.services import notify_partner
from portal.settings import get_settings

NOTICES = {
    PLACED: N_("Order #%(order)s is placed: %(points)s points reserved."),
    CONFIRMED: N_("Order #%(order)s is confirmed and being packed."),
    SHIPPED: N_("Order #%(order)s is on its way. Tracking: %(tracking)s"),
    DELIVERED: N_("Order #%(order)s is delivered. Enjoy!"),
    CANCELLED: N_("Order #%(order)s is cancelled; its points are back on your balance."),
    AWAITING: N_("Order #%(order)s waits for your admin's approval."),
}
FLOW = workflow.Workflow(PrizeOrder, MOVES)
RENDITIONS = (("thumb", 240), ("card", 480), ("full", 1200))
PER_PAGE = 24


class OutOfStock(DomainError):
    status_code = 409
    msgid = N_("“%(name)s” is out of stock.")


class EmptyCart(DomainError):
    status_code = 400
    msgid = N_("Your cart is empty.")


class NotOrderable(DomainError):
    status_code = 409
    msgid = N_("“%(name)s” can no longer be ordered.")


class TierTooLow(DomainError):
    status_code = 403
    msgid = N_("“%(name)s” is for partners of the %(tier)s tier and above.")


def locked_by_tier(gate: dict, min_tier: str) -> dict | None:
    """The tier a prize needs when the partner is below it (None: they may order it). A code the ladder no
    longer has locks the prize for everyone rather than opening it."""
    if not min_tier:
        return None
    tier = gate["tiers"].get(min_tier)
    if tier is None:
        return {"code": min_tier, "position": 10**6, "name_ru": min_tier, "name_en": min_tier, "colour": ""}
    return None if tier["position"] <= gate["rank"] else dict(tier, code=min_tier)


def tier_name(tier: dict) -> str:
    from portal.i18n import get_locale

    return tier["name_en"] if get_locale() == "en" else tier["name_ru"]


async def lock_of(partner_id: int, prize: dict) -> dict | None:
    """The tier a prize page shows as needed, if the partner is below it."""
    if not prize.get("min_tier"):
        return None
    return locked_by_tier(await tier_gate(partner_id), prize["min_tier"])


async def tier_options() -> list[tuple[str, str]]:
    """The tiers a prize's min_tier may name, lowest first: (code, name)."""
    tiers = (await tier_gate(None))["tiers"]
    return [(code, tier_name(t)) for code, t in sorted(tiers.items(), key=lambda item: item[1]["position"])]


async def refuse_locked(partner_id: int, prizes: list[dict]) -> None:
    """The service's own check of min_tier (a crafted POST meets it too): TierTooLow for the first locked."""
    if not any(p.get("min_tier") for p in prizes):
        return
    gate = await tier_gate(partner_id)
    for prize in prizes:
        tier = locked_by_tier(gate, prize.get("min_tier") or "")
        if tier is not None:
            raise TierTooLow(name=prize["name"], tier=tier_name(tier))


MEDIA_FOLDER = "prizes"  # renditions' storage keys are "prizes/<name>"


def media_root() -> Path:
    """Where the local storage backend keeps prize pictures (tests look at the files there)."""
    return get_settings().app.var_dir / "media" / MEDIA_FOLDER


# --- prizes ---------------------------------------------------------------------------------------

def _search(*parts: str) -> str:
    return " ".join(p for p in parts if p).casefold()


async def save_prize(actor: Actor, data: PrizeData, prize_id: int | None = None) -> tuple[int, bool]:
    """Create a prize, or update it (by id, else by code). Variants are matched by name; a variant no longer
    listed keeps its history but its stock drops to 0. Returns (id, created)."""
    if data.min_tier and data.min_tier not in {code for code, _name in await tier_options()}:
        from portal.errors import ValidationFailed

        raise ValidationFailed({"min_tier": gettext("Choose one of the options.")})
    async with write_transaction():
        if prize_id is not None:
            current = await Prize.select().where(Prize.id == prize_id).first()
            if current is None:
                raise NotFound()
        else:
            current = await Prize.select().where(Prize.code == data.code).first()
        values = {"code": data.code, "category": data.category, "name": data.name,
                  "search_name": _search(data.name, data.code, data.category), "description": data.description,
                  "points": data.points, "stock": data.stock, "min_tier": data.min_tier,
                  "active_from": data.active_from, "active_to": data.active_to, "position": data.position,
                  "hidden": data.hidden}
        if current is None:
            try:
                rows = await Prize.insert(Prize(**values)).returning(Prize.id)
            except Exception as exc:
                if is_unique_violation(exc):
                    raise Conflict(N_("Prize code %(code)s is taken."), field="code", code=data.code) from exc
                raise
            pid, created = rows[0]["id"], True
        else:
            pid, created = current["id"], False
            if current["code"] != data.code and await Prize.exists().where(
                    (Prize.code == data.code) & (Prize.id != pid)):
                raise Conflict(N_("Prize code %(code)s is taken."), field="code", code=data.code)
            await Prize.update({getattr(Prize, k): v for k, v in values.items()}).where(Prize.id == pid)
        existing = {v["name"]: v for v in await PrizeVariant.select().where(PrizeVariant.prize == pid)}
        for position, (name, stock) in enumerate(data.variants):
            if name in existing:
                await PrizeVariant.update({PrizeVariant.stock: stock, PrizeVariant.position: position}).where(
                    PrizeVariant.id == existing[name]["id"])
            else:
                await PrizeVariant.insert(PrizeVariant(prize=pid, name=name, stock=stock, position=position))
        gone = [v["id"] for name, v in existing.items() if name not in {n for n, _s in data.variants}]
        if gone:
            await PrizeVariant.update({PrizeVariant.stock: 0, PrizeVariant.position: 1000}).where(
                PrizeVariant.id.is_in(gone))
        await audit.record(actor, "prize.created" if created else "prize.updated", "prize", pid,
                           before=None if created else {k: current[k] for k in ("name", "points", "stock", "hidden")},
                           after={"code": data.code, "name": data.name, "points": data.points, "stock": data.stock,
                                  "variants": [list(v) for v in data.variants], "hidden": data.hidden})
    return pid, created


def _render_sync(data: bytes, cap: int) -> dict:
    image = images.load_normalised(data, cap, edge=max(edge for _n, edge in RENDITIONS))
    out = {}
    for name, edge in RENDITIONS:
        r = images.save_webp(image, MEDIA_FOLDER, edge)
        out |= {f"{name}_name": r.name, f"{name}_width": r.width, f"{name}_height": r.height}
    return out


def remove_rendered(files: list[dict]) -> None:
    images.remove(MEDIA_FOLDER, [f[f"{name}_name"] for f in files for name, _edge in RENDITIONS])


async def render_images(uploads: list[bytes]) -> list[dict]:
    """Check and render every upload (in a worker thread) before anything is stored: one bad file and
    the renditions already written are removed, and the error says why."""
    cap = get_settings().app.max_upload_mb * 1024 * 1024
    done: list[dict] = []
    try:
        for data in uploads:
            done.append(await anyio.to_thread.run_sync(_render_sync, data, cap))
    except BaseException:
        await anyio.to_thread.run_sync(remove_rendered, done)  # S3: network calls, off the loop
        raise
    return done


async def attach_images(actor: Actor, prize_id: int, rendered: list[dict]) -> int:
    """Record rendered images on a prize; joins the caller's transaction."""
    async with write_transaction():
        last = await PrizeImage.select(PrizeImage.position).where(PrizeImage.prize == prize_id).order_by(
            PrizeImage.position, ascending=False).first()
        start = (last["position"] + 1) if last else 0
        for n, values in enumerate(rendered):
            await PrizeImage.insert(PrizeImage(prize=prize_id, position=start + n, **values))
        await audit.record(actor, "prize.images_added", "prize", prize_id, after={"count": len(rendered)})
    return len(rendered)


async def save_prize_with_images(actor: Actor, data: PrizeData, uploads: list[bytes],
                                 prize_id: int | None = None) -> tuple[int, bool, int]:
    """The prize and its new pictures together, or neither: every upload is checked and rendered first, then
    the row and the image rows are written in one transaction; on any failure the renditions are removed.
    Returns (prize id, created, images added)."""
    rendered = await render_images(uploads) if uploads else []
    try:
        async with write_transaction():
            pid, created = await save_prize(actor, data, prize_id)
            added = await attach_images(actor, pid, rendered) if rendered else 0
    except BaseException:
        await anyio.to_thread.run_sync(remove_rendered, rendered)  # S3: network calls, off the loop
        raise
    return pid, created, added


async def add_images(actor: Actor, prize_id: int, uploads: list[bytes]) -> int:
    if not await Prize.exists().where(Prize.id == prize_id):
        raise NotFound()
    rendered = await render_images(uploads)
    try:
        return await attach_images(actor, prize_id, rendered)
    except BaseException:
        await anyio.to_thread.run_sync(remove_rendered, rendered)  # S3: network calls, off the loop
        raise


async def set_hidden(actor: Actor, prize_id: int, hidden: bool) -> None:
    async with write_transaction():
        rows = await Prize.update({Prize.hidden: hidden}).where(Prize.id == prize_id).returning(Prize.id)
        if not rows:
            raise NotFound()
        await audit.record(actor, "prize.hidden" if hidden else "prize.shown", "prize", prize_id)


async def move(actor: Actor, prize_id: int, direction: int) -> None:
    """Swap places with the neighbour above (-1) or below (+1) in the catalogue order."""
    async with write_transaction():
        me = await Prize.select(Prize.id, Prize.position).where(Prize.id == prize_id).first()
        if me is None:
            raise NotFound()
        if direction < 0:
            other = await Prize.select(Prize.id, Prize.position).where(
                (Prize.position < me["position"]) | ((Prize.position == me["position"]) & (Prize.id < me["id"]))
            ).order_by(Prize.position, ascending=False).order_by(Prize.id, ascending=False).first()
        else:
            other = await Prize.select(Prize.id, Prize.position).where(
                (Prize.position > me["position"]) | ((Prize.position == me["position"]) & (Prize.id > me["id"]))
            ).order_by(Prize.position).order_by(Prize.id).first()
        if other is None:
            return
        mine, theirs = me["position"], other["position"]
        if mine == theirs:  # equal positions: make room so the swap is visible
            theirs = mine + direction
        await Prize.update({Prize.position: theirs}).where(Prize.id == me["id"])
        await Prize.update({Prize.position: mine}).where(Prize.id == other["id"])
        await audit.record(actor, "prize.moved", "prize", prize_id, before={"position": me["position"]},
                           after={"position": theirs})


async def admin_list(q: str = "", page: int = 1, per_page: int = 50) -> tuple[list[dict], bool]:
    query = Prize.select(Prize.id, Prize.code, Prize.name, Prize.category, Prize.points, Prize.stock, Prize.hidden,
                         Prize.position).order_by(Prize.position).order_by(Prize.id)
    if q:
        query = query.where(Prize.search_name.like(f"%{q.casefold()}%"))
    rows = await query.limit(per_page + 1).offset((max(page, 1) - 1) * per_page)
    return rows[:per_page], len(rows) > per_page


async def prize_form_values(prize_id: int) -> dict:
    prize = await Prize.select().where(Prize.id == prize_id).first()
    if prize is None:
        raise NotFound()
    variants = await PrizeVariant.select().where(PrizeVariant.prize == prize_id).order_by(PrizeVariant.position)
    values = {k: ("" if v is None else v) for k, v in prize.items()}
    values["variants"] = "\n".join(f"{v['name']}: {'' if v['stock'] is None else v['stock']}" for v in variants
                                   if v["position"] < 1000)
    values["hidden"] = "1" if prize["hidden"] else ""
    values["images"] = await PrizeImage.select().where(PrizeImage.prize == prize_id).order_by(PrizeImage.position)
    return values


# --- browsing -------------------------------------------------------------------------------------

_VISIBLE = "p.hidden = {} AND (p.active_from IS NULL OR p.active_from <= {}) AND (p.active_to IS NULL OR p.active_to >= {})"

SORTS = {"": "p.position, p.id", "cheap": "p.points, p.id", "dear": "p.points DESC, p.id"}


@dataclass(frozen=True)
class Shelf:
    rows: list[dict]
    page: int
    has_next: bool
    total: int
    available: int
    categories: list[str]


_categories: tuple[float, dt.date, list[str]] | None = None
CATEGORIES_TTL_S = 30.0


async def categories() -> list[str]:
    """The shelf's category filter. Kept for 30 s per worker: a new category shows up within that,
    and the shelf saves a DISTINCT scan per request."""
    global _categories
    today = company_today()
    now = time.monotonic()
    if _categories is not None and _categories[1] == today and now - _categories[0] < CATEGORIES_TTL_S:
        return _categories[2]
    rows = await Prize.raw(f"SELECT DISTINCT p.category FROM prize p WHERE {_VISIBLE} ORDER BY p.category",
                           False, today, today)
    _categories = (now, today, [r["category"] for r in rows])
    return _categories[2]


async def browse(partner_id: int, q: str = "", category: str = "", affordable: bool = False, sort: str = "",
                 page: int = 1, per_page: int = PER_PAGE) -> Shelf:
    """One page of the catalogue as a partner sees it, with what each prize still needs in points.
    Two queries: the balance, and the page of prizes with their first image, stock and the total count."""
    today = company_today()
    available = await ledger.balance(partner_id, ledger.AVAILABLE)
    where, args = _VISIBLE, [False, today, today]
    if q:
        where += " AND p.search_name LIKE {}"
        args.append(f"%{q.strip().casefold()}%")
    if category:
        where += " AND p.category = {}"
        args.append(category)
    if affordable:
        where += " AND p.points <= {}"
        args.append(available)
    page = max(page, 1)
    order = SORTS.get(sort, SORTS[""])
    # The page is cut first (inner query), so the picture and stock subqueries run for 24 rows, not all matches.
    rows = await Prize.raw(
        "SELECT p.id, p.name, p.category, p.points, p.stock, p.total, p.min_tier, "
        "i.card_name, i.card_width, i.card_height, "
        "(SELECT COUNT(*) FROM prize_variant v WHERE v.prize = p.id) AS variants, "
        "(SELECT COALESCE(SUM(CASE WHEN v.stock IS NULL THEN 1000000 ELSE v.stock END), 0) "
        " FROM prize_variant v WHERE v.prize = p.id) AS variant_stock "
        "FROM (SELECT p.id, p.name, p.category, p.points + 0 AS points, p.stock, p.position, p.min_tier, "
        f"COUNT(*) OVER () AS total FROM prize p WHERE {where} ORDER BY {order} LIMIT {{}} OFFSET {{}}) p "
        "LEFT JOIN prize_image i ON i.prize = p.id AND i.position = "
        f"(SELECT MIN(position) FROM prize_image WHERE prize = p.id) ORDER BY {order}",
        *args, per_page + 1, (page - 1) * per_page)
    if rows:
        total = rows[0]["total"]
    else:  # past the last page: count alone
        total = (await Prize.raw(f"SELECT COUNT(*) AS n FROM prize p WHERE {where}", *args))[0]["n"]
    gate = await tier_gate(partner_id) if any(r["min_tier"] for r in rows) else None
    for row in rows:
        row["needed"] = max(0, row["points"] - available)
        row["locked_tier"] = locked_by_tier(gate, row["min_tier"]) if gate else None
        row["in_stock"] = (row["variant_stock"] > 0) if row["variants"] else (row["stock"] is None or row["stock"] > 0)
    return Shelf(rows[:per_page], page, len(rows) > per_page, total, available, await categories())


async def prize_detail(prize_id: int, visible_only: bool = True) -> dict:
    prize = await Prize.select().where(Prize.id == prize_id).first()
    today = company_today()
    if prize is None or (visible_only and (prize["hidden"] or (prize["active_from"] and prize["active_from"] > today)
                                           or (prize["active_to"] and prize["active_to"] < today))):
        raise NotFound()
    prize["variants"] = await PrizeVariant.select().where(
        (PrizeVariant.prize == prize_id) & (PrizeVariant.position < 1000)).order_by(PrizeVariant.position)
    prize["images"] = await PrizeImage.select().where(PrizeImage.prize == prize_id).order_by(PrizeImage.position)
    return prize


# --- the cart -------------------------------------------------------------------------------------

async def add_to_cart(user: CurrentUser, prize_id: int, variant_id: int | None, quantity: int = 1) -> None:
    prize = await prize_detail(prize_id)
    await refuse_locked(user.partner_id, [prize])
    if prize["variants"] and not any(v["id"] == variant_id for v in prize["variants"]):
        raise DomainError(N_("Choose a size or variant."), field="variant")
    if not prize["variants"]:
        variant_id = None
    quantity = max(1, min(quantity, 99))
    key = f"{user.id}:{prize_id}:{variant_id or 0}"
    async with write_transaction():
        await CartLine.raw(
            "INSERT INTO cart_line (key, \"user\", prize, variant, quantity) VALUES ({}, {}, {}, {}, {}) "
            "ON CONFLICT (key) DO UPDATE SET quantity = MIN(cart_line.quantity + excluded.quantity, 99)"
            if is_sqlite() else
            "INSERT INTO cart_line (key, \"user\", prize, variant, quantity) VALUES ({}, {}, {}, {}, {}) "
            "ON CONFLICT (key) DO UPDATE SET quantity = LEAST(cart_line.quantity + excluded.quantity, 99)",
            key, user.id, prize_id, variant_id, quantity)


async def set_cart_quantity(user: CurrentUser, line_id: int, quantity: int) -> None:
    async with write_transaction():
        if quantity <= 0:
            await CartLine.delete().where((CartLine.id == line_id) & (CartLine.user == user.id))
        else:
            await CartLine.update({CartLine.quantity: min(quantity, 99)}).where(
                (CartLine.id == line_id) & (CartLine.user == user.id))


@dataclass(frozen=True)
class Cart:
    lines: list[dict]
    total: int
    available: int

    @property
    def short(self) -> int:
        return max(0, self.total - self.available)


async def cart_of(user: CurrentUser) -> Cart:
    lines = await CartLine.raw(
        "SELECT c.id, c.prize, c.variant, c.quantity, p.name, p.points + 0 AS points, v.name AS variant_name, "
        "(SELECT card_name FROM prize_image i WHERE i.prize = p.id ORDER BY position LIMIT 1) AS image "
        "FROM cart_line c JOIN prize p ON p.id = c.prize LEFT JOIN prize_variant v ON v.id = c.variant "
        "WHERE c.\"user\" = {} ORDER BY c.id", user.id)
    for line in lines:
        line["subtotal"] = line["points"] * line["quantity"]
    return Cart(lines, sum(l["subtotal"] for l in lines), await ledger.balance(user.partner_id, ledger.AVAILABLE))


async def cart_count(user_id: int) -> int:
    rows = await db_read('SELECT COALESCE(SUM(quantity), 0) AS n FROM cart_line WHERE "user" = {}', user_id)
    return int(rows[0]["n"])


async def delivery_profile(user_id: int) -> dict:
    row = await DeliveryProfile.select().where(DeliveryProfile.user == user_id).first()
    return row or {}


# --- orders ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Want:
    prize_id: int
    variant_id: int | None
    quantity: int


async def _take_stock(want: Want) -> str:
    """Take units atomically; returns the line's name. OutOfStock if not enough, NotOrderable if gone."""
    today = company_today()
    prize = await Prize.select(Prize.name, Prize.hidden, Prize.active_from, Prize.active_to).where(
        Prize.id == want.prize_id).first()
    if prize is None:
        raise NotFound()
    if prize["hidden"] or (prize["active_from"] and prize["active_from"] > today) or (
            prize["active_to"] and prize["active_to"] < today):
        raise NotOrderable(name=prize["name"])
    if want.variant_id is not None:
        variant = await PrizeVariant.select(PrizeVariant.name).where(
            (PrizeVariant.id == want.variant_id) & (PrizeVariant.prize == want.prize_id)).first()
        if variant is None:
            raise NotOrderable(name=prize["name"])
        name = f"{prize['name']} ({variant['name']})"
        rows = await PrizeVariant.raw(
            "UPDATE prize_variant SET stock = stock - {} WHERE id = {} AND (stock IS NULL OR stock >= {}) RETURNING id",
            want.quantity, want.variant_id, want.quantity)
    else:
        if await PrizeVariant.exists().where(PrizeVariant.prize == want.prize_id):
            raise DomainError(N_("Choose a size or variant."), field="variant")
        name = prize["name"]
        rows = await Prize.raw(
            "UPDATE prize SET stock = stock - {} WHERE id = {} AND (stock IS NULL OR stock >= {}) RETURNING id",
            want.quantity, want.prize_id, want.quantity)
    if not rows:
        raise OutOfStock(name=name)
    return name


async def _return_stock(order_id: int) -> None:
    for line in await OrderLine.select().where(OrderLine.order == order_id):
        if line["variant"] is not None:
            await PrizeVariant.raw("UPDATE prize_variant SET stock = stock + {} WHERE id = {} AND stock IS NOT NULL",
                                   line["quantity"], line["variant"])
        else:
            await Prize.raw("UPDATE prize SET stock = stock + {} WHERE id = {} AND stock IS NOT NULL",
                            line["quantity"], line["prize"])


def order_key(order_id: int) -> str:
    return keys.order(order_id)


async def _needs_approval(user: CurrentUser) -> bool:
    if user.role != "partner_staff":
        return False
    policy = await OrderPolicy.select(OrderPolicy.staff_orders_need_approval).where(
        OrderPolicy.partner == user.partner_id).first()
    return bool(policy and policy["staff_orders_need_approval"])


async def place_order(user: CurrentUser, token: str, wants: list[Want], delivery: Delivery, ip: str = "") -> int:
    """Reserve the points and take the stock for ``wants``, in one transaction: all or nothing.
    The same token again returns the first order: it is looked up inside the transaction before any other
    check (a retry whose first tap emptied the cart meanwhile is not "your cart is empty")."""
    if not user.is_partner:
        raise Forbidden()
    async with write_transaction() as txn:
        existing = await PrizeOrder.select(PrizeOrder.id, PrizeOrder.partner).where(PrizeOrder.key == token).first()
        if existing:
            if existing["partner"] != user.partner_id:  # a token is random: a clash across partners is no retry
                raise Conflict(N_("The form has expired. Go back, reload the page and try again."))
            return existing["id"]
        if not wants:
            raise EmptyCart()
        found = await Prize.select(Prize.id, Prize.points, Prize.name, Prize.min_tier).where(
            Prize.id.is_in([w.prize_id for w in wants]))
        await refuse_locked(user.partner_id, found)
        prices = {p["id"]: p["points"] for p in found}
        total = sum(prices.get(w.prize_id, 0) * w.quantity for w in wants)
        status = AWAITING if await _needs_approval(user) else PLACED
        savepoint = await txn.savepoint()
        try:
            rows = await PrizeOrder.insert(PrizeOrder(
                key=token, partner=user.partner_id, placed_by=user.id, status=status, points=total,
                recipient=delivery.recipient, address=delivery.address, phone=delivery.phone)).returning(PrizeOrder.id)
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
            await savepoint.rollback_to()
            return (await PrizeOrder.select(PrizeOrder.id).where(PrizeOrder.key == token).first())["id"]
        order_id = rows[0]["id"]
        for want in wants:
            name = await _take_stock(want)
            await OrderLine.insert(OrderLine(order=order_id, prize=want.prize_id, variant=want.variant_id, name=name,
                                             quantity=want.quantity, points=prices[want.prize_id]))
        await ledger.reserve(order_key(order_id), user.partner_id, total)
        await OrderEvent.insert(OrderEvent(order=order_id, to_status=status, actor=user.id))
        await CartLine.delete().where(CartLine.user == user.id)
        await DeliveryProfile.raw(
            "INSERT INTO delivery_profile (\"user\", address, phone, recipient) VALUES ({}, {}, {}, {}) "
            "ON CONFLICT (\"user\") DO UPDATE SET address = excluded.address, phone = excluded.phone, "
            "recipient = excluded.recipient", user.id, delivery.address, delivery.phone, delivery.recipient)
        await audit.record(user.actor(ip), "order.placed", "prize_order", order_id,
                           after={"status": status, "points": total, "lines": len(wants)})
        await events.publish(OrderPlaced(order_id=order_id, partner_id=user.partner_id, user_id=user.id, points=total))
        await notify_partner(user.partner_id, f"order.{status}", NOTICES[status],
                             {"order": order_id, "points": total}, link=f"/catalog/orders/{order_id}")
    return order_id


async def place_award_order(partner_id: int, token: str, prize_id: int) -> int:
    """A prize a partner won (a contest's place award), ordered on its behalf: the prize's points were credited
    under the award's cause key just before, and this order reserves them, so it costs the partner nothing net.
    Placed by the partner's admin (else any active user of the partner), to the address they ordered with last
    (else the partner's own address and phone); the token (the award's key) makes a retry the same order.
    Raises a DomainError (out of stock, not orderable, no user or address) for the caller to fall back on."""
    from portal.accounts.services import user_for_session

    users = await db_read(
        "SELECT u.id FROM portal_user u WHERE u.partner = {} AND u.is_active = {} "
        "ORDER BY CASE WHEN u.role = 'partner_admin' THEN 0 ELSE 1 END, u.id LIMIT 1", partner_id, True)
    user = await user_for_session(users[0]["id"]) if users else None
    if user is None:
        raise NotOrderable(name=str(prize_id))
    profile = await DeliveryProfile.select().where(DeliveryProfile.user == user.id).first()
    if profile is None:
        from portal.accounts.tables import Partner

        partner = await Partner.select(Partner.address, Partner.phone).where(Partner.id == partner_id).first()
        profile = {"recipient": user.full_name, "address": partner["address"], "phone": partner["phone"]}
    if not (profile["address"] or "").strip():
        raise NotOrderable(name=str(prize_id))
    delivery = Delivery(profile["recipient"] or user.full_name, profile["address"], profile["phone"] or "")
    return await place_order(user, token, [Want(prize_id, None, 1)], delivery)


async def place_cart(user: CurrentUser, token: str, delivery: Delivery, ip: str = "") -> int:
    existing = await PrizeOrder.select(PrizeOrder.id).where(
        (PrizeOrder.key == token) & (PrizeOrder.partner == user.partner_id)).first()
    if existing:
        return existing["id"]
    cart = await cart_of(user)
    return await place_order(user, token, [Want(l["prize"], l["variant"], l["quantity"]) for l in cart.lines],
                             delivery, ip)


async def set_status(actor: Actor, order_id: int, action: str, *, partner_id: int | None = None,
                     values: dict | None = None, note: str = "") -> workflow.Moved | None:
    """The one way an order changes status (see ``MOVES``), in one transaction: compare-and-set (one winner),
    the points (spent on delivery, returned with the stock on cancellation), the history row, the audit entry
    and the partner's notice. A partner's actor only reaches their own orders (else 404). Cancelling an order
    already cancelled is done already: None."""
    async with write_transaction():
        try:
            moved = await FLOW.move(order_id, action, values={PrizeOrder.updated_at: utcnow()} | (values or {}),
                                    where=None if partner_id is None else PrizeOrder.partner == partner_id)
        except workflow.Refused as refused:
            status = refused.current["status"]
            if status == CANCELLED == FLOW.target(action):
                return None  # cancelling twice: the first one did it all
            raise Conflict(N_("Order #%(order)s is already %(status)s."), order=order_id,
                           status=gettext(STATUS_LABELS.get(status, status))) from None
        order, new = moved.before, moved.new
        if new == CANCELLED:
            await ledger.void_reservation(order_key(order_id), note or "cancelled")
            await _return_stock(order_id)
        elif new == DELIVERED:
            await ledger.post_reservation(order_key(order_id))
        await OrderEvent.insert(OrderEvent(order=order_id, from_status=moved.old, to_status=new, actor=actor.id,
                                           note=note))
        await audit.record(actor, f"order.{new}", "prize_order", order_id, before={"status": moved.old},
                           after={"status": new, "note": note} if note else {"status": new})
        params = {"order": order_id, "points": order["points"], "tracking": moved.after["tracking"]}
        await notify_partner(order["partner"], f"order.{new}", NOTICES[new], params, link=f"/catalog/orders/{order_id}")
    return moved


async def cancel_by_partner(user: CurrentUser, order_id: int, ip: str = "") -> None:
    await set_status(user.actor(ip), order_id, "cancel_own", partner_id=user.partner_id)


async def cancel_by_company(actor: Actor, order_id: int, reason: str) -> None:
    if not reason.strip():
        raise DomainError(N_("Say why the order is cancelled: the partner will see it."), field="reason")
    await set_status(actor, order_id, "cancel", values={PrizeOrder.cancel_reason: reason.strip()},
                     note=reason.strip())


async def approve_by_partner_admin(user: CurrentUser, order_id: int, ip: str = "") -> None:
    if user.role != "partner_admin":
        raise Forbidden()
    await set_status(user.actor(ip), order_id, "approve", partner_id=user.partner_id)


async def decline_by_partner_admin(user: CurrentUser, order_id: int, ip: str = "") -> None:
    if user.role != "partner_admin":
        raise Forbidden()
    reason = "declined by the partner's admin"
    await set_status(user.actor(ip), order_id, "decline", partner_id=user.partner_id,
                     values={PrizeOrder.cancel_reason: reason}, note=reason)


async def set_policy(user: CurrentUser, need_approval: bool, ip: str = "") -> None:
    if user.role != "partner_admin":
        raise Forbidden()
    async with write_transaction():
        await OrderPolicy.raw(
            "INSERT INTO order_policy (partner, staff_orders_need_approval) VALUES ({}, {}) "
            "ON CONFLICT (partner) DO UPDATE SET staff_orders_need_approval = excluded.staff_orders_need_approval",
            user.partner_id, need_approval)
        await audit.record(user.actor(ip), "order_policy.set", "partner", user.partner_id,
                           after={"staff_orders_need_approval": need_approval})


async def policy_of(partner_id: int) -> bool:
    row = await OrderPolicy.select().where(OrderPolicy.partner == partner_id).first()
    return bool(row and row["staff_orders_need_approval"])


async def confirm(actor: Actor, order_id: int) -> None:
    await set_status(actor, order_id, "confirm")


async def bulk_confirm(actor: Actor, order_ids: list[int]) -> tuple[int, list[str]]:
    """Confirm each placed order on its own: one that moved on meanwhile is reported, not fatal."""
    done, problems = 0, []
    for order_id in order_ids:
        try:
            await confirm(actor, order_id)
            done += 1
        except DomainError as exc:
            problems.append(exc.message)
    return done, problems


async def ship(actor: Actor, order_id: int, tracking: str) -> None:
    if not tracking.strip():
        raise DomainError(N_("Enter the tracking number."), field="tracking")
    await set_status(actor, order_id, "ship", values={PrizeOrder.tracking: tracking.strip()[:100]},
                     note=tracking.strip()[:100])


async def deliver(actor: Actor, order_id: int) -> None:
    """Delivered: the reserved points are spent for good."""
    await set_status(actor, order_id, "deliver")


# --- reading orders -------------------------------------------------------------------------------

_ORDER_COLUMNS = ("SELECT o.id, o.status, o.points + 0 AS points, o.created_at, o.updated_at, o.tracking, o.recipient, "
                  "o.address, o.phone, o.cancel_reason, o.partner, o.placed_by, pa.legal_name AS partner_name, "
                  "u.full_name AS placed_by_name FROM prize_order o JOIN partner pa ON pa.id = o.partner "
                  "JOIN portal_user u ON u.id = o.placed_by ")


async def orders_of(user: CurrentUser) -> list[dict]:
    return await PrizeOrder.raw(_ORDER_COLUMNS + "WHERE o.partner = {} ORDER BY o.id DESC LIMIT 200", user.partner_id)


async def order_detail(order_id: int, partner_id: int | None = None) -> dict:
    where, args = "WHERE o.id = {}", [order_id]
    if partner_id is not None:
        where += " AND o.partner = {}"
        args.append(partner_id)
    rows = await PrizeOrder.raw(_ORDER_COLUMNS + where, *args)
    if not rows:
        raise NotFound()
    order = rows[0]
    order["lines"] = await OrderLine.select().where(OrderLine.order == order_id).order_by(OrderLine.id)
    order["events"] = await OrderEvent.select(OrderEvent.all_columns(), OrderEvent.actor.full_name.as_alias("actor_name")
                                              ).where(OrderEvent.order == order_id).order_by(OrderEvent.id)
    return order


async def queue(status: str = "", page: int = 1, per_page: int = 50) -> tuple[list[dict], bool]:
    where, args = "", []
    if status:
        where, args = "WHERE o.status = {} ", [status]
    rows = await PrizeOrder.raw(_ORDER_COLUMNS + where + "ORDER BY o.id LIMIT {} OFFSET {}", *args, per_page + 1,
                                (max(page, 1) - 1) * per_page)
    if rows:
        ids = [r["id"] for r in rows]
        lines: dict[int, list] = {}
        for line in await OrderLine.select().where(OrderLine.order.is_in(ids)).order_by(OrderLine.id):
            lines.setdefault(line["order"], []).append(line)
        for r in rows:
            r["lines"] = lines.get(r["id"], [])
    return rows[:per_page], len(rows) > per_page


async def default_queue_status() -> str:
    """The status the order queue opens on: the first that has work waiting (placed, then confirmed, then
    shipped), else every order, so that the page never opens on an empty filter while orders exist."""
    for status in (PLACED, CONFIRMED, SHIPPED):
        if await PrizeOrder.exists().where(PrizeOrder.status == status):
            return status
    return ""


async def export_rows(status: str = "") -> list[dict]:
    rows, _more = await queue(status, per_page=100_000)
    return rows
