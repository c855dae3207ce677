"""Accounts: partners, users, roles, invitations, API tokens and login throttling."""
