"""Rewards: reward rules and their versions, turned into ledger accruals when claims are approved."""
