"""What periods need from the plans, filled by portal.wiring.

The close posts plan bonuses and moves the accrued cash, and the payout register compares cash accrued
with cash owed: those figures are the plans'. The plans sit above periods (a plan needs the calendar
and refuses a closed period), so periods never import them; wire() hands over portal.plans.services.
"""

from __future__ import annotations

from portal.slots import Slot

plans = Slot("portal.plans.services: evaluate_all, sales_lines, cash_accrued_by_partner, cash_accrued_by_period")
