"""Prize descriptions: Markdown written by admins, rendered without raw HTML.

markdown-it-py's "commonmark" preset with html=False escapes any tag, and its link validation refuses
javascript:, vbscript:, file: and data: (except images) URLs, so a description cannot carry a script.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


@lru_cache(maxsize=1024)
def render(text: str) -> Markup:
    return Markup(_md.render(text or ""))
