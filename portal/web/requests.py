"""The portal's request class."""

from __future__ import annotations

from litestar import Request
from litestar.connection.base import empty_receive, empty_send
from litestar.datastructures import FormMultiDict
from litestar.plugins.htmx import HTMXDetails, HTMXRequest
from litestar.types import Empty, Receive, Scope, Send

from portal.forms import clean_text


class PortalRequest(HTMXRequest):
    """``HTMXRequest`` without its reference cycle.

    ``HTMXRequest`` keeps ``HTMXDetails(self)``, which points back at the request: every request (two a
    POST: the CSRF check makes one, the handler another) became cyclic garbage holding the whole ASGI
    scope, freed only by the garbage collector (~30 µs a request under load). Here the details are made
    when asked for and point nowhere afterwards, so a request is freed as soon as it ends.

    Written against litestar-htmx 0.5.0 (pinned): ``__init__`` skips ``HTMXRequest.__init__``.
    tests/web/test_upstream.py fails if that __init__ starts doing more, and
    tests/web/test_request_garbage.py fails once upstream drops the cycle (then this class can go).
    """

    __slots__ = ()

    def __init__(self, scope: Scope, receive: Receive = empty_receive, send: Send = empty_send) -> None:
        Request.__init__(self, scope=scope, receive=receive, send=send)

    @property  # type: ignore[override]
    def htmx(self) -> HTMXDetails:
        return HTMXDetails(self)

    async def form(self) -> FormMultiDict:
        """The form with every text value cleaned (``portal.forms.clean_text``): no handler or service ever
        reads a NUL byte, a control character or an unbounded value. Files are left as they are."""
        if self._form is Empty:
            raw = await super().form()
            self._form = FormMultiDict([(key, clean_text(value) if isinstance(value, str) else value)
                                        for key, value in raw.multi_items()])
        return self._form
