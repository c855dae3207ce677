"""What the game shows on a partner's dashboard, gathered from its parts. Each part adds one panel loader
to PANELS: an async function of the partner id returning a dict for its template (or None to hide it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

PanelLoader = Callable[[int], Awaitable[dict | None]]

# (template under templates/gamification/, loader). Order is the order on the dashboard.
PANELS: list[tuple[str, PanelLoader]] = []


async def dashboard(partner_id: int) -> list[tuple[str, dict]]:
    shown = []
    for template, load in PANELS:
        data = await load(partner_id)
        if data is not None:
            shown.append((template, data))
    return shown
