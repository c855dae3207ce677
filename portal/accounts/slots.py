"""What the partner pages need from the domains above accounts, filled by portal.wiring.

A partner's tier belongs to the game layer, which builds on accounts: wire() hands over
``partner_tiers`` (an async function of partner ids returning {partner id: tier dict with "code",
"name_ru", "name_en", "colour", and "earned_12m"}), so accounts never import it.
"""

from __future__ import annotations

from portal.slots import Slot

partner_tiers = Slot("portal.gamification.tiers.tiers_for: each partner's tier for the partner pages")
