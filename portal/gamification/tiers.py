"""Tiers: the ladder and each partner's current tier (read side shared by the whole game layer).

The rolling 12-month sum, upgrades in the approval's transaction and downgrades at period close live
here too; other parts of the game (contests, leagues, the catalogue's min_tier) only read through
``ladder()``, ``tier_of()`` and ``rank()``.
"""

from __future__ import annotations

from portal.gamification.tables import PartnerTier, Tier


async def ladder() -> list[dict]:
    """The tiers from the lowest up."""
    return await Tier.select().order_by(Tier.position)


async def tier_of(partner_ids: list[int]) -> dict[int, str]:
    """Each partner's current tier code ('' below the first tier)."""
    if not partner_ids:
        return {}
    rows = await PartnerTier.select(PartnerTier.partner, PartnerTier.tier).where(
        PartnerTier.partner.is_in(list(partner_ids)))
    found = {r["partner"]: r["tier"] for r in rows}
    return {pid: found.get(pid, "") for pid in partner_ids}


async def rank(code: str) -> int:
    """A tier's position on the ladder; -1 for '' (no tier) and for an unknown code."""
    if not code:
        return -1
    row = await Tier.select(Tier.position).where(Tier.code == code).first()
    return row["position"] if row else -1
