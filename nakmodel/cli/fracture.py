"""``nakmodel fracture``: stress intensity of a cell's surface flaw (see nakmodel.mechanics.cli)."""

from ..mechanics.cli import register  # noqa: F401
