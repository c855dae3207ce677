"""Response compression: Litestar's own (brotli, gzip for clients without it), for text only.

Litestar's ``CompressionMiddleware`` compresses every body above ``minimum_size``, whatever its type:
photos, prize images, act PDFs, ZIPs and XLSX files are compressed already, and a second pass only
costs CPU. ``CompressionConfig.middleware_class`` is Litestar's documented way to change that; this
subclass lets a response through untouched unless its Content-Type is text.

Written against Litestar 2.25.0 (pinned); tests/web/test_headers.py fails if a text response stops being
compressed or a binary one starts.
"""

from __future__ import annotations

from typing import Literal

from litestar.config.compression import CompressionConfig
from litestar.enums import CompressionEncoding
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import Message, Scope, Send

TEXT_TYPES = (b"text/", b"application/json", b"application/javascript", b"application/xml", b"image/svg+xml")


def _is_text(message: Message) -> bool:
    for name, value in message.get("headers", ()):
        if name.lower() == b"content-type":
            return value.lower().startswith(TEXT_TYPES)
    return False


class TextCompressionMiddleware(CompressionMiddleware):
    def create_compression_send_wrapper(
        self, send: Send, compression_encoding: Literal[CompressionEncoding.BROTLI, CompressionEncoding.GZIP] | str,
        scope: Scope,
    ) -> Send:
        chosen: Send | None = None

        async def send_wrapper(message: Message) -> None:
            nonlocal chosen
            if chosen is None:
                if message["type"] != "http.response.start":
                    await send(message)
                    return
                chosen = (super(TextCompressionMiddleware, self).create_compression_send_wrapper(
                    send, compression_encoding, scope) if _is_text(message) else send)
            await chosen(message)

        return send_wrapper


def compression_config() -> CompressionConfig:
    # Brotli quality 4 and gzip level 6 cost about as much per page; quality 5 and gzip 9 (Litestar's
    # default) cost ~1.5-2x that for a few per cent. The 256 KB window (lgwin 18) is plenty for a page.
    return CompressionConfig(backend="brotli", brotli_quality=4, brotli_lgwin=18, brotli_gzip_fallback=True,
                             gzip_compress_level=6, minimum_size=1024, middleware_class=TextCompressionMiddleware)
