"""``nakmodel mesh``: build and export a cell mesh (see :mod:`nakmodel.geometry.script`)."""

from __future__ import annotations


def register(sub) -> None:
    from ..geometry.script import register as register_mesh

    register_mesh(sub)
