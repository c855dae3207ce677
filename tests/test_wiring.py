"""portal.wiring.wire() fills every slot a lower layer calls up through (portal/slots.py)."""

from __future__ import annotations

import importlib
import pkgutil

import portal
import catalog
import scheduler
from portal.slots import Slot
from portal.wiring import wire


def test_wire_fills_every_slot():
    for package in (portal, catalog, scheduler):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".piccolo_migrations" not in info.name and not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    wire()
    import sys

    slots = [(name, key) for name, module in list(sys.modules.items())
             if name.split(".")[0] in ("portal", "catalog", "scheduler")
             for key, value in vars(module).items() if isinstance(value, Slot)]
    assert len(slots) >= 3
    empty = [f"{name}.{key}" for name, key in slots if getattr(sys.modules[name], key)._target is None]
    assert not empty
