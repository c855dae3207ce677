"""The game layer: tiers, badges, streaks, leagues and contests.

It listens to what the other domains publish (claim decisions, revoked approvals, prize orders, period
closes), keeps its own standings in the same transactions, and pays every reward through the ledger
under a cause key. It never writes a balance and never changes another domain's rows.
"""
