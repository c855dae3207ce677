"""Where Premia leans on a framework's internals, a test here fails when the pinned upstream changes.

Each test names the upstream version it was written against (pyproject.toml pins it exactly; `make
test-latest` runs these on the newest releases). Elsewhere: tests/web/test_request_garbage.py (HTMXRequest's
reference cycle) and tests/web/test_security.py (Litestar's allowed-hosts check and the Host port).
"""

from __future__ import annotations

from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.plugins.htmx import HTMXDetails, HTMXRequest
from litestar.response import Template
from litestar.testing import AsyncTestClient
from litestar.utils.scope.state import ScopeState

from portal.web.requests import PortalRequest

SCOPE = {"type": "http", "method": "GET", "path": "/", "query_string": b"", "app": None,
         "headers": [(b"hx-request", b"true"), (b"hx-target", b"row-7"), (b"hx-trigger", b"save")]}


def _set_slots(request: Request) -> set[str]:
    names = {name for cls in type(request).__mro__ for name in getattr(cls, "__slots__", ())}
    return {name for name in names if hasattr(request, name)}


def test_htmx_request_adds_nothing_to_a_request_but_its_details():
    """litestar-htmx 0.5.0: ``HTMXRequest.__init__`` is Request's plus ``self.htmx = HTMXDetails(self)``.
    PortalRequest skips that __init__ and makes the details on demand; anything else upstream adds there
    would be lost, so this fails first."""
    upstream = HTMXRequest(SCOPE)  # type: ignore[arg-type]
    plain = Request(SCOPE)  # type: ignore[arg-type]
    assert _set_slots(upstream) - _set_slots(plain) == {"htmx"}
    assert type(upstream.htmx) is HTMXDetails


def test_portal_request_reads_htmx_headers_as_upstream_does():
    ours, upstream = PortalRequest(SCOPE), HTMXRequest(SCOPE)  # type: ignore[arg-type]
    assert isinstance(ours, HTMXRequest)
    for name in ("target", "trigger", "boosted", "current_url", "prompt", "triggering_event"):
        assert getattr(ours.htmx, name) == getattr(upstream.htmx, name)
    assert bool(ours.htmx) is bool(upstream.htmx) is True


async def test_csrf_token_in_scope_state_is_the_one_forms_carry():
    """Litestar 2.25.0: the CSRF middleware leaves the request's token (the cookie's) in
    ``ScopeState.csrf_token``, and a template's ``csrf_input`` carries it; the page cache
    (portal/web/pagecache.py) keys kept pages by it."""

    @get("/")
    async def page(request: Request) -> dict:
        context = Template("x.html").create_template_context(request)
        return {"state": ScopeState.from_scope(request.scope).csrf_token, "input": context["csrf_input"]}

    app = Litestar([page], csrf_config=CSRFConfig(secret="s" * 32))
    async with AsyncTestClient(app=app) as client:
        await client.get("/")  # sets the cookie
        seen = (await client.get("/")).json()
        cookie = client.cookies.get("csrftoken")
    assert cookie and seen["state"] == cookie
    assert f'value="{cookie}"' in seen["input"]
