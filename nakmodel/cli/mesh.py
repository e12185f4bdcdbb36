"""``nakmodel mesh``: build and export a cell mesh (see nakmodel.geometry.script)."""

from ..geometry.script import register  # noqa: F401
