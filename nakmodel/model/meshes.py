"""Simple tagged cell meshes for the FE model (1D interval, axisymmetric rectangle, 3D box).

Orientation: z = 0 at the counter electrode, NASICON 0..L_n, alloy L_n..L_n+L_a.  Tag names
follow :mod:`nakmodel.geometry`: cells ``alloy``, ``nasicon``; facets ``counter_electrode``,
``interface_contact``, ``interface_blocked``, ``current_collector``, ``side``, ``axis``.
These builders are used for verification (MMS, analytic limits) and as a fallback when no
``CellMesh`` is given; the axial coordinate is the last one.
"""

from __future__ import annotations

from dataclasses import dataclass

import dolfinx_solver  # noqa: F401  (must precede dolfinx)

import numpy as np
from dolfinx import mesh as dmesh
from mpi4py import MPI

TAGS = {"alloy": 1, "nasicon": 2, "counter_electrode": 1, "interface_contact": 2,
        "interface_blocked": 3, "current_collector": 4, "side": 5, "axis": 6, "flaw": 7}


@dataclass
class TaggedCellMesh:
    """A dolfinx mesh with cell and facet tags and the name -> tag table."""

    mesh: dmesh.Mesh
    cell_tags: dmesh.MeshTags
    facet_tags: dmesh.MeshTags
    tags: dict
    axisymmetric: bool = False
    interface_height: float = 0.0
    radius: float | None = None
    host: object = None
    """Optional :class:`nakmodel.geometry.PorousHost` of the alloy layer (read by the model)."""


def _graded(s, n_n, n_a, L_n, L_a, grading):
    """Map the unit coordinate s to z with the interface on a node; geometric grading
    (ratio ``grading`` between the first and last alloy cell) refines near the interface."""
    s_i = n_n / (n_n + n_a)
    z = np.empty_like(s)
    low = s <= s_i + 1e-12
    z[low] = s[low] / s_i * L_n
    t = (s[~low] - s_i) / (1.0 - s_i)
    if grading != 1.0:
        t = (grading**t - 1.0) / (grading - 1.0)
    z[~low] = L_n + t * L_a
    return z


def _tag(msh, L_n, L_a, contact_radius, axis_dim, radial_extent):
    tdim = msh.topology.dim
    fdim = tdim - 1
    top = L_n + L_a
    z = axis_dim
    midpoints = dmesh.compute_midpoints(
        msh, tdim, np.arange(msh.topology.index_map(tdim).size_local, dtype=np.int32))
    alloy = midpoints[:, z] > L_n
    cells = np.arange(alloy.size, dtype=np.int32)
    values = np.where(alloy, TAGS["alloy"], TAGS["nasicon"]).astype(np.int32)
    ctags = dmesh.meshtags(msh, tdim, cells, values)

    tol = 1e-9 * top
    msh.topology.create_connectivity(fdim, tdim)

    def near(values, target):
        """|values - target| <= tol: an absolute test (np.isclose's default rtol = 1e-5 would
        add 1e-5 |target|, more than the first cell of a strongly graded mesh)."""
        return np.abs(values - target) <= tol

    def rho(x):
        if tdim == 1:
            return np.zeros(x.shape[1])
        if tdim == 2:
            return np.abs(x[0])
        return np.sqrt(x[0] ** 2 + x[1] ** 2)

    a = np.inf if contact_radius is None else contact_radius
    markers = [
        ("counter_electrode", lambda x: near(x[z], 0.0)),
        ("current_collector", lambda x: near(x[z], top)),
        ("interface_contact", lambda x: near(x[z], L_n) & (rho(x) <= a + tol)),
        ("interface_blocked", lambda x: near(x[z], L_n) & (rho(x) >= a - tol)),
    ]
    if tdim == 2:
        markers += [("axis", lambda x: near(x[0], 0.0)),
                    ("side", lambda x: near(x[0], radial_extent))]
    entities, values = [], []
    seen = set()
    for name, fn in markers:
        ents = dmesh.locate_entities(msh, fdim, fn)
        if name == "interface_blocked":
            ents = np.array([e for e in ents if e not in seen], dtype=np.int32)
        seen.update(ents.tolist())
        entities.append(ents)
        values.append(np.full(ents.size, TAGS[name], dtype=np.int32))
    if tdim == 3:
        side = dmesh.locate_entities_boundary(msh, fdim, lambda x: ~(
            near(x[z], 0.0) | near(x[z], top)))
        entities.append(side)
        values.append(np.full(side.size, TAGS["side"], dtype=np.int32))
    ent = np.concatenate(entities)
    val = np.concatenate(values)
    ent, idx = np.unique(ent, return_index=True)
    ftags = dmesh.meshtags(msh, fdim, ent.astype(np.int32), val[idx])
    return ctags, ftags


