"""Page responses: a Template that is always served as HTML.

Handlers that may return a page or a redirect are annotated loosely, and
Litestar would then guess JSON; Page pins the media type.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import MediaType
from litestar.response import Template


class Page(Template):
    def __init__(self, template_name: str, context: dict[str, Any] | None = None, status_code: int = 200,
                 **kwargs: Any) -> None:
        kwargs.setdefault("media_type", MediaType.HTML)
        super().__init__(template_name=template_name, context=context, status_code=status_code, **kwargs)

