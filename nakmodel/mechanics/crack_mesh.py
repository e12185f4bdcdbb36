"""Gmsh meshes of cracked ceramic bodies for the fracture domain integrals.

The mode-I crack problems (edge crack, centre crack, penny crack, surface
flaw at the centre of a pellet) are symmetric about the crack plane, so only
one half is meshed: a rectangle ``[0, width] x [0, height]`` whose bottom edge
``y = 0`` carries the crack face ``0 <= x <= a`` (tagged ``crack``, free or
pressurised) and the ligament ``a < x <= width`` (tagged ``ligament``, a
symmetry plane: u_y = 0).  The crack tip is the point ``(a, 0)``; the mesh is
graded towards it (element size ``tip_size`` at the tip, growing linearly with
the distance at rate ``growth`` up to ``far_size``).

A flaw without mirror symmetry (e.g. an inclined flaw, for K_II) needs a
genuine slit: :func:`slit_crack_mesh` meshes a rectangle cut by a narrow
sharp V-notch from its top edge (faces tagged separately).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputProblem, ParameterError

CRACK, LIGAMENT, RIGHT, TOP, LEFT, CRACK_MINUS, BOTTOM = 1, 2, 3, 4, 5, 6, 7


@dataclass
class CrackMesh:
    """A meshed cracked body.

    ``tip`` is the crack-tip point (3 coordinates), ``direction`` the unit
    vector of crack extension (in the mesh plane), ``crack_faces`` the facet
    tags of the crack faces, ``symmetric`` whether only one half is meshed
    (then the energy release rate of the full body is twice the half's),
    ``tags`` the facet tags by name.
    """

    mesh: object
    facet_tags: object
    tip: np.ndarray
    direction: np.ndarray
    crack_length: float
    crack_faces: tuple[int, ...]
    symmetric: bool
    tags: dict[str, int] = field(default_factory=dict)
    width: float = 0.0
    height: float = 0.0
    max_ring_radius: float | None = None
    """Largest theta-ring radius [m] that keeps the domain integral off other boundaries."""
    front_radius: float | None = None
    """3D circular front: its radius [m] (theta is then radial along the front)."""
    front_length: float | None = None
    """3D: length [m] of the crack front inside the model (G is the front average)."""
    front_center: np.ndarray | None = None
    """3D circular front: its centre (default the origin)."""
    front_normal: np.ndarray | None = None
    """3D circular front: unit normal of the crack plane (default e_z)."""
    front_axes: tuple | None = None
    """3D circular front: in-plane unit vectors (e1, e2) defining the front angle
    phi = atan2(d . e2, d . e1); the model holds phi in ``front_angles``."""
    front_angles: tuple[float, float] = (0.0, 0.5 * math.pi)

    @property
    def min_tip_distance_to_boundary(self) -> float:
        """Largest ring radius that keeps the domain integral away from other loaded edges."""
        return float(self.max_ring_radius if self.max_ring_radius else self.crack_length)


def _check_positive(**values):
    problems = [InputProblem(f"crack_mesh.{k}", "must be a positive length", v,
                             "a length in m, > 0")
                for k, v in values.items() if not (isinstance(v, (int, float)) and v > 0
                                                   and math.isfinite(v))]
    if problems:
        raise ParameterError(problems)


class _GmshSession:
    """Initialise gmsh if needed and always leave it as found.

    ``length_scale`` [model units] sets the geometric tolerance to 1e-6 of it
    (gmsh's default 1e-8 is absolute and too coarse for micrometre flaws in metres).
    """

    def __init__(self, length_scale: float | None = None):
        self.length_scale = length_scale

    def __enter__(self):
        import gmsh

        self.gmsh = gmsh
        self.owner = not gmsh.isInitialized()
        if self.owner:
            gmsh.initialize(interruptible=False)
        gmsh.option.setNumber("General.Terminal", 0)
        self.tolerance = gmsh.option.getNumber("Geometry.Tolerance")
        if self.length_scale:
            gmsh.option.setNumber("Geometry.Tolerance", 1e-6 * self.length_scale)
        gmsh.model.add(f"nakmodel_crack_{id(self)}")
        return gmsh

    def __exit__(self, *exc):
        self.gmsh.option.setNumber("Geometry.Tolerance", self.tolerance)
        self.gmsh.model.remove()
        if self.owner:
            self.gmsh.finalize()
        return False


def _graded_size_field(gmsh, tip, tip_size, far_size, growth):
    tip = [float(tip[0]), float(tip[1])]
    tip_size, far_size, growth = float(tip_size), float(far_size), float(growth)
    f = gmsh.model.mesh.field.add("MathEval")
    gmsh.model.mesh.field.setString(
        f, "F", f"Min({tip_size!r} + {growth!r}*Sqrt((x-({tip[0]!r}))^2+(y-({tip[1]!r}))^2),"
        f" {far_size!r})")
    gmsh.model.mesh.field.setAsBackgroundMesh(f)
    gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)


def _to_dolfinx(gmsh, comm):
    import dolfinx_solver  # noqa: F401  (orders MPI before dolfinx)

    from dolfinx.io import gmsh as gmshio

    data = gmshio.model_to_mesh(gmsh.model, comm, 0, gdim=2)
    return data.mesh, data.facet_tags


def half_crack_mesh(width: float, height: float, crack_length: float, *, tip_size=None,
                    far_size=None, growth: float = 0.2, comm=None) -> CrackMesh:
    """Half of a symmetric cracked rectangle, crack face on ``y = 0, 0 <= x <= a``.

    Facet tags: ``crack`` (1), ``ligament`` (2, symmetry plane), ``right``
    (3, x = width), ``top`` (4, y = height), ``left`` (5, x = 0: the crack
    mouth edge).  Default sizes: ``tip_size = a/200``, ``far_size =
    max(width, height)/15``.
    """
    _check_positive(width=width, height=height, crack_length=crack_length)
    if crack_length >= width:
        raise ParameterError(InputProblem("flaw.depth", "crack must be shorter than the body",
                                          crack_length, f"a length in m, < {width:g} m"))
    from mpi4py import MPI

    comm = comm or MPI.COMM_SELF
    a = float(crack_length)
    tip_size = float(tip_size or a / 200.0)
    far_size = float(far_size or max(width, height) / 15.0)
    with _GmshSession(tip_size) as gmsh:
        geo = gmsh.model.geo
        pts = [geo.addPoint(0, 0, 0), geo.addPoint(a, 0, 0), geo.addPoint(width, 0, 0),
               geo.addPoint(width, height, 0), geo.addPoint(0, height, 0)]
        lines = [geo.addLine(pts[i], pts[(i + 1) % 5]) for i in range(5)]
        loop = geo.addCurveLoop(lines)
        surf = geo.addPlaneSurface([loop])
        geo.synchronize()
        for tag, line, name in zip((CRACK, LIGAMENT, RIGHT, TOP, LEFT), lines,
                                   ("crack", "ligament", "right", "top", "left"), strict=True):
            gmsh.model.addPhysicalGroup(1, [line], tag, name=name)
        gmsh.model.addPhysicalGroup(2, [surf], 1, name="ceramic")
        _graded_size_field(gmsh, (a, 0.0), tip_size, far_size, growth)
        gmsh.model.mesh.generate(2)
        mesh, facet_tags = _to_dolfinx(gmsh, comm)
    cm = CrackMesh(mesh, facet_tags, tip=np.array([a, 0.0, 0.0]),
                   direction=np.array([1.0, 0.0, 0.0]), crack_length=a, crack_faces=(CRACK,),
                   symmetric=True,
                   tags={"crack": CRACK, "ligament": LIGAMENT, "right": RIGHT, "top": TOP,
                         "left": LEFT},
                   width=float(width), height=float(height))
    cm.max_ring_radius = min(a, width - a, height)
    return cm


def slit_crack_mesh(width: float, height: float, mouth_x: float, depth: float,
                    angle: float = 0.0, *, opening: float | None = None, tip_size=None,
                    far_size=None, growth: float = 0.2, comm=None) -> CrackMesh:
    """Full rectangle ``[0, width] x [0, height]`` cut by a sharp V-notch from the top edge.

    The notch mouth, of width ``opening`` (default ``depth/100``), is centred at
    ``(mouth_x, height)``; the sharp tip lies a distance ``depth`` away at
    ``angle`` [rad] from the downward vertical (positive towards +x).  A narrow
    V-notch has the r^-1/2 crack-tip singularity to within a fraction of a
    percent in K for half-angles below a few degrees (Williams 1952), and it
    avoids duplicated nodes.  Faces: ``crack`` (1, +x side) and
    ``crack_minus`` (6); other tags: ``right`` (3), ``top`` (4), ``left`` (5),
    ``bottom`` (7).
    """
    _check_positive(width=width, height=height, depth=depth)
    if not 0.0 < mouth_x < width:
        raise ParameterError(InputProblem("flaw.position", "flaw mouth must lie on the top surface",
                                          mouth_x, f"a position in m in (0, {width:g})"))
    if not abs(angle) < math.radians(80):
        raise ParameterError(InputProblem("flaw.angle", "flaw inclination too large", angle,
                                          "an angle in rad with |angle| < 1.396 (80 deg)"))
    from mpi4py import MPI

    comm = comm or MPI.COMM_SELF
    tx = mouth_x + depth * math.sin(angle)
    ty = height - depth * math.cos(angle)
    if not (0.0 < tx < width and ty > 0.0):
        raise ParameterError(InputProblem("flaw.depth", "flaw must end inside the ceramic", depth,
                                          f"a length in m < {height:g} m (pellet thickness)"))
    tip_size = float(tip_size or depth / 200.0)
    far_size = float(far_size or max(width, height) / 15.0)
    scale = min(tip_size, float(opening) if opening is not None else depth / 100.0)
    with _GmshSession(scale) as gmsh:
        geo = gmsh.model.geo
        p_bl, p_br = geo.addPoint(0, 0, 0), geo.addPoint(width, 0, 0)
        p_tr, p_tl = geo.addPoint(width, height, 0), geo.addPoint(0, height, 0)
        half = 0.5 * float(opening if opening is not None else depth / 100.0)
        p_mouth_plus = geo.addPoint(mouth_x + half, height, 0)
        p_mouth_minus = geo.addPoint(mouth_x - half, height, 0)
        p_tip = geo.addPoint(tx, ty, 0)
        l_bottom = geo.addLine(p_bl, p_br)
        l_right = geo.addLine(p_br, p_tr)
        l_top_r = geo.addLine(p_tr, p_mouth_plus)
        l_face_plus = geo.addLine(p_mouth_plus, p_tip)
        l_face_minus = geo.addLine(p_tip, p_mouth_minus)
        l_top_l = geo.addLine(p_mouth_minus, p_tl)
        l_left = geo.addLine(p_tl, p_bl)
        loop = geo.addCurveLoop([l_bottom, l_right, l_top_r, l_face_plus, l_face_minus,
                                 l_top_l, l_left])
        surf = geo.addPlaneSurface([loop])
        geo.synchronize()
        gmsh.model.addPhysicalGroup(1, [l_face_plus], CRACK, name="crack")
        gmsh.model.addPhysicalGroup(1, [l_face_minus], CRACK_MINUS, name="crack_minus")
        gmsh.model.addPhysicalGroup(1, [l_right], RIGHT, name="right")
        gmsh.model.addPhysicalGroup(1, [l_top_r, l_top_l], TOP, name="top")
        gmsh.model.addPhysicalGroup(1, [l_left], LEFT, name="left")
        gmsh.model.addPhysicalGroup(1, [l_bottom], BOTTOM, name="bottom")
        gmsh.model.addPhysicalGroup(2, [surf], 1, name="ceramic")
        _graded_size_field(gmsh, (tx, ty), tip_size, far_size, growth)
        gmsh.model.mesh.generate(2)
        mesh, facet_tags = _to_dolfinx(gmsh, comm)
    direction = np.array([math.sin(angle), -math.cos(angle), 0.0])
    cm = CrackMesh(mesh, facet_tags, tip=np.array([tx, ty, 0.0]), direction=direction,
                   crack_length=float(depth), crack_faces=(CRACK, CRACK_MINUS), symmetric=False,
                   tags={"crack": CRACK, "crack_minus": CRACK_MINUS, "right": RIGHT, "top": TOP,
                         "left": LEFT, "bottom": BOTTOM},
                   width=float(width), height=float(height))
    cm.max_ring_radius = min(depth, tx, width - tx, ty)
    return cm


def inclined_centre_crack_mesh(width: float, height: float, half_length: float, angle: float,
                               *, thickness_ratio: float = 0.01, tip_size=None, far_size=None,
                               growth: float = 0.2, comm=None) -> CrackMesh:
    """Rectangle ``[0, width] x [0, height]`` with a traction-free centre crack of length 2a.

    The crack is a thin diamond (maximum opening ``2 thickness_ratio a`` at
    its centre, sharp tips) centred in the rectangle and inclined by
    ``angle`` [rad] to the x-axis; the mesh is refined at the tip on the
    +x side, which is the tip of the returned :class:`CrackMesh`.  Outer
    facet tags: ``bottom`` (7), ``right`` (3), ``top`` (4), ``left`` (5);
    crack faces ``crack`` (1).
    """
    _check_positive(width=width, height=height, half_length=half_length)
    if not 0 < thickness_ratio < 0.2:
        raise ParameterError(InputProblem("crack_mesh.thickness_ratio", "out of range",
                                          thickness_ratio, "a ratio in (0, 0.2)"))
    from mpi4py import MPI

    comm = comm or MPI.COMM_SELF
    a = float(half_length)
    cx, cy = 0.5 * width, 0.5 * height
    e = np.array([math.cos(angle), math.sin(angle)])
    n = np.array([-e[1], e[0]])
    tip = np.array([cx, cy]) + a * e
    if np.any(np.abs(a * e) >= [cx, cy]):
        raise ParameterError(InputProblem("crack_mesh.half_length", "crack does not fit the plate",
                                          a,
                                          "a crack inside the rectangle"))
    tip_size = float(tip_size or a / 200.0)
    far_size = float(far_size or max(width, height) / 15.0)
    t = thickness_ratio * a
    with _GmshSession(min(t, tip_size)) as gmsh:
        geo = gmsh.model.geo
        corners = [geo.addPoint(0, 0, 0), geo.addPoint(width, 0, 0),
                   geo.addPoint(width, height, 0), geo.addPoint(0, height, 0)]
        outer = [geo.addLine(corners[i], corners[(i + 1) % 4]) for i in range(4)]
        diamond = [np.array([cx, cy]) + a * e, np.array([cx, cy]) + t * n,
                   np.array([cx, cy]) - a * e, np.array([cx, cy]) - t * n]
        dpts = [geo.addPoint(p[0], p[1], 0) for p in diamond]
        inner = [geo.addLine(dpts[i], dpts[(i + 1) % 4]) for i in range(4)]
        surf = geo.addPlaneSurface([geo.addCurveLoop(outer), geo.addCurveLoop(inner)])
        geo.synchronize()
        for tag, line, name in zip((BOTTOM, RIGHT, TOP, LEFT), outer,
                                   ("bottom", "right", "top", "left"), strict=True):
            gmsh.model.addPhysicalGroup(1, [line], tag, name=name)
        gmsh.model.addPhysicalGroup(1, inner, CRACK, name="crack")
        gmsh.model.addPhysicalGroup(2, [surf], 1, name="ceramic")
        _graded_size_field(gmsh, tip, tip_size, far_size, growth)
        gmsh.model.mesh.generate(2)
        mesh, facet_tags = _to_dolfinx(gmsh, comm)
    cm = CrackMesh(mesh, facet_tags, tip=np.array([tip[0], tip[1], 0.0]),
                   direction=np.array([e[0], e[1], 0.0]), crack_length=a, crack_faces=(CRACK,),
                   symmetric=False,
                   tags={"crack": CRACK, "bottom": BOTTOM, "right": RIGHT, "top": TOP,
                         "left": LEFT}, width=float(width), height=float(height))
    cm.max_ring_radius = min(a, tip[0], width - tip[0], tip[1], height - tip[1])
    return cm


def penny_crack_mesh_3d(radius: float, height: float, crack_radius: float, *,
                        front_size=None, far_size=None, growth: float = 0.3,
                        comm=None) -> CrackMesh:
    """Quarter block with a penny crack (symmetric about z = 0): 3D tetrahedral mesh.

    Block ``[0, R] x [0, R] x [0, H]``; the crack is the quarter disc
    ``x^2 + y^2 < a^2`` on ``z = 0`` (tag ``crack``, 1), the rest of ``z = 0``
    is the ligament (symmetry plane, 2); ``x = 0`` is ``left`` (5, symmetry),
    ``y = 0`` is ``bottom`` (7, symmetry), other faces ``right`` (3).  Refined
    along the crack front (circle r = a).  The crack direction is radial,
    ``direction_field``; ``front_length`` = pi a / 2 is the front inside the model.
    """
    _check_positive(radius=radius, height=height, crack_radius=crack_radius)
    if crack_radius >= min(radius, height):
        raise ParameterError(InputProblem("crack_mesh.crack_radius", "crack does not fit the block",
                                          crack_radius, f"a length in m < {min(radius, height):g}"))
    from mpi4py import MPI

    comm = comm or MPI.COMM_SELF
    unit = float(crack_radius)  # OCC works in units of the crack radius (its tolerances are
    # absolute, ~1e-7): lengths below are in units of a, the mesh is scaled back to metres
    front_size = float(front_size or unit / 15.0) / unit
    far_size = float(far_size or max(radius, height) / 6.0) / unit
    radius, height, a = radius / unit, height / unit, 1.0
    with _GmshSession() as gmsh:
        occ = gmsh.model.occ
        box = occ.addBox(0, 0, 0, radius, radius, height)
        cyl = occ.addCylinder(0, 0, 0, 0, 0, height, a, angle=math.pi / 2)
        occ.fragment([(3, box)], [(3, cyl)])
        occ.synchronize()
        volumes = [v[1] for v in gmsh.model.getEntities(3)]
        eps = 1e-6 * max(radius, height)
        groups = {CRACK: [], LIGAMENT: [], LEFT: [], BOTTOM: [], RIGHT: []}
        for _, s in gmsh.model.getEntities(2):
            cx, cy, cz = gmsh.model.occ.getCenterOfMass(2, s)
            if abs(cz) < eps:
                groups[CRACK if math.hypot(cx, cy) < a else LIGAMENT].append(s)
            elif abs(cx) < eps:
                groups[LEFT].append(s)
            elif abs(cy) < eps:
                groups[BOTTOM].append(s)
            elif min(abs(cx - radius), abs(cy - radius), abs(cz - height)) < eps:
                groups[RIGHT].append(s)
        names = {CRACK: "crack", LIGAMENT: "ligament", LEFT: "left", BOTTOM: "bottom",
                 RIGHT: "right"}
        # front curve: the arc of radius a on z = 0
        front = _tag_groups_and_find_front(groups, names, volumes, plane_axis=2, eps=eps)
        data = _mesh_3d_around_front(comm, front, front_size, growth, far_size)
    data.mesh.geometry.x[:] *= unit
    radius, height, a = radius * unit, height * unit, unit
    cm = CrackMesh(data.mesh, data.facet_tags, tip=np.array([a, 0.0, 0.0]),
                   direction=np.array([1.0, 0.0, 0.0]), crack_length=a, crack_faces=(CRACK,),
                   symmetric=True,
                   tags={"crack": CRACK, "ligament": LIGAMENT, "left": LEFT, "bottom": BOTTOM,
                         "right": RIGHT}, width=float(radius), height=float(height))
    cm.max_ring_radius = min(a, radius - a, height)
    cm.front_radius = a
    cm.front_length = 0.5 * math.pi * a
    cm.front_axes = (np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    return cm


def surface_crack_mesh_3d(width: float, height: float, crack_radius: float, *,
                          front_size=None, far_size=None, growth: float = 0.3,
                          comm=None) -> CrackMesh:
    """Quarter model of a semicircular surface crack: 3D tetrahedral mesh.

    Block ``[0, W] x [0, W] x [0, H]``, free surface ``z = H`` (``top``, 4);
    the crack lies in the symmetry plane ``y = 0``: the quarter disc of radius
    a centred at (0, 0, H) (``crack``, 1), the rest of ``y = 0`` is the
    ``ligament`` (2).  ``x = 0`` is a symmetry plane (``left``, 5), ``z = 0``
    the support (``bottom``, 7), ``x = W`` and ``y = W`` are free (``right``,
    3).  The front is the quarter circle from the surface point (a, 0, H) to
    the deepest point (0, 0, H - a); refined along it.
    """
    _check_positive(width=width, height=height, crack_radius=crack_radius)
    if crack_radius >= min(width, height):
        raise ParameterError(InputProblem("crack_mesh.crack_radius", "crack does not fit the block",
                                          crack_radius, f"a length in m < {min(width, height):g}"))
    from mpi4py import MPI

    comm = comm or MPI.COMM_SELF
    unit = float(crack_radius)  # OCC in units of the crack radius (absolute tolerances)
    front_size = float(front_size or unit / 15.0) / unit
    far_size = float(far_size or max(width, height) / 6.0) / unit
    W, H = width / unit, height / unit
    with _GmshSession() as gmsh:
        occ = gmsh.model.occ
        box = occ.addBox(0, 0, 0, W, W, H)
        clip = occ.addBox(0, 0, 0, W, W, H)
        cyl = occ.addCylinder(0, 0, H, 0, W, 0, 1.0)
        inside, _ = occ.intersect([(3, cyl)], [(3, clip)])
        occ.fragment([(3, box)], inside)
        occ.synchronize()
        volumes = [v[1] for v in gmsh.model.getEntities(3)]
        eps = 1e-6 * max(W, H)
        groups = {CRACK: [], LIGAMENT: [], LEFT: [], BOTTOM: [], RIGHT: [], TOP: []}
        for _, surface in gmsh.model.getEntities(2):
            cx, cy, cz = occ.getCenterOfMass(2, surface)
            if abs(cy) < eps:
                groups[CRACK if math.hypot(cx, cz - H) < 1.0 else LIGAMENT].append(surface)
            elif abs(cx) < eps:
                groups[LEFT].append(surface)
            elif abs(cz) < eps:
                groups[BOTTOM].append(surface)
            elif abs(cz - H) < eps:
                groups[TOP].append(surface)
            elif min(abs(cx - W), abs(cy - W)) < eps:
                groups[RIGHT].append(surface)
        names = {CRACK: "crack", LIGAMENT: "ligament", LEFT: "left", BOTTOM: "bottom",
                 RIGHT: "right", TOP: "top"}
        # front curve: the quarter ellipse on y = 0
        front = _tag_groups_and_find_front(groups, names, volumes, plane_axis=1, eps=eps)
        data = _mesh_3d_around_front(comm, front, front_size, growth, far_size)
    data.mesh.geometry.x[:] *= unit
    a = unit
    return CrackMesh(data.mesh, data.facet_tags, tip=np.array([0.0, 0.0, height - a]),
                     direction=np.array([0.0, 0.0, -1.0]), crack_length=a, crack_faces=(CRACK,),
                     symmetric=True,
                     tags={"crack": CRACK, "ligament": LIGAMENT, "left": LEFT,
                           "bottom": BOTTOM, "right": RIGHT, "top": TOP},
                     width=float(width), height=float(height),
                     max_ring_radius=min(a, width - a, height - a), front_radius=a,
                     front_length=0.5 * math.pi * a,
                     front_center=np.array([0.0, 0.0, float(height)]),
                     front_normal=np.array([0.0, 1.0, 0.0]),
                     front_axes=(np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, -1.0])))


def _tag_groups_and_find_front(groups, names, volumes, plane_axis: int, eps: float):
    """Add the surface groups and the ceramic volume as physical groups; return the crack
    front: the curves lying in the crack plane (coordinate ``plane_axis`` = 0) that are curved
    in it (extent > eps along both other axes)."""
    import gmsh

    for tag, surfaces in groups.items():
        gmsh.model.addPhysicalGroup(2, surfaces, tag, name=names[tag])
    gmsh.model.addPhysicalGroup(3, volumes, 1, name="ceramic")
    others = [k for k in range(3) if k != plane_axis]
    front = []
    for _, c in gmsh.model.getEntities(1):
        box = gmsh.model.getBoundingBox(1, c)
        low, high = box[:3], box[3:]
        in_plane = max(abs(low[plane_axis]), abs(high[plane_axis])) < eps
        if in_plane and all(high[k] - low[k] > eps for k in others):
            front.append(c)
    return front


def _mesh_3d_around_front(comm, front, front_size, growth, far_size):
    """Mesh the current gmsh model in 3D, refined towards the crack-front curves, and
    hand it to dolfinx (rank 0 meshes).  Element size: min(front + growth * d, far)."""
    import gmsh

    fd = gmsh.model.mesh.field.add("Distance")
    gmsh.model.mesh.field.setNumbers(fd, "CurvesList", front)
    gmsh.model.mesh.field.setNumber(fd, "Sampling", 200)
    fm = gmsh.model.mesh.field.add("MathEval")
    gmsh.model.mesh.field.setString(fm, "F", f"Min({front_size!r} + {float(growth)!r}*F{fd},"
                                    f" {far_size!r})")
    gmsh.model.mesh.field.setAsBackgroundMesh(fm)
    gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
    gmsh.model.mesh.generate(3)
    import dolfinx_solver  # noqa: F401

    from dolfinx.io import gmsh as gmshio

    return gmshio.model_to_mesh(gmsh.model, comm, 0, gdim=3)
