"""Leagues: divisions of similar-size partners per season, promotion and relegation at period close.

Other parts of the game (contests' eligibility) only read through ``division_of()``.
"""

from __future__ import annotations

from portal.gamification.tables import Division, DivisionMember


async def division_of(partner_ids: list[int], period: str) -> dict[int, dict]:
    """Each placed partner's division in the season: {partner: {"division", "level", "name"}}."""
    if not partner_ids:
        return {}
    rows = await DivisionMember.select(
        DivisionMember.partner, DivisionMember.division, DivisionMember.division.level.as_alias("level"),
        DivisionMember.division.name.as_alias("name"),
    ).where(DivisionMember.partner.is_in(list(partner_ids)), DivisionMember.period == period)
    return {r["partner"]: {"division": r["division"], "level": r["level"], "name": r["name"]} for r in rows}
