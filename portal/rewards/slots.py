"""What the rewards engine needs from the domains above it, filled by portal.wiring.

The game layer's tiers multiply points accruals ("×1.1 for Gold"); the game builds on rewards, so rewards
never import it: wire() hands over the tier's boost (an async function of the partner id returning
{"tier", "name_ru", "name_en", "multiplier_bp"}, or None at ×1).
"""

from __future__ import annotations

from portal.slots import Slot

tier_boost = Slot("portal.gamification.tiers.boost: the accrual multiplier of a partner's tier")
