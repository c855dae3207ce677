"""The installable web app's own answers: the service worker at /sw.js and the page shown offline.

The service worker is static/sw.js, served from the site's root so that its scope is the whole site, with
the list of fingerprinted files it keeps written in front of it (portal/web/assets.py): any changed file
changes the worker's bytes, so browsers install the new one. Must never hold or serve anything private.
"""

from __future__ import annotations

import json

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery

from portal import i18n
from portal.web.assets import assets_for


# The worker's text per static directory: its files do not change under a running server (but for debug's).
_WORKERS: dict = {}


def _assets(request: Request):
    settings = request.app.state.settings
    return assets_for(settings.static_dir, settings.app.debug)


class PwaController(Controller):
    include_in_schema = False

    @get("/sw.js", name="service_worker")
    async def service_worker(self, request: Request) -> Response:
        assets = _assets(request)
        body = _WORKERS.get(assets.root) if not assets.watch else None
        if body is None:
            config = {
                "version": assets.version(),
                "assets": assets.precache(),
                "queue": assets.url("js/offline.js"),
                "pages": ["/claims/new"],
                "offline": {lang: f"/offline?lang={lang}" for lang in i18n.SUPPORTED},
            }
            body = _WORKERS[assets.root] = "self.PREMIA = " + json.dumps(config) + ";\n" + (
                assets.root / "sw.js").read_text()
        # no-cache: a browser asks again (it does so at least daily anyway) and gets the new worker at once
        return Response(body, media_type="text/javascript; charset=utf-8",
                        headers={"service-worker-allowed": "/", "cache-control": "no-cache"})

    @get("/offline", name="offline")
    async def offline(self, request: Request, lang: FromQuery[str] = "") -> Response:
        """The page the service worker shows for a page it has no copy of, without a connection. The same for
        everyone (nothing of the user in it), in the language asked for, or the user's."""
        token = i18n.set_locale(lang) if lang in i18n.SUPPORTED else None
        try:
            html = request.app.template_engine.get_template("offline.html").render(
                {"request": request, "lang": i18n.get_locale()})
        finally:
            if token is not None:
                i18n.reset_locale(token)
        return Response(html, media_type="text/html; charset=utf-8")
