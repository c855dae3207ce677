"""Slots: what a domain needs from a domain above it, filled once at wiring time (portal/wiring.py).

Imports run one way, from the domains that compose down to those they build on (tests/test_imports.py).
Where a lower module must still call up (the web layer's auth asks accounts who is signed in, the
period close asks the plans for their bonuses, the claim form asks for the estimate of a sale), it
declares a slot, and portal.wiring.wire() fills it. A slot forwards calls and attributes to what
filled it, so the module reads as if it had imported it. A leaf: imports nothing of the project.
"""

from __future__ import annotations

from typing import Any


class Slot:
    def __init__(self, what: str) -> None:
        self._what = what
        self._target: Any = None

    def fill(self, target: Any) -> None:
        self._target = target

    @property
    def target(self) -> Any:
        if self._target is None:
            raise RuntimeError(f"slot not filled ({self._what}): call portal.wiring.wire() first")
        return self._target

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.target, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.target(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self._what}: {self._target!r}>"
