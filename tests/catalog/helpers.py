"""Catalogue factories: prizes through the admin service, points through the ledger."""

from __future__ import annotations

import itertools

from catalog import services
from catalog.forms import Delivery, PrizeData
from portal.audit.services import SYSTEM
from portal.ledger import services as ledger

_n = itertools.count(1)
DELIVERY = Delivery("Иван Петров", "Москва, ул. Тверская, д. 1, кв. 2", "+7 912 345-67-89")


async def prize(points: int = 1000, stock: int | str = "", variants: str = "", **fields) -> int:
    n = next(_n)
    data = {"code": f"PRZ-{n}", "name": f"Приз {n}", "category": "Инструмент", "points": str(points),
            "stock": str(stock), "variants": variants} | {k: str(v) for k, v in fields.items()}
    prize_id, _created = await services.save_prize(SYSTEM, PrizeData.parse(data))
    return prize_id


async def give_points(partner_id: int, points: int) -> None:
    await ledger.adjust(partner_id, "points", points, "test", None, cause=f"test-credit:{partner_id}:{next(_n)}")


async def order(user, prize_id: int, quantity: int = 1, variant_id: int | None = None, token: str | None = None) -> int:
    return await services.place_order(user, token or f"tok-{next(_n)}", [services.Want(prize_id, variant_id, quantity)],
                                      DELIVERY)
