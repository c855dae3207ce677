"""Notifications: the in-app bell (an email outbox comes later)."""
