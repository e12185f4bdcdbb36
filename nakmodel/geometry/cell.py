"""The cell stack: working-electrode metal on a NASICON pellet on a Na counter electrode.

Orientation: z = 0 at the counter electrode (pellet bottom), NASICON
0 <= z <= L_n, alloy L_n <= z <= L_n + L_a, current collector on top of the
alloy; r (or x) horizontal with the axis at r = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from ..errors import InputProblem, ParameterError
from ..units import to_si
from .contact import BlockedPatches, ContactSpots, FullContact, InterfaceLayout
from .flaw import PorousHost, SurfaceFlaw
from .gmsh_builders import MeshSizes


class GeometryKind(StrEnum):
    """Spatial model of the cell."""

    ONE_D = "1d"
    """Through-thickness interval; the contact fraction scales the interface area."""
    AXISYMMETRIC = "axisymmetric"
    """r-z section, integrals weighted by 2 pi r (default)."""
    PLANAR = "planar"
    """x-z section per metre of depth, symmetry line at x = 0."""
    THREE_D = "3d"
    """Full cylinder."""


class WorkingMetal(StrEnum):
    """Metal of the working electrode."""

    NAK = "NaK"
    K = "K"


_FALLBACK_CELL = {"pellet_radius": 5e-3, "pellet_thickness": 1e-3, "alloy_thickness": 100e-6}
_FALLBACK_MESH_SIZE = 20e-6
MODEL_UNIT = 1e-6
"""Length unit [m] of the gmsh geometry (micrometres); meshes are returned in metres."""


@lru_cache(maxsize=1)
def _defaults():
    """(cell lengths, mesh size) of the default parameter set (cached)."""
    try:
        from ..parameters import load_parameters

        p = load_parameters()
        return ({k: getattr(p.cell, k) for k in _FALLBACK_CELL}, p.numerics.mesh_size)
    except Exception:  # parameters unavailable: documented fallback values
        return dict(_FALLBACK_CELL), _FALLBACK_MESH_SIZE


@dataclass(frozen=True)
class Cell:
    """Geometry of one cell and how to mesh it.

    Parameters (lengths: SI floats [m] or strings with units, ``None`` =
    the default parameter set's ``cell.*`` / ``numerics.mesh_size``):

    geometry
        ``"1d"``, ``"axisymmetric"`` (default), ``"planar"`` or ``"3d"``
        (:class:`GeometryKind`).
    pellet_radius, pellet_thickness, alloy_thickness
        b, L_n, L_a.
    contact
        :class:`FullContact` (default), :class:`ContactSpots` or
        :class:`BlockedPatches`.
    flaw
        optional :class:`SurfaceFlaw` (metal-filled notch in the ceramic).
    host
        optional :class:`PorousHost` (effective-medium carbon host; no mesh change).
    working_metal
        ``"NaK"`` (default) or ``"K"`` (:class:`WorkingMetal`).
    mesh_size
        element size in the band along the interface.  Default
        min(``numerics.mesh_size`` (20 um), thinnest layer/2) in 2D, max(that, b/25)
        in 3D, min(20 um, thinnest layer/20) in 1D.
    bulk_mesh_size
        element size far from the interface; default max(mesh_size,
        min(b, L_n + L_a)/8) (1D: max(mesh_size, thinnest layer/10)).
    edge_mesh_size
        element size at contact edges; default min(mesh_size/5, spot radius/10)
        in 2D, min(mesh_size/2, radius/6) in 3D.  The flaw tip gets
        min(edge_mesh_size, opening/10).

    Bad input raises :class:`~nakmodel.errors.ParameterError` at construction,
    before any meshing.
    """

    geometry: GeometryKind | str = GeometryKind.AXISYMMETRIC
    pellet_radius: float | str | None = None
    pellet_thickness: float | str | None = None
    alloy_thickness: float | str | None = None
    contact: FullContact | ContactSpots | BlockedPatches = field(default_factory=FullContact)
    flaw: SurfaceFlaw | None = None
    host: PorousHost | None = None
    working_metal: WorkingMetal | str = WorkingMetal.NAK
    mesh_size: float | str | None = None
    bulk_mesh_size: float | str | None = None
    edge_mesh_size: float | str | None = None

    def __post_init__(self):
        problems: list[InputProblem] = []
        cell_defaults, mesh_default = _defaults()
        cell_defaults = dict(cell_defaults)
        try:
            kind = GeometryKind(self.geometry)
        except ValueError:
            allowed = "one of " + ", ".join(repr(g.value) for g in GeometryKind)
            problems.append(InputProblem("geometry", "unknown geometry", self.geometry, allowed))
            kind = None
        try:
            metal = WorkingMetal(self.working_metal)
        except ValueError:
            problems.append(InputProblem("working_metal", "unknown working-electrode metal",
                                         self.working_metal, "'NaK' or 'K'"))
            metal = None
        lengths = {}
        for name in ("pellet_radius", "pellet_thickness", "alloy_thickness"):
            raw = getattr(self, name)
            try:
                value = cell_defaults[name] if raw is None else to_si(raw, "m", key=name)
            except ParameterError as err:
                problems += err.problems
                continue
            if not value > 0:
                problems.append(InputProblem(name, "must be positive", raw, "a length > 0 m"))
                continue
            lengths[name] = value
        if not isinstance(self.contact, (FullContact, ContactSpots, BlockedPatches)):
            problems.append(InputProblem("contact", "not a contact pattern", self.contact,
                                         "FullContact(), ContactSpots(...) or BlockedPatches(...)"))
        if self.flaw is not None and not isinstance(self.flaw, SurfaceFlaw):
            problems.append(InputProblem("flaw", "not a SurfaceFlaw", self.flaw,
                                         "None or SurfaceFlaw(depth=..., opening=...)"))
        if self.host is not None and not isinstance(self.host, PorousHost):
            problems.append(InputProblem("host", "not a PorousHost", self.host,
                                         "None or PorousHost(porosity=..., tortuosity=...)"))
        if problems or kind is None:
            raise ParameterError(problems)
        b = lengths["pellet_radius"]
        L_n = lengths["pellet_thickness"]
        L_a = lengths["alloy_thickness"]
        problems += self.contact.check(b)
        if self.flaw is not None:
            problems += self.flaw.check(kind.value, b, L_n)
        # mesh sizes
        sizes = {}
        for name in ("mesh_size", "bulk_mesh_size", "edge_mesh_size"):
            raw = getattr(self, name)
            if raw is None:
                continue
            try:
                value = to_si(raw, "m", key=name)
            except ParameterError as err:
                problems += err.problems
                continue
            if not value > 0:
                problems.append(InputProblem(name, "must be positive", raw, "a length > 0 m"))
                continue
            sizes[name] = value
        thinnest = min(L_n, L_a)
        for name, value in sizes.items():
            if name != "bulk_mesh_size" and value > thinnest:
                problems.append(InputProblem(name, "larger than the thinnest layer", value,
                                             f"0 < {name} <= min(pellet_thickness, alloy_thickness)"
                                             f" = {thinnest:.4g} m"))
        if problems:
            raise ParameterError(problems)
        h_i = sizes.get("mesh_size")
        if h_i is None:
            h_i = min(mesh_default, thinnest / 2)
            if kind is GeometryKind.THREE_D:
                h_i = min(max(h_i, b / 25), thinnest)
            elif kind is GeometryKind.ONE_D:
                h_i = min(mesh_default, thinnest / 20)
        h_b = max(h_i, min(b, L_n + L_a) / 8)
        if kind is GeometryKind.ONE_D:
            h_b = max(h_i, thinnest / 10)
        h_b = sizes.get("bulk_mesh_size", h_b)
        if kind is GeometryKind.THREE_D:
            h_e = h_i / 2
            if isinstance(self.contact, ContactSpots):
                h_e = min(h_e, self.contact.radius_si / 6)
        else:
            h_e = h_i / 5
            if isinstance(self.contact, ContactSpots):
                h_e = min(h_e, self.contact.radius_si / 10)
        h_e = sizes.get("edge_mesh_size", h_e)
        h_tip = min(h_e, self.flaw.opening_si / 10) if self.flaw is not None else None
        object.__setattr__(self, "geometry", kind)
        object.__setattr__(self, "working_metal", metal)
        object.__setattr__(self, "_b", b)
        object.__setattr__(self, "_L_n", L_n)
        object.__setattr__(self, "_L_a", L_a)
        object.__setattr__(self, "_sizes", MeshSizes(bulk=max(h_b, h_i), interface=min(h_i, h_b),
                                                     edge=min(h_e, h_i), tip=h_tip))
        object.__setattr__(self, "_layout", self.contact.layout(kind.value, b))

    # -- SI accessors -----------------------------------------------------------------
    @property
    def radius(self) -> float:
        """Pellet radius b [m] (planar: half width of the section)."""
        return self._b

    @property
    def nasicon_thickness(self) -> float:
        """Pellet thickness L_n [m]."""
        return self._L_n

    @property
    def alloy_height(self) -> float:
        """Working-electrode layer thickness L_a [m]."""
        return self._L_a

    @property
    def mesh_sizes(self) -> MeshSizes:
        """Resolved element sizes (bulk, interface band, edges) [m]."""
        return self._sizes

    @property
    def layout(self) -> InterfaceLayout:
        """Contact layout of the interface in this geometry."""
        return self._layout

    @classmethod
    def from_parameters(cls, parameters, **kwargs) -> Cell:
        """A cell with dimensions and mesh size from ``parameters.cell`` / ``.numerics``."""
        base = {"pellet_radius": parameters.cell.pellet_radius,
                "pellet_thickness": parameters.cell.pellet_thickness,
                "alloy_thickness": parameters.cell.alloy_thickness}
        base.update(kwargs)
        if "mesh_size" not in base and kwargs.get("geometry") != "3d":
            base["mesh_size"] = min(parameters.numerics.mesh_size,
                                    to_si(base["pellet_thickness"], "m"),
                                    to_si(base["alloy_thickness"], "m"))
        return cls(**base)

    # -- areas --------------------------------------------------------------------------
    def electrode_area(self) -> float:
        """Nominal electrode area [m^2]: pi b^2 (planar: b, in m^2 per m of depth)."""
        if self.geometry is GeometryKind.PLANAR:
            return self._b
        return math.pi * self._b**2

    def contact_area(self) -> float:
        """Analytic contact (wetted) area [m^2] of the interface pattern, excluding a flaw
        mouth (planar: m^2 per m of depth).  The meshed value is
        :meth:`CellMesh.contact_area`."""
        area = self._layout.contact_area()
        flaw = self.flaw
        if flaw is None or self.geometry is GeometryKind.ONE_D:
            return area
        if self.geometry is GeometryKind.THREE_D:
            # subtract the part of the mouth disc that lies on contact area
            return area - _mouth_contact_area_3d(self._layout, flaw)
        x0, x1 = flaw.mouth()
        removed = 0.0
        for a0, a1, c in self._layout.intervals:
            lo, hi = max(a0, x0), min(a1, x1)
            if c and hi > lo:
                removed += math.pi * (hi**2 - lo**2) if (
                    self.geometry is GeometryKind.AXISYMMETRIC) else hi - lo
        return area - removed

    def contact_fraction(self) -> float:
        """Contact area / electrode area."""
        return self.contact_area() / self.electrode_area()

    def spot_constriction_factor(self) -> float:
        """1D cell with :class:`ContactSpots`: R_bulk / R_spots, the factor on the NASICON
        conductivity that gives the 1D model the analytic constriction of the spot array it
        cannot resolve (1 otherwise).  R_spots = L/(sigma pi b^2) + psi(a sqrt(N)/b) /
        (4 sigma a N), N = f b^2 / a^2 spots of radius a spread evenly
        (:func:`nakmodel.analysis.spot_array_resistance`: independent flux tubes, Holm with
        the Roess factor [M]); R_bulk = L/(sigma pi b^2).  It does not depend on sigma.
        Steady (DC) resistance only: the 1D impedance shows the constriction inside the
        bulk arc, not as its own arc across the blocked-area capacitance (axisymmetric or
        3D geometry for that)."""
        if self.geometry is not GeometryKind.ONE_D or not isinstance(self.contact,
                                                                      ContactSpots):
            return 1.0
        from ..contact_resistance import spot_array_resistance

        a, b, L = self.contact.radius_si, self._b, self.nasicon_thickness
        count = self.contact.areal_fraction(b) * b * b / (a * a)
        bulk = L / (math.pi * b * b)
        return bulk / spot_array_resistance(a, count, b, L, 1.0)

    # -- meshing ------------------------------------------------------------------------
    def build_gmsh_model(self, gmsh) -> dict:
        """Fill the current gmsh model with this cell's geometry, tags and mesh (in metres).

        The geometry is built in micrometres (:data:`MODEL_UNIT`, so that the OCC/geo
        tolerances are far below every feature) and the mesh nodes are scaled to
        metres after meshing.  Returns ``{"flaw_tip": array or None}`` [m].
        """
        from dataclasses import replace

        from . import gmsh_builders as gb

        U = MODEL_UNIT
        kind = self.geometry
        sz = self._sizes
        sizes = MeshSizes(bulk=sz.bulk / U, interface=sz.interface / U, edge=sz.edge / U,
                          tip=None if sz.tip is None else sz.tip / U, grading=sz.grading)
        b, L_n, L_a = self._b / U, self._L_n / U, self._L_a / U
        flaw = None
        if self.flaw is not None:
            flaw = SurfaceFlaw(depth=self.flaw.depth_si / U, opening=self.flaw.opening_si / U,
                               position=self.flaw.position_si / U)
        layout = replace(self._layout, pellet_radius=b,
                         intervals=tuple((x0 / U, x1 / U, c)
                                         for x0, x1, c in self._layout.intervals),
                         discs=tuple((x / U, y / U, r / U) for x, y, r in self._layout.discs))
        if kind is GeometryKind.ONE_D:
            info = gb.build_1d(gmsh, L_n, L_a, sizes)
        elif kind is GeometryKind.THREE_D:
            info = gb.build_3d(gmsh, b, L_n, L_a, layout, flaw, sizes)
        else:
            info = gb.build_2d(gmsh, b, L_n, L_a, layout.intervals, flaw, sizes)
        gmsh.model.mesh.affineTransform([U, 0, 0, 0, 0, U, 0, 0, 0, 0, U, 0])
        if info.get("flaw_tip") is not None:
            info["flaw_tip"] = info["flaw_tip"] * U
        return info

    def build_mesh(self, comm=None, *, msh_file=None):
        """Mesh the cell with gmsh and return a :class:`~nakmodel.geometry.CellMesh`.

        ``comm`` defaults to ``MPI.COMM_WORLD``; the gmsh model is built on rank
        0 and distributed.  ``msh_file`` optionally writes the gmsh ``.msh``.
        """
        from .cellmesh import mesh_cell

        return mesh_cell(self, comm, msh_file=msh_file)


def _mouth_contact_area_3d(layout: InterfaceLayout, flaw: SurfaceFlaw, n: int = 400) -> float:
    """Contact area inside the flaw mouth polygon (3D: regular FLAW_3D_SIDES-gon), by
    polar quadrature."""
    import numpy as np

    from .gmsh_builders import FLAW_3D_SIDES

    m = FLAW_3D_SIDES
    R = flaw.opening_si / 2
    xc = flaw.position_si
    t = (np.arange(n) + 0.5) / n * 2 * np.pi
    # polygon radius along direction t (inscribed regular m-gon, vertex at angle 0)
    rho = R * np.cos(np.pi / m) / np.cos((t % (2 * np.pi / m)) - np.pi / m)
    s = (np.arange(n) + 0.5) / n
    ss, tt = np.meshgrid(s, t)
    rr = ss * rho[:, None]
    x = xc + rr * np.cos(tt)
    y = rr * np.sin(tt)
    inside = np.zeros_like(x, dtype=bool)
    for cx, cy, cr in layout.discs:
        inside |= (x - cx) ** 2 + (y - cy) ** 2 <= cr * cr
    contact = inside if layout.discs_in_contact else ~inside
    weight = rr * rho[:, None] / n * (2 * np.pi / n)
    return float(np.sum(contact * weight))
