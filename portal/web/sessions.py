"""The session, known-device and CSRF cookies. Sessions themselves are rows of accounts' user_session table.

The table is shared by every worker and host; the cookie carries only a random
token, whose hash is looked up together with the user in one query per request.

When cookies are secure (HTTPS, the default) their names carry the ``__Host-`` prefix: the browser then
accepts them only with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite them
(session fixation, CSRF-token fixation).
"""

from __future__ import annotations

from litestar import Response
from litestar.middleware.csrf import generate_csrf_token

from portal.settings import Settings

COOKIE = "premia_session"  # the name over plain HTTP (development, tests); see session_cookie_name()
DEVICE_COOKIE = "premia_device"
CSRF_COOKIE = "csrftoken"
DEVICE_MAX_AGE = 365 * 24 * 3600


def cookie_name(base: str, settings: Settings) -> str:
    return f"__Host-{base}" if settings.security.cookie_secure else base


def session_cookie_name(settings: Settings) -> str:
    return cookie_name(COOKIE, settings)


def csrf_cookie_name(settings: Settings) -> str:
    return cookie_name(CSRF_COOKIE, settings)


def device_cookie_name(settings: Settings) -> str:
    return cookie_name(DEVICE_COOKIE, settings)


def _set(response: Response, name: str, value: str, max_age: int, settings: Settings) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        secure=settings.security.cookie_secure, samesite="lax")


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    _set(response, session_cookie_name(settings), token, settings.security.session_max_age, settings)


def clear_session_cookie(response: Response, settings: Settings) -> None:
    # Set, not deleted: a __Host- cookie is only replaced by one that is Secure with Path=/ as well.
    _set(response, session_cookie_name(settings), "", 0, settings)


def set_device_cookie(response: Response, token: str, settings: Settings) -> None:
    _set(response, device_cookie_name(settings), token, DEVICE_MAX_AGE, settings)


def renew_csrf_cookie(response: Response, settings: Settings) -> None:
    """A new CSRF token when the session changes (login, logout): one learnt before no longer works."""
    # A browser-session cookie (no max-age), as Litestar's CSRF middleware sets it, with the same settings.
    response.set_cookie(csrf_cookie_name(settings), generate_csrf_token(settings.security.secret_key), path="/",
                        httponly=True, secure=settings.security.cookie_secure, samesite="lax")
