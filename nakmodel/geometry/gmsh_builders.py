"""gmsh models of the cell stack (1D interval, 2D section, 3D cylinder).

Each builder fills the *current* gmsh model with geometry, physical groups
named and numbered after :mod:`nakmodel.geometry.tags`, mesh-size fields and
a generated mesh, and returns a dict of extra information (the flaw tip).
Orientation: z = 0 at the counter electrode, NASICON 0 <= z <= L_n, alloy
L_n <= z <= L_n + L_a; 2D sections use gmsh (x, y) = (r or x, z).

Mesh size: ``h`` in the bulk, ``h_interface`` in a band along the interface,
``h_edge`` at contact edges (where the current density is singular) and at
the flaw tip; linear grading between them (gmsh Distance + Threshold fields).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .tags import TAGS


@dataclass(frozen=True)
class MeshSizes:
    """Target element sizes [m]: bulk, interface band, contact edges, flaw tip."""

    bulk: float
    interface: float
    edge: float
    tip: float | None = None
    """flaw-tip size (default: ``edge``)."""
    grading: float = 0.25
    """Maximum relative size change per unit distance (dh/dx) of the threshold fields."""


def _threshold(gmsh, dist_field: int, size_min: float, size_max: float, grading: float,
               dist_min: float = 0.0) -> int:
    f = gmsh.model.mesh.field.add("Threshold")
    gmsh.model.mesh.field.setNumber(f, "InField", dist_field)
    gmsh.model.mesh.field.setNumber(f, "SizeMin", size_min)
    gmsh.model.mesh.field.setNumber(f, "SizeMax", size_max)
    gmsh.model.mesh.field.setNumber(f, "DistMin", dist_min)
    gmsh.model.mesh.field.setNumber(f, "DistMax", dist_min + max(size_max - size_min, 0) / grading
                                    + 1e-30)
    return f


def _distance(gmsh, points=(), curves=(), surfaces=(), sampling: int = 200) -> int:
    f = gmsh.model.mesh.field.add("Distance")
    if points:
        gmsh.model.mesh.field.setNumbers(f, "PointsList", list(points))
    if curves:
        gmsh.model.mesh.field.setNumbers(f, "CurvesList", list(curves))
        gmsh.model.mesh.field.setNumber(f, "Sampling", sampling)
    if surfaces:
        gmsh.model.mesh.field.setNumbers(f, "SurfacesList", list(surfaces))
        gmsh.model.mesh.field.setNumber(f, "Sampling", sampling)
    return f


def _apply_fields(gmsh, fields: list[int], bulk: float) -> None:
    if fields:
        fmin = gmsh.model.mesh.field.add("Min")
        gmsh.model.mesh.field.setNumbers(fmin, "FieldsList", fields)
        gmsh.model.mesh.field.setAsBackgroundMesh(fmin)
    gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
    gmsh.option.setNumber("Mesh.MeshSizeMax", bulk)
    # thin notches/cones make facets on opposite faces meet at small angles: do not
    # mistake them for overlapping facets (gmsh default tolerance 0.1 rad)
    gmsh.option.setNumber("Mesh.AngleToleranceFacetOverlap", 0.005)


def _add_physical(gmsh, dim: int, entities: dict[str, list[int]], table: dict) -> None:
    for name, ents in entities.items():
        if ents:
            gmsh.model.addPhysicalGroup(dim, sorted(set(ents)), table[name], name=name)


# ----------------------------------------------------------------------------- 1D
def build_1d(gmsh, L_n: float, L_a: float, sizes: MeshSizes) -> dict:
    """Interval [0, L_n + L_a]: points tagged counter_electrode, interface_contact,
    current_collector; lines tagged nasicon, alloy."""
    occ = gmsh.model.geo
    p0 = occ.addPoint(0, 0, 0, sizes.interface)
    p1 = occ.addPoint(L_n, 0, 0, sizes.interface)
    p2 = occ.addPoint(L_n + L_a, 0, 0, sizes.interface)
    ln = occ.addLine(p0, p1)
    la = occ.addLine(p1, p2)
    occ.synchronize()
    _add_physical(gmsh, 1, {"nasicon": [ln], "alloy": [la]}, TAGS.cells)
    _add_physical(gmsh, 0, {"counter_electrode": [p0], "interface_contact": [p1],
                            "current_collector": [p2]}, TAGS.facets)
    fields = [_threshold(gmsh, _distance(gmsh, points=[p1]), sizes.interface, sizes.bulk,
                         sizes.grading)]
    _apply_fields(gmsh, fields, sizes.bulk)
    gmsh.model.mesh.generate(1)
    return {"flaw_tip": None}


# ----------------------------------------------------------------------------- 2D
def build_2d(gmsh, b: float, L_n: float, L_a: float, intervals, flaw, sizes: MeshSizes) -> dict:
    """Rectangle section [0, b] x [0, L_n + L_a] (axisymmetric r-z or planar x-z).

    ``intervals`` is the contact cover of the interface (from
    :class:`~nakmodel.geometry.contact.InterfaceLayout`); ``flaw`` an optional
    :class:`~nakmodel.geometry.flaw.SurfaceFlaw` cut into the NASICON.
    """
    geo = gmsh.model.geo
    top = L_n + L_a
    # breakpoints along the interface, split at the flaw mouth
    xs = {0.0, b}
    for x0, x1, _ in intervals:
        xs.update((x0, x1))
    mouth = flaw.mouth() if flaw is not None else None
    if mouth is not None:
        xs.update(mouth)
        # the mouth is spanned by the notch flanks: no breakpoints strictly inside it
        xs = {x for x in xs if not (mouth[0] + 1e-12 * b < x < mouth[1] - 1e-12 * b)}
    xs = np.array(sorted(xs))
    xs = xs[np.concatenate([[True], np.diff(xs) > 1e-12 * b])]

    def contact_at(x):
        for x0, x1, c in intervals:
            if x0 <= x <= x1:
                return c
        return False

    # interface polyline from the axis side (x = 0) to x = b
    pts = []  # (x, z)
    kinds = []  # facet name of the segment from pts[i] to pts[i+1]
    tip = None
    if flaw is not None:
        tip = (flaw.position_si, L_n - flaw.depth_si)
    start_on_tip = flaw is not None and flaw.on_axis()
    pts.append(tip if start_on_tip else (0.0, L_n))
    for xa, xb in zip(xs[:-1], xs[1:], strict=True):
        if mouth is not None and mouth[0] - 1e-12 * b <= xa and xb <= mouth[1] + 1e-12 * b:
            if start_on_tip:
                pts.append((xb, L_n))
                kinds.append("flaw")
            else:
                pts += [tip, (xb, L_n)]
                kinds += ["flaw", "flaw"]
            continue
        pts.append((xb, L_n))
        kinds.append("interface_contact" if contact_at(0.5 * (xa + xb)) else "interface_blocked")
    # points and lines
    pid = [geo.addPoint(x, z, 0) for x, z in pts]
    iface = [geo.addLine(pid[i], pid[i + 1]) for i in range(len(pid) - 1)]
    c0 = geo.addPoint(0, 0, 0)
    c1 = geo.addPoint(b, 0, 0)
    t1 = geo.addPoint(b, top, 0)
    t0 = geo.addPoint(0, top, 0)
    bottom = geo.addLine(c0, c1)
    side_n = geo.addLine(c1, pid[-1])
    axis_n = geo.addLine(pid[0], c0)
    side_a = geo.addLine(pid[-1], t1)
    top_line = geo.addLine(t1, t0)
    axis_a = geo.addLine(t0, pid[0])
    loop_n = geo.addCurveLoop([bottom, side_n] + [-c for c in reversed(iface)] + [axis_n])
    loop_a = geo.addCurveLoop(iface + [side_a, top_line, axis_a])
    surf_n = geo.addPlaneSurface([loop_n])
    surf_a = geo.addPlaneSurface([loop_a])
    geo.synchronize()

    _add_physical(gmsh, 2, {"nasicon": [surf_n], "alloy": [surf_a]}, TAGS.cells)
    facets: dict[str, list[int]] = {name: [] for name in TAGS.facets}
    facets["counter_electrode"].append(bottom)
    facets["side"] += [side_n, side_a]
    facets["axis"] += [axis_n, axis_a]
    facets["current_collector"].append(top_line)
    for line, kind in zip(iface, kinds, strict=True):
        facets[kind].append(line)
    _add_physical(gmsh, 1, facets, TAGS.facets)

    # size fields: interface band, contact edges, flaw tip
    fields = [_threshold(gmsh, _distance(gmsh, curves=iface, sampling=max(
        20, int(4 * b / sizes.interface))), sizes.interface, sizes.bulk, sizes.grading)]
    edge_pts = []
    for i in range(1, len(kinds)):
        if kinds[i] != kinds[i - 1]:
            edge_pts.append(pid[i])
    if edge_pts:
        fields.append(_threshold(gmsh, _distance(gmsh, points=edge_pts), sizes.edge,
                                 sizes.interface, sizes.grading))
    if tip is not None:
        fields.append(_threshold(gmsh, _distance(gmsh, points=[pid[pts.index(tip)]]),
                                 sizes.tip or sizes.edge, sizes.interface, sizes.grading))
    _apply_fields(gmsh, fields, sizes.bulk)
    gmsh.model.mesh.generate(2)
    return {"flaw_tip": np.array(tip) if tip is not None else None}


# ----------------------------------------------------------------------------- 3D
FLAW_3D_SIDES = 16
"""The 3D flaw is a regular pyramid with this many flat faces inscribed in the cone
(an OCC cone has a degenerate apex that gmsh meshes with duplicate facets)."""


def _pyramid(occ, x0: float, z_mouth: float, depth: float, radius: float, sides: int) -> int:
    """Volume of a regular ``sides``-gon pyramid: base on z = z_mouth, apex depth below."""
    phi = 2 * math.pi * np.arange(sides) / sides
    base = [occ.addPoint(x0 + radius * math.cos(p), radius * math.sin(p), z_mouth) for p in phi]
    apex = occ.addPoint(x0, 0, z_mouth - depth)
    rim = [occ.addLine(base[i], base[(i + 1) % sides]) for i in range(sides)]
    spokes = [occ.addLine(apex, base[i]) for i in range(sides)]
    faces = [occ.addPlaneSurface([occ.addCurveLoop([spokes[i], rim[i], -spokes[(i + 1) % sides]])])
             for i in range(sides)]
    faces.append(occ.addPlaneSurface([occ.addCurveLoop(rim)]))
    return occ.addVolume([occ.addSurfaceLoop(faces)])


def build_3d(gmsh, b: float, L_n: float, L_a: float, layout, flaw, sizes: MeshSizes) -> dict:
    """Cylinder of radius b: NASICON 0 <= z <= L_n, alloy above; disc spots/patches on the
    interface plane and an optional conical flaw, all conformal (OCC fragments)."""
    occ = gmsh.model.occ
    tol = 1e-7 * max(b, L_n + L_a)
    vol_n = occ.addCylinder(0, 0, 0, 0, 0, L_n, b)
    vol_a = occ.addCylinder(0, 0, L_n, 0, 0, L_a, b)
    tools = [(2, occ.addDisk(x, y, L_n, r, r)) for x, y, r in layout.discs]
    cone = None
    tip = None
    if flaw is not None:
        x0 = flaw.position_si
        tip = (x0, 0.0, L_n - flaw.depth_si)
        cone = _pyramid(occ, x0, L_n, flaw.depth_si, flaw.opening_si / 2, FLAW_3D_SIDES)
        tools.append((3, cone))
    out, out_map = occ.fragment([(3, vol_n), (3, vol_a)], tools)
    occ.synchronize()
    alloy_vols = set(t for d, t in out_map[1] if d == 3)
    nasicon_vols = set(t for d, t in out_map[0] if d == 3)
    if cone is not None:
        cone_vols = set(t for d, t in out_map[-1] if d == 3)
        alloy_vols |= cone_vols
        nasicon_vols -= cone_vols
    _add_physical(gmsh, 3, {"alloy": list(alloy_vols), "nasicon": list(nasicon_vols)},
                  TAGS.cells)

    def in_some_disc(tag):
        xmin, ymin, _, xmax, ymax, _ = gmsh.model.getBoundingBox(2, tag)
        for x, y, r in layout.discs:
            if (xmin >= x - r - tol and xmax <= x + r + tol and ymin >= y - r - tol
                    and ymax <= y + r + tol):
                return True
        return False

    facets: dict[str, list[int]] = {name: [] for name in TAGS.facets}
    for _, tag in gmsh.model.getEntities(2):
        up, _ = gmsh.model.getAdjacencies(2, tag)
        up = set(int(v) for v in up)
        xmin, ymin, zmin, xmax, ymax, zmax = gmsh.model.getBoundingBox(2, tag)
        if up & alloy_vols and up & nasicon_vols:
            if abs(zmin - L_n) < tol and abs(zmax - L_n) < tol:
                contact = in_some_disc(tag) == layout.discs_in_contact
                facets["interface_contact" if contact else "interface_blocked"].append(tag)
            else:
                facets["flaw"].append(tag)
        elif len(up) == 1:
            if abs(zmax) < tol:
                facets["counter_electrode"].append(tag)
            elif abs(zmin - (L_n + L_a)) < tol:
                facets["current_collector"].append(tag)
            else:
                facets["side"].append(tag)
    _add_physical(gmsh, 2, facets, TAGS.facets)

    iface = facets["interface_contact"] + facets["interface_blocked"] + facets["flaw"]
    fields = [_threshold(gmsh, _distance(gmsh, surfaces=iface, sampling=max(
        20, int(2 * b / sizes.interface))), sizes.interface, sizes.bulk, sizes.grading)]
    # contact edges: boundary curves of the disc faces on the interface plane, not the rim
    edge_curves = set()
    for tag in facets["interface_contact"] + facets["interface_blocked"]:
        if not in_some_disc(tag):
            continue
        for _, c in gmsh.model.getBoundary([(2, tag)], oriented=False):
            cx0, _, _, cx1, _, _ = gmsh.model.getBoundingBox(1, abs(c))
            if cx1 - cx0 < 2 * b - 2 * tol:
                edge_curves.add(abs(c))
    if edge_curves and layout.discs:
        fields.append(_threshold(gmsh, _distance(gmsh, curves=sorted(edge_curves), sampling=max(
            20, int(8 * max(r for *_, r in layout.discs) / sizes.edge))), sizes.edge,
            sizes.interface, sizes.grading))
    if tip is not None:
        tip_pts = [t for _, t in gmsh.model.getEntities(0)
                   if np.allclose(gmsh.model.getValue(0, t, []), tip, atol=tol)]
        fields.append(_threshold(gmsh, _distance(gmsh, points=tip_pts), sizes.tip or sizes.edge,
                                 sizes.interface, sizes.grading))
    _apply_fields(gmsh, fields, sizes.bulk)
    gmsh.model.mesh.generate(3)
    return {"flaw_tip": np.array(tip) if tip is not None else None}
