"""What the game needs from the catalogue above it (catalog reads tiers for min_tier, so the game may not
import catalog): filled in portal/wiring.py."""

from __future__ import annotations

from portal.slots import Slot

# catalog.services: place_award_order(partner_id, token, prize_id) -> order id
catalog = Slot("catalog.services: a contest's prize ordered for its winner")
