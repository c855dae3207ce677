"""Data revisions: read with the session (one query a request) and, on PostgreSQL, bumped after commits.

The invariant pages rely on: whenever a committed change shows on a partner's pages, either that
partner's revision (or scope 0's) has moved, or a data_touch row for it is visible. A page kept under
(revisions, …) is therefore never older than the data, and a page is not kept while a touch is pending.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

log = logging.getLogger(__name__)

# Readers add these columns to the session query (portal.accounts.services); p is the partner row.
READ_COLUMNS = (
    "COALESCE((SELECT r.rev FROM data_revision r WHERE r.scope = p.id), 0) AS partner_rev, "
    "COALESCE((SELECT r.rev FROM data_revision r WHERE r.scope = 0), 0) AS global_rev, "
    "EXISTS (SELECT 1 FROM data_touch t WHERE t.scope = p.id OR t.scope = 0) AS touch_pending"
)

# Bump the revision of every scope touched by committed transactions, each once, in ascending order
# (two flushes lock rows in the same order, so they never deadlock). SKIP LOCKED: a touch another
# flush is taking is that flush's to count.
_FLUSH_SQL = (
    "WITH gone AS (DELETE FROM data_touch WHERE id IN "
    "(SELECT id FROM data_touch ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING scope) "
    "INSERT INTO data_revision (scope, rev) SELECT scope, 1 FROM (SELECT DISTINCT scope FROM gone) s "
    "ORDER BY scope ON CONFLICT (scope) DO UPDATE SET rev = data_revision.rev + 1"
)


class Revision(NamedTuple):
    partner: int
    reference: int


def from_row(row: dict) -> Revision | None:
    """The revision a session row carries; None while a change is committed but not yet counted."""
    if row.get("touch_pending") or "partner_rev" not in row:
        return None
    return Revision(int(row["partner_rev"] or 0), int(row["global_rev"] or 0))


async def flush() -> None:
    """PostgreSQL: count the committed touches (called after every outermost write transaction).

    Best effort: a touch left behind only makes pages render afresh until the next flush.
    """
    from portal.db import engine
    from piccolo.querystring import QueryString

    try:
        await engine().run_querystring(QueryString(_FLUSH_SQL))
    except Exception:  # noqa: BLE001 - the data is committed; pages just stay uncached meanwhile
        log.warning("data revision flush failed", exc_info=True)


async def current(partner_id: int | None) -> Revision | None:
    """A partner's revision once every committed change is counted (requests read it with the session)."""
    from portal.db import is_sqlite, read

    if not is_sqlite():
        await flush()
    rows = await read("SELECT " + READ_COLUMNS + " FROM (SELECT CAST({} AS BIGINT) AS id) p", partner_id)
    return from_row(rows[0])


class ReferenceValues:
    """Values read from reference data (products, job types, periods …: scope 0), kept per worker while
    the reference revision they were read under stands.

    A request passes the revision it read with its session: a value is never older than that revision,
    so a request sees what a read at its start would have seen. Without a revision (a change is
    committed but not yet counted) the value is read afresh and not kept.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._reference: int | None = None
        self._values: dict = {}

    async def get(self, revision: Revision | None, key, load):
        if revision is None:
            return await load()
        if revision.reference != self._reference:
            if self._reference is not None and revision.reference < self._reference:
                return await load()  # an older request still running: do not throw the newer values away
            self._values, self._reference = {}, revision.reference
        try:
            return self._values[key]
        except KeyError:
            pass
        value = await load()
        if revision.reference == self._reference and len(self._values) < self._limit:
            self._values[key] = value
        return value

    def clear(self) -> None:
        self._values, self._reference = {}, None


REFERENCE = ReferenceValues()


# --- the live poll: one small question an open page asks instead of reloading its parts ----------------

def live_token(user) -> str:
    """What an open page shows of the user's data, as one short token: the partner's and the reference
    revision and the bell's count. A page carries it; /live answers 304 while it still holds. "-" while a
    change is committed but not yet counted (the next poll then finds a token and refreshes)."""
    if user is None or user.revision is None:
        return "-"
    return f"{user.revision.partner}.{user.revision.reference}.{user.unread}"


async def current_live_token(user) -> str:
    """live_token() for a poll: on PostgreSQL a change not yet counted is counted first (as pages do)."""
    if user.revision is None:
        revision = await current(user.partner_id)
        return f"{revision.partner}.{revision.reference}.{user.unread}" if revision is not None else "-"
    return live_token(user)
