"""Physical tags: the single source of truth for region and boundary markers.

Every mesh built by :mod:`nakmodel.geometry` carries these integer markers as
gmsh physical groups and as dolfinx ``MeshTags``.  Solvers must look markers
up here (``TAGS.cell("alloy")``, ``TAGS.facet("interface_contact")``) instead
of hard-coding numbers.

Cells
    ``alloy``      metal working electrode (NaK or K), including metal that
                   fills a surface flaw;
    ``nasicon``    the solid-electrolyte pellet.
Facets
    ``counter_electrode``  z = 0, the Na counter electrode (pellet bottom);
    ``interface_contact``  alloy | NASICON facets where the metal wets the ceramic;
    ``interface_blocked``  alloy | NASICON facets without contact (void/solid);
    ``current_collector``  top of the alloy layer;
    ``side``               outer mantle r = b (both layers);
    ``axis``               r = 0 in axisymmetric geometry, x = 0 symmetry line in
                           planar geometry (both layers);
    ``flaw``               alloy | NASICON facets on the faces of a surface flaw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import ParameterError

CELL_TAGS = MappingProxyType({"alloy": 1, "nasicon": 2})
FACET_TAGS = MappingProxyType(
    {
        "counter_electrode": 11,
        "interface_contact": 12,
        "interface_blocked": 13,
        "current_collector": 14,
        "side": 15,
        "axis": 16,
        "flaw": 17,
    }
)
INTERFACE_FACETS = ("interface_contact", "interface_blocked", "flaw")
"""Facet names that lie on the alloy | NASICON interface."""


@dataclass(frozen=True)
class TagTable:
    """Name -> integer marker for cells and facets (see module docstring)."""

    cells: MappingProxyType = field(default_factory=lambda: CELL_TAGS)
    facets: MappingProxyType = field(default_factory=lambda: FACET_TAGS)

    def cell(self, name: str) -> int:
        """Integer marker of the cell region ``name`` (``"alloy"``, ``"nasicon"``)."""
        try:
            return self.cells[name]
        except KeyError:
            raise ParameterError(
                f"unknown cell tag {name!r}; known: {', '.join(self.cells)}", key="tag"
            ) from None

    def facet(self, name: str) -> int:
        """Integer marker of the facet group ``name`` (e.g. ``"interface_contact"``)."""
        try:
            return self.facets[name]
        except KeyError:
            raise ParameterError(
                f"unknown facet tag {name!r}; known: {', '.join(self.facets)}", key="tag"
            ) from None

    def name_of_facet(self, marker: int) -> str:
        """Inverse of :meth:`facet`."""
        for name, value in self.facets.items():
            if value == marker:
                return name
        raise ParameterError(f"unknown facet marker {marker}", key="tag")

    def as_dict(self) -> dict:
        """Plain dict ``{"cells": {...}, "facets": {...}}`` (for JSON/metadata)."""
        return {"cells": dict(self.cells), "facets": dict(self.facets)}


TAGS = TagTable()
"""The tag table used by every nakmodel mesh."""
