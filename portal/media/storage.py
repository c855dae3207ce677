"""Media storage: where uploaded photos and prize pictures are kept, behind one small interface.

Owns the bytes of every rendition, addressed by a key such as ``claims/<random>.jpg``. Two backends:
``LocalStorage`` (a directory on this host; the default, fine for one host) and ``S3Storage`` (any
S3-compatible store, which every app host shares). It never decides who may read a file: the routes
check that before they ask for the bytes. Its methods are blocking; callers run them in a worker thread.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from portal.settings import MediaSettings, get_settings


class MediaMissing(LookupError):
    """The key names no stored file (deleted, never written, or written on a host we cannot see)."""


@dataclass(frozen=True)
class Blob:
    data: bytes | None  # None when ``path`` is set: the file can be streamed from this disk
    path: Path | None = None


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> Blob: ...

    def delete(self, key: str) -> None: ...


def _checked(key: str) -> str:
    # Keys are made by us (a folder and a random name); refuse anything that could climb out of the root.
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise MediaMissing(key)
    return key


class LocalStorage:
    """Files under one directory; writes go to a temporary name and are renamed, so a reader never sees half."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.root / _checked(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def get(self, key: str) -> Blob:
        path = self.root / _checked(key)
        if not path.is_file():
            raise MediaMissing(key)
        return Blob(data=None, path=path)

    def delete(self, key: str) -> None:
        (self.root / _checked(key)).unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket through boto3 (path-style addressing, so MinIO, Ceph and others work too)."""

    def __init__(self, settings: MediaSettings) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint or None,
            aws_access_key_id=settings.s3_access_key or None,
            aws_secret_access_key=settings.s3_secret_key or None,
            region_name=settings.s3_region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"},
                          connect_timeout=5, read_timeout=30),
        )

    def _key(self, key: str) -> str:
        return self.prefix + _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> Blob:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise MediaMissing(key) from exc
        return Blob(data=answer["Body"].read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def make_storage(settings: MediaSettings, var_dir: Path) -> Storage:
    if settings.backend == "s3":
        return S3Storage(settings)
    if settings.backend != "local":
        raise ValueError(f"PREMIA_MEDIA_BACKEND must be 'local' or 's3', not {settings.backend!r}")
    return LocalStorage(var_dir / "media")


@lru_cache(maxsize=4)
def _storage_for(media: MediaSettings, var_dir: Path) -> Storage:
    return make_storage(media, var_dir)


_overrides: list[Storage] = []


def storage() -> Storage:
    """The configured store (one client per settings), or the one a caller chose with ``using()``."""
    if _overrides:
        return _overrides[-1]
    settings = get_settings()
    return _storage_for(settings.media, settings.app.var_dir)


@contextmanager
def using(store: Storage) -> Iterator[Storage]:
    """Every read and write in this block goes to ``store`` (tests, and copying media between stores)."""
    _overrides.append(store)
    try:
        yield store
    finally:
        _overrides.remove(store)
