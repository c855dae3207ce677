"""Rendered pages kept per data revision: a hit costs a dictionary lookup instead of queries and Jinja.

A page is kept under everything it shows: the page and its query, the user and the session's
CSRF token (both appear in the layout), the bell's count, the language, today's date (days left,
forecasts, expiry) and the data revision of the user's partner and of reference data. Database
triggers move that revision with every committed change a partner can see (portal/revisions; which
tables move which revision is one registry, portal/revisions/registry.py, checked by tests), so a
kept page is never older than the data. While a change is committed but not yet counted (PostgreSQL,
a moment after each commit), pages are rendered afresh and not kept.

Each worker keeps its own pages (up to a byte budget, least recently used out first); nothing is shared, so a
worker can never serve another's stale copy.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from litestar import Request, Response
from litestar.enums import MediaType
from litestar.utils.scope.state import ScopeState

from portal import i18n
from portal.db import company_today
from portal.revisions import services as revisions
from portal.web.responses import Page


class PageCache:
    """At most ``budget`` bytes of pages; the least recently used go first."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.bytes = 0
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        body = self._pages.get(key)
        if body is None:
            self.misses += 1
            return None
        self.hits += 1
        self._pages.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.budget // 8:
            return  # one page never pushes out most of the others
        old = self._pages.pop(key, None)
        if old is not None:
            self.bytes -= len(old)
        self._pages[key] = body
        self.bytes += len(body)
        while self.bytes > self.budget:
            _, dropped = self._pages.popitem(last=False)
            self.bytes -= len(dropped)

    def clear(self) -> None:
        self._pages.clear()
        self.bytes = 0
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pages)


# A worker keeps up to 48 MB of pages: ~4,000 dashboards (about 12 KB each) or ~3,000 shelf pages.
PAGES = PageCache(budget=48 * 1024 * 1024)


def page_key(request: Request, name: str, *params: Hashable) -> tuple | None:
    """Everything a partner page shows besides its data; None when the page must not be kept."""
    user = request.user
    if user is None or user.partner_id is None or user.revision is None:
        return None
    csrf = ScopeState.from_scope(request.scope).csrf_token
    return (name, params, user.id, user.role, user.full_name, user.partner_name, user.unread, i18n.get_locale(),
            csrf, company_today(), user.revision)


def render(request: Request, template: str, context: dict[str, Any]) -> bytes:
    """A page rendered as Litestar's Template response would (same context: request, csrf_input)."""
    page = Page(template, context=context)
    engine = request.app.template_engine
    return engine.get_template(template).render(**page.create_template_context(request)).encode()


async def cached_page(request: Request, template: str, context: Callable[[], Awaitable[dict[str, Any]]],
                      *params: Hashable) -> Response:
    """The page from the cache, or rendered from context() and kept. params: what else selects the page."""
    key = page_key(request, template, *params)
    body = PAGES.get(key) if key is not None else None
    if body is None:
        body = render(request, template, await context())
        if key is not None:
            PAGES.put(key, body)
        elif request.user is not None and request.user.partner_id is not None and request.user.revision is None:
            # PostgreSQL: a change committed outside write_transaction() (a plain statement) is noted
            # but not counted yet; count it now, so the next request can keep its page again.
            await revisions.flush()
    return Response(body, media_type=MediaType.HTML)