def interval_cell(nasicon_thickness: float, alloy_thickness: float, n_nasicon: int = 20,
                  n_alloy: int = 40, grading: float = 1.0, comm=MPI.COMM_WORLD,
                  host=None) -> TaggedCellMesh:
    """1D cell (per unit area): z in [0, L_n + L_a]; ``host``: optional PorousHost."""
    msh = dmesh.create_unit_interval(comm, n_nasicon + n_alloy)
    x = msh.geometry.x
    x[:, 0] = _graded(x[:, 0].copy(), n_nasicon, n_alloy, nasicon_thickness, alloy_thickness,
                      grading)
    ct, ft = _tag(msh, nasicon_thickness, alloy_thickness, None, 0, 0.0)
    return TaggedCellMesh(msh, ct, ft, dict(TAGS), False, nasicon_thickness, host=host)


def rectangle_cell(radius: float, nasicon_thickness: float, alloy_thickness: float,
                   n_radial: int = 10, n_nasicon: int = 10, n_alloy: int = 20,
                   contact_radius: float | None = None, grading: float = 1.0,
                   axisymmetric: bool = True, comm=MPI.COMM_WORLD,
                   host=None) -> TaggedCellMesh:
    """2D cell on (r, z) (axisymmetric by default): triangles, interface on a node row;
    ``host``: optional PorousHost."""
    msh = dmesh.create_unit_square(comm, n_radial, n_nasicon + n_alloy,
                                   dmesh.CellType.triangle, diagonal=dmesh.DiagonalType.right)
    x = msh.geometry.x
    x[:, 1] = _graded(x[:, 1].copy(), n_nasicon, n_alloy, nasicon_thickness, alloy_thickness,
                      grading)
    x[:, 0] *= radius
    ct, ft = _tag(msh, nasicon_thickness, alloy_thickness, contact_radius, 1, radius)
    return TaggedCellMesh(msh, ct, ft, dict(TAGS), axisymmetric, nasicon_thickness, radius,
                          host)


def box_cell(width: float, nasicon_thickness: float, alloy_thickness: float, n_lateral: int = 3,
             n_nasicon: int = 4, n_alloy: int = 8, grading: float = 1.0,
             comm=MPI.COMM_WORLD, host=None) -> TaggedCellMesh:
    """3D cell: square prism [0, w]^2 x [0, L_n + L_a], tetrahedra, uniform contact;
    ``host``: optional PorousHost."""
    msh = dmesh.create_unit_cube(comm, n_lateral, n_lateral, n_nasicon + n_alloy,
                                 dmesh.CellType.tetrahedron)
    x = msh.geometry.x
    x[:, 2] = _graded(x[:, 2].copy(), n_nasicon, n_alloy, nasicon_thickness, alloy_thickness,
                      grading)
    x[:, :2] *= width
    ct, ft = _tag(msh, nasicon_thickness, alloy_thickness, None, 2, width)
    return TaggedCellMesh(msh, ct, ft, dict(TAGS), False, nasicon_thickness, width, host)
