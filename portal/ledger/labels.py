"""The ledger's template helpers: how a transfer is explained, signed and said in words."""

from __future__ import annotations

from jinja2 import Environment

from portal.ledger import present


def register(env: Environment) -> None:
    env.globals.update(explain=present.explain, signed=present.signed, amount_text=present.amount_text,
                       kind_labels=present.KIND_LABELS, tier_text=present.tier_text, effect=present.effect)
