"""What the catalogue needs from the domains above it, filled by portal.wiring.

A prize's ``min_tier`` names a tier of the game layer, which builds on the catalogue (it counts first
orders), so the catalogue never imports it: wire() hands over the tier gate, an async function of the
partner id returning {"rank": the partner's tier position (-1: none), "tiers": {code: {"position",
"name_ru", "name_en", "colour"}}}.
"""

from __future__ import annotations

from portal.slots import Slot

tier_gate = Slot("portal.gamification.tiers.gate: a partner's tier rank for the prizes' min_tier")
