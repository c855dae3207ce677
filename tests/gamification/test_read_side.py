"""The game layer's shared read side: who is on which tier and in which division."""

from __future__ import annotations

from portal.gamification import leagues, tiers
from portal.gamification.tables import Division, DivisionMember, PartnerTier, Tier
from tests import factories


async def test_a_partner_without_a_tier_row_is_below_the_first_tier():
    a, b = await factories.partner(), await factories.partner()
    await Tier.insert(Tier(code="silver", name_ru="Серебро", name_en="Silver", position=1, threshold_points=5000))
    await PartnerTier.insert(PartnerTier(partner=a, tier="silver"))
    assert await tiers.tier_of([a, b]) == {a: "silver", b: ""}
    assert await tiers.rank("silver") == 1
    assert await tiers.rank("") == -1 and await tiers.rank("nonsense") == -1


async def test_division_is_per_season():
    a = await factories.partner()
    rows = await Division.insert(Division(period="2026-11", level=1, number=2, name="Лига 2")).returning(Division.id)
    await DivisionMember.insert(DivisionMember(key=f"2026-11:{a}", division=rows[0]["id"], partner=a, period="2026-11"))
    assert await leagues.division_of([a], "2026-11") == {a: {"division": rows[0]["id"], "level": 1, "name": "Лига 2"}}
    assert await leagues.division_of([a], "2026-12") == {}
