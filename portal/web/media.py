"""Serving stored media: the bytes of one key, or a 404 when the store has no such file.

The route that calls it has already decided the reader may see the file. A file on this host's disk is
streamed (sendfile); one in an S3-compatible store is fetched in a worker thread.
"""

from __future__ import annotations

import anyio
from litestar.exceptions import NotFoundException
from litestar.response import File, Response

from portal.media.storage import MediaMissing, storage


async def media_response(key: str, media_type: str, cache_control: str) -> File | Response:
    headers = {"cache-control": cache_control, "x-content-type-options": "nosniff"}
    try:
        blob = await anyio.to_thread.run_sync(storage().get, key)
    except MediaMissing as exc:
        raise NotFoundException() from exc
    if blob.path is not None:
        return File(path=blob.path, media_type=media_type, content_disposition_type="inline", headers=headers)
    return Response(content=blob.data, media_type=media_type, headers=headers)
