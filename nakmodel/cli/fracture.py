"""``nakmodel fracture``: see :mod:`nakmodel.mechanics.cli` (imported when the command is used)."""

from __future__ import annotations


def register(sub) -> None:
    from ..mechanics.cli import register as register_fracture

    register_fracture(sub)
