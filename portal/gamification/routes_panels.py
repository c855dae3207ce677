"""HTTP for the game's panels on the partner dashboard: all of them at once, for the live refresh."""

from __future__ import annotations

from litestar import Controller, Request, Response, get

from portal.gamification import services as game
from portal.web.auth import partner_user
from portal.web.pagecache import cached_page


class GamePanelsController(Controller):
    include_in_schema = False
    guards = [partner_user]

    @get("/dashboard/game", name="game_panels")
    async def panels(self, request: Request) -> Response:
        """The tier, badges, contests and league panels: asked again when /live says the partner's data moved
        (an approval moves the tier bar and pops a badge without a reload). Kept per data revision."""
        async def context() -> dict:
            return {"game_panels": await game.dashboard(request.user.partner_id)}

        return await cached_page(request, "gamification/_panels.html", context)
