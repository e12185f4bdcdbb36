"""Cell geometry, contact patterns, surface flaws and gmsh meshes.

``Cell(...)`` describes the stack and validates it; ``cell.build_mesh()`` gives a
:class:`CellMesh` (dolfinx mesh, tags, submeshes) for the finite-element solvers.
"""

from .cell import Cell, GeometryKind, WorkingMetal
from .cellmesh import CellMesh, Region
from .contact import BlockedPatches, ContactSpots, FullContact, InterfaceLayout
from .flaw import PorousHost, SurfaceFlaw
from .tags import CELL_TAGS, FACET_TAGS, TAGS, TagTable

__all__ = [
    "CELL_TAGS",
    "FACET_TAGS",
    "TAGS",
    "BlockedPatches",
    "Cell",
    "CellMesh",
    "ContactSpots",
    "FullContact",
    "GeometryKind",
    "InterfaceLayout",
    "PorousHost",
    "Region",
    "SurfaceFlaw",
    "TagTable",
    "WorkingMetal",
]
