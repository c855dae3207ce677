"""Notifications services: write a user's bell messages and read them back.

``notify_partner`` runs inside the caller's transaction (events are synchronous).
"""

from __future__ import annotations

import json

from portal.accounts.tables import User
from portal.db import utcnow, write
from portal.i18n import gettext
from portal.notifications.tables import Notification


async def notify_partner(partner_id: int, kind: str, msgid: str, params: dict, link: str = "") -> int:
    users = await User.select(User.id).where((User.partner == partner_id) & User.is_active.eq(True))
    if users:
        await Notification.insert(*[
            Notification(user=u["id"], kind=kind, msgid=msgid, params=json.dumps(params, ensure_ascii=False), link=link)
            for u in users
        ])
    return len(users)


async def notify_partners(messages: list[tuple[int, str, str, dict, str]]) -> int:
    """Many partners at once, (partner, kind, msgid, params, link) each: one read of their users and one
    raw INSERT per 500 messages (a contest's close tells 10^4 partners; ORM rows cost 0.3 ms each).
    Runs in the caller's transaction. Returns how many messages were written."""
    by_partner: dict[int, list[int]] = {}
    ids = list({m[0] for m in messages})
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for u in await write("SELECT id, partner FROM portal_user WHERE is_active = {} AND partner IN ("
                             + ", ".join(["{}"] * len(chunk)) + ")", True, *chunk):
            by_partner.setdefault(u["partner"], []).append(u["id"])
    now = utcnow()
    rows = [(uid, kind, msgid, json.dumps(params, ensure_ascii=False), link, now)
            for partner_id, kind, msgid, params, link in messages for uid in by_partner.get(partner_id, [])]
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        await write('INSERT INTO notification ("user", kind, msgid, params, link, created_at) VALUES '
                    + ", ".join(["({}, {}, {}, {}, {}, {})"] * len(chunk)), *[v for r in chunk for v in r])
    return len(rows)


async def notify_user(user_id: int, kind: str, msgid: str, params: dict, link: str = "") -> None:
    await Notification.insert(Notification(user=user_id, kind=kind, msgid=msgid,
                                           params=json.dumps(params, ensure_ascii=False), link=link))


async def for_user(user_id: int, limit: int = 50) -> list[dict]:
    rows = await Notification.select().where(Notification.user == user_id).order_by(
        Notification.id, ascending=False).limit(limit).output(load_json=True)
    for row in rows:
        message = row["msgid"]  # a msgid stored when the event happened, translated now
        row["text"] = gettext(message, **(row["params"] or {}))
    return rows


async def mark_all_read(user_id: int) -> None:
    await Notification.update({Notification.read_at: utcnow()}).where(
        (Notification.user == user_id) & Notification.read_at.is_null())
