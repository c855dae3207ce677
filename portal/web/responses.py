"""Page responses: a Template that is always served as HTML.

Handlers that may return a page or a redirect are annotated loosely, and
Litestar would then guess JSON; Page pins the media type.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import MediaType
from litestar.response import Redirect, Response, Template
from litestar.types import ASGIApp, Receive, Scope, Send


class Page(Template):
    def __init__(self, template_name: str, context: dict[str, Any] | None = None, status_code: int = 200,
                 **kwargs: Any) -> None:
        kwargs.setdefault("media_type", MediaType.HTML)
        super().__init__(template_name=template_name, context=context, status_code=status_code, **kwargs)


class SeeOther(Response):
    """A 303 redirect to one of our own paths, for hot form posts (the claim submission).

    Litestar's ``Redirect`` builds its headers through ``MutableScopeHeaders`` (~12 µs); this sends the two
    ASGI messages itself (~1 µs). Security headers still come from the app's ``before_send`` hook. With
    route-level headers, cookies or a background task it is Litestar's ``Redirect``.
    """

    def __init__(self, path: str) -> None:  # noqa: D107 - nothing of Response's state is used
        self.path = path

    def to_asgi_response(self, app: Any, request: Any, *, background: Any = None, cookies: Any = None,
                         headers: Any = None, **kwargs: Any) -> ASGIApp:
        if background or cookies or headers:
            return Redirect(path=self.path, status_code=303).to_asgi_response(
                app, request, background=background, cookies=cookies, headers=headers, **kwargs)
        return _SeeOtherApp(self.path.encode("latin-1"))


class _SeeOtherApp:
    __slots__ = ("location",)

    def __init__(self, location: bytes) -> None:
        self.location = location

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", self.location), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
