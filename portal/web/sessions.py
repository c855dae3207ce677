"""Server-side sessions in a store every worker shares, with id rotation at login.

The store is Litestar's FileStore under var/ (all workers on one host share the
directory) or RedisStore when REDIS_URL is set (several hosts).
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.types.empty import Empty
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Message

from portal.settings import Settings

ROTATE = "premia.rotate_session"


def rotate_session(connection: ASGIConnection) -> None:
    """Ask for a fresh session id on this response (login: no session fixation)."""
    connection.scope[ROTATE] = True  # type: ignore[literal-required]


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        scope = connection.scope
        if scope.get(ROTATE):  # type: ignore[misc]
            fresh = scope.get("premia.rotated_id")  # type: ignore[misc]
            if not fresh:
                fresh = self.generate_session_id()
                scope["premia.rotated_id"] = fresh  # type: ignore[literal-required]
            return fresh
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session, message: Message, connection: ASGIConnection) -> None:
        if scope_session is not Empty and not scope_session:
            # Anonymous visitors get no session at all: no cookie, no file, nothing to clean up.
            incoming = connection.cookies.get(self.config.key)
            if not incoming or incoming == "null":
                return
            scope_session = Empty
        if connection.scope.get(ROTATE):  # type: ignore[misc]
            old = connection.cookies.get(self.config.key)
            if old and old != "null":
                await self.delete(old, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend  # type: ignore[assignment]


def make_session_store(settings: Settings) -> Store:
    if settings.app.redis_url:
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=settings.app.redis_url, namespace="premia-sessions")
    from litestar.stores.file import FileStore

    return FileStore(settings.app.var_dir / "sessions", create_directories=True)


def session_config(settings: Settings) -> RotatingSessionConfig:
    return RotatingSessionConfig(
        key="premia_session",
        store="sessions",
        max_age=settings.security.session_max_age,
        secure=settings.security.cookie_secure,
        httponly=True,
        samesite="lax",
        exclude=["/static", "/api/", "/healthz"],
    )
