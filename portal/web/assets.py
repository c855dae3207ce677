"""Static files under fingerprinted URLs, cached by browsers for a year.

A template asks for ``static_url("css/app.css")`` and gets ``/static/css/app.css?v=<hash>``, the hash of the
file's bytes. A response to such a URL says ``Cache-Control: public, max-age=31536000, immutable``: the
browser never asks again, and a changed file gets a new URL with the next page. A URL without the current
hash (an old page after a deploy, a file named in the manifest) keeps the default caching (Last-Modified).

Must never cache a private page: only /static paths are touched here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import parse_qs

from litestar.types import Message, Scope

IMMUTABLE = (b"cache-control", b"public, max-age=31536000, immutable")


class Assets:
    """Fingerprints of the files under one static directory, computed once per file (per change when
    ``watch``: the debug server, where templates and files change under a running process)."""

    def __init__(self, root: Path, watch: bool = False) -> None:
        self.root = Path(root)
        self.watch = watch
        self._hashes: dict[str, tuple[float, str | None]] = {}

    def fingerprint(self, name: str) -> str | None:
        """The first 10 hex digits of the file's SHA-256; None for a file that does not exist."""
        known = self._hashes.get(name)
        if known is not None and not self.watch:
            return known[1]
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root.resolve()) or not path.is_file():
            self._hashes[name] = (0.0, None)
            return None
        mtime = path.stat().st_mtime
        if known is not None and known[0] == mtime:
            return known[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        self._hashes[name] = (mtime, digest)
        return digest

    def url(self, name: str) -> str:
        digest = self.fingerprint(name)
        return f"/static/{name}?v={digest}" if digest else f"/static/{name}"

    def precache(self) -> list[str]:
        """What the service worker keeps for offline use: the stylesheets, the scripts every page may load
        (not vendor/ libraries loaded on demand) and the icon."""
        names = sorted(p.relative_to(self.root).as_posix() for pattern in ("css/*.css", "js/*.js")
                       for p in self.root.glob(pattern))
        return [self.url(n) for n in [*names, "img/favicon.svg"] if self.fingerprint(n)]

    def version(self) -> str:
        """One hash over every precached file: the service worker changes when any of them does."""
        return hashlib.sha256(" ".join(self.precache()).encode()).hexdigest()[:10]

    def before_send(self):
        """A before_send hook: a fingerprinted URL whose hash is current is cached for a year, immutable."""

        async def cache_static(message: Message, scope: Scope) -> None:
            if message["type"] != "http.response.start" or message.get("status") != 200:
                return
            path: str = scope.get("path", "")
            query: bytes = scope.get("query_string", b"")
            if not path.startswith("/static/") or b"v=" not in query:
                return
            wanted = parse_qs(query.decode("latin-1")).get("v", [""])[0]
            if wanted and wanted == self.fingerprint(path[len("/static/"):]):
                headers = message.setdefault("headers", [])
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append(IMMUTABLE)

        return cache_static


_BY_ROOT: dict[tuple[Path, bool], Assets] = {}


def assets_for(root: Path, watch: bool = False) -> Assets:
    """One Assets per static directory: the templates' static_url() and the caching hook share its hashes."""
    key = (Path(root), watch)
    if key not in _BY_ROOT:
        _BY_ROOT[key] = Assets(Path(root), watch)
    return _BY_ROOT[key]
