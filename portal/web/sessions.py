"""The session cookie. Sessions themselves are rows of accounts' user_session table.

The table is shared by every worker and host; the cookie carries only a random
token, whose hash is looked up together with the user in one query per request.
"""

from __future__ import annotations

from litestar import Response

from portal.settings import Settings

COOKIE = "premia_session"


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(COOKIE, token, max_age=settings.security.session_max_age, path="/", httponly=True,
                        secure=settings.security.cookie_secure, samesite="lax")


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(COOKIE, path="/")
