"""Audit: the append-only log of every state change."""
