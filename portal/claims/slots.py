"""What the claims need from the domains above them, filled by portal.wiring.

The claim form shows what a sale would earn: today's reward rules and the plan it moves. Rewards and
plans both build on claims, so the claims never import them; wire() hands over the dashboard's estimate.
"""

from __future__ import annotations

from portal.slots import Slot

estimate = Slot("portal.dashboard.services.estimate: what a sale being registered would earn")
