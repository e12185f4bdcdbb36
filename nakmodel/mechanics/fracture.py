"""Stress intensity of a metal-filled surface flaw in the NASICON pellet.

The flaw is modelled as a straight crack of depth a from the alloy | NASICON
interface (z = L_n) into a plane-strain section of the pellet (width 2b,
thickness L_n): a long ("tunnel") surface crack, the conservative limit of a
surface flaw (a semicircular surface flaw has about 0.66 of its K_I; Newman
& Raju, Eng. Fract. Mech. 15 (1981) 185).  A flaw on the axis with no
inclination is mirror-symmetric (half model, K_II = 0).  In an axisymmetric
cell a flaw at r = position > 0 is a circumferential groove: it is modelled
in the r-z section with axisymmetric kinematics (K_I = sqrt(E' G) per unit
front length, K_II = 0 taken from the groove's near-symmetry).  Otherwise the whole
section is meshed with a narrow V-notch and K_II follows from the
interaction integral.  The crack mesh treats the flaw as sharp (a notch of
mouth width a/100, within 0.3 % of a zero-width crack); the flaw opening
enters only the loading (Poiseuille outflow, capillarity).  Loads: pressure
p on the flaw faces (given, or from a
:class:`~nakmodel.mechanics.loading.FlawState`), stack pressure on the
interface, optional ion-exchange eigenstrain (Bueckner: the crack-face
traction of the uncracked eigenstrained body; with an eigenstrain the stored
field is the crack-perturbation field).  Support: the pellet bottom (z = 0) rests on the counter
electrode (:class:`PelletSupport`: roller (default) or clamped).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from ..errors import InputProblem, ParameterError
from ..units import to_si
from . import crack_mesh as cmesh
from .domain_integral import (
    RingDomain,
    default_rings,
    energy_release_rate,
    interaction_integrals,
)
from .elasticity import ElasticSolution, Kinematics, Pressure, Support, solve_elasticity
from .loading import (
    FlawLoadingModel,
    FlawState,
    SurfaceEigenstrain,
    exchange_layer_stress,
    flaw_pressure,
)
from .material import CeramicMaterial


class PelletSupport(StrEnum):
    """How the pellet bottom (z = 0, on the counter electrode) is held."""

    ROLLER = "roller"
    """u_z = 0, free to slide (frictionless); one node pinned laterally in the full model."""
    CLAMPED = "clamped"
    """u = 0 (bonded to the counter electrode / fixture)."""


class FlawShape(StrEnum):
    """Shape of the flaw in the fracture model."""

    TUNNEL = "tunnel"
    """Long surface crack in a plane-strain (or axisymmetric) section: the conservative limit."""
    SEMICIRCULAR = "semicircular"
    """Semicircular surface crack of radius = depth, 3D quarter model; K_I is the front
    average sqrt(E' <G>) (centred, upright flaws only)."""


@dataclass(frozen=True)
class FlawGeometry:
    """Pellet section and flaw, SI: radius b, thickness L_n, flaw depth/opening/position/angle."""

    pellet_radius: float
    pellet_thickness: float
    depth: float
    opening: float
    position: float = 0.0
    angle: float = 0.0
    ring: bool = False
    """True: a circumferential groove at r = position modelled in axisymmetry."""

    @property
    def symmetric(self) -> bool:
        return self.position == 0.0 and self.angle == 0.0 and not self.ring


def _si_attr(obj, names, unit, key):
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return to_si(value, unit, key=key)
    return None


def flaw_geometry(cell, parameters=None) -> FlawGeometry:
    """Read the pellet and flaw dimensions from a :class:`nakmodel.Cell` or any object
    with ``pellet_radius``, ``pellet_thickness`` and ``flaw`` (``depth``, ``opening``,
    optional ``position`` and ``angle``); missing cell dimensions come from
    ``parameters.cell``.  Raises ParameterError on missing or inconsistent sizes."""
    if isinstance(cell, FlawGeometry):
        geometry = cell
    else:
        problems = []
        flaw = getattr(cell, "flaw", None)
        if flaw is None:
            raise ParameterError(InputProblem("cell.flaw", "the cell has no flaw", None,
                                              "Cell(flaw=SurfaceFlaw(depth=..., opening=...))"))
        cell_defaults = getattr(parameters, "cell", None)
        b = _si_attr(cell, ("radius", "pellet_radius"), "m", "cell.pellet_radius")
        L = _si_attr(cell, ("nasicon_thickness", "pellet_thickness"), "m",
                     "cell.pellet_thickness")
        if b is None and cell_defaults is not None:
            b = cell_defaults.pellet_radius
        if L is None and cell_defaults is not None:
            L = cell_defaults.pellet_thickness
        if b is None or L is None:
            problems.append(InputProblem("cell.pellet_radius", "pellet dimensions unknown", None,
                                         "a cell with pellet_radius and pellet_thickness [m]"))
            raise ParameterError(problems)
        depth = _si_attr(flaw, ("depth_si", "depth"), "m", "flaw.depth")
        opening = _si_attr(flaw, ("opening_si", "opening"), "m", "flaw.opening")
        position = _si_attr(flaw, ("position_si", "position"), "m", "flaw.position") or 0.0
        angle = float(getattr(flaw, "angle", 0.0) or 0.0)
        kind = str(getattr(getattr(cell, "geometry", None), "value", getattr(cell, "geometry",
                                                                             "")))
        ring = kind == "axisymmetric" and position > 0 and angle == 0.0
        geometry = FlawGeometry(b, L, depth if depth is not None else float("nan"),
                                opening if opening is not None else float("nan"), position,
                                angle, ring)
    g = geometry
    problems = []
    if not (g.pellet_radius > 0 and g.pellet_thickness > 0):
        problems.append(InputProblem("cell.pellet_thickness", "pellet dimensions must be positive",
                                     (g.pellet_radius, g.pellet_thickness), "lengths in m, > 0"))
    elif not 0 < g.depth < g.pellet_thickness:
        problems.append(InputProblem("flaw.depth", "flaw depth must be positive and less than the "
                                     "pellet thickness", g.depth,
                                     f"a length in m in (0, {g.pellet_thickness:.4g})"))
    if not g.opening > 0:
        problems.append(InputProblem("flaw.opening", "must be positive", g.opening,
                                     "a length in m, > 0"))
    if not 0 <= abs(g.position) < g.pellet_radius:
        problems.append(InputProblem("flaw.position", "flaw must lie on the pellet", g.position,
                                     f"a position in m, |x| < {g.pellet_radius:.4g}"))
    elif g.ring and not (0 < g.position and g.angle == 0.0):
        problems.append(InputProblem("flaw.position", "a circumferential flaw needs r > 0 and no "
                                     "inclination", (g.position, g.angle),
                                     f"0 < position < {g.pellet_radius:.4g} m, angle = 0"))
    if problems:
        raise ParameterError(problems)
    return g


@dataclass
class MeshOptions:
    """Crack-tip mesh and model options: tip element size = a * ``tip_fraction``, size
    growth rate, element ``degree``, number of integration rings, pellet ``support``."""

    tip_fraction: float = 1.0 / 50.0
    growth: float = 0.2
    degree: int = 2
    n_rings: int = 3
    support: PelletSupport | str = PelletSupport.ROLLER
    shape: FlawShape | str = FlawShape.TUNNEL
    front_fraction: float = 1.0 / 20.0
    """3D (semicircular) model: element size along the crack front / depth."""

    def __post_init__(self):
        problems = []
        try:
            self.shape = FlawShape(self.shape)
        except ValueError:
            problems.append(InputProblem("mechanics.shape", "unknown flaw shape", self.shape,
                                         "'tunnel' or 'semicircular'"))
        if not 0 < self.front_fraction <= 0.5:
            problems.append(InputProblem("mechanics.front_fraction", "out of range",
                                         self.front_fraction,
                                         "front element size / depth in (0, 0.5]"))
        try:
            self.support = PelletSupport(self.support)
        except ValueError:
            problems.append(InputProblem("mechanics.support", "unknown pellet support",
                                         self.support,
                                         "'roller' or 'clamped'"))
        if not 0 < self.tip_fraction <= 0.5:
            problems.append(InputProblem("mechanics.tip_fraction", "out of range",
                                         self.tip_fraction,
                                         "tip element size / flaw depth in (0, 0.5]"))
        if not 0 < self.growth <= 1:
            problems.append(InputProblem("mechanics.growth", "out of range", self.growth,
                                         "element-size growth rate in (0, 1]"))
        if self.degree not in (1, 2, 3):
            problems.append(InputProblem("mechanics.degree", "unsupported", self.degree,
                                         "1, 2 or 3"))
        if not (isinstance(self.n_rings, int) and 1 <= self.n_rings <= 10):
            problems.append(InputProblem("mechanics.n_rings", "out of range", self.n_rings,
                                         "an integer in [1, 10]"))
        if problems:
            raise ParameterError(problems)


@dataclass
class StressIntensity:
    """Crack driving force of one flaw under one load case (SI).

    ``K_I``, ``K_II`` [Pa m^0.5] (interaction integral, innermost ring;
    ``K_II = 0`` by symmetry in the half model), ``G`` [J/m^2] (G-theta,
    innermost ring), per-ring values in ``G_rings``/``K_I_rings``,
    ``K_I_from_G = sqrt(E' G)``.  ``solution`` and ``crack`` hold the fields.
    """

    K_I: float
    K_II: float
    G: float
    pressure: float
    fracture_toughness: float
    geometry: FlawGeometry
    G_rings: list[float]
    K_I_rings: list[float]
    solution: ElasticSolution = field(repr=False)
    crack: cmesh.CrackMesh = field(repr=False)
    material: CeramicMaterial = field(repr=False, default=None)

    @property
    def K_I_from_G(self) -> float:
        """sqrt(E' G - K_II^2) with the sign of K_I (Irwin, plane strain)."""
        Ep = self.material.plane_strain_modulus
        return math.copysign(math.sqrt(max(Ep * self.G - self.K_II**2, 0.0)), self.K_I)

    @property
    def k_ratio(self) -> float:
        """K_I / K_IC."""
        return self.K_I / self.fracture_toughness

    @property
    def crack_onset(self) -> bool:
        """True when K_I >= K_IC (crack extension starts)."""
        return self.K_I >= self.fracture_toughness

    @property
    def path_spread(self) -> float:
        """Relative spread (max - min)/|mean| of G over the ring domains."""
        g = np.array(self.G_rings)
        return float((g.max() - g.min()) / abs(g.mean())) if abs(g.mean()) > 0 else 0.0

    def front_profile(self, angles, half_width: float = math.radians(10.0)) -> np.ndarray:
        """K_I [Pa m^0.5] along a 3D (semicircular) front at ``angles`` [rad] from the surface
        (0 = surface point, pi/2 = deepest point), from localised G-theta integrals."""
        from .domain_integral import local_energy_release_rate

        if self.solution.kinematics != Kinematics.THREE_D:
            raise ParameterError(InputProblem("result", "front profiles need a 3D result", None,
                                              "MeshOptions(shape='semicircular')"))
        Ep = self.material.plane_strain_modulus
        sign = 1.0 if self.K_I >= 0 else -1.0
        return np.array([sign * math.sqrt(Ep * max(local_energy_release_rate(
            self.solution, self.crack, float(phi), half_width), 0.0))
            for phi in np.atleast_1d(angles)])

    def to_pellet_coordinates(self, x: np.ndarray) -> np.ndarray:
        """Map mesh coordinates (n, 2+) to pellet (x, z) coordinates [m]."""
        g = self.geometry
        if self.solution.kinematics == Kinematics.THREE_D:
            return np.asarray(x)[:, [0, 1, 2]]  # already pellet axes (z up, flaw plane y = 0)
        if self.crack.symmetric:  # mesh x = depth below the interface, mesh y = lateral
            return np.column_stack([x[:, 1], g.pellet_thickness - x[:, 0]])
        if g.ring:  # mesh is the r-z section
            return np.column_stack([x[:, 0], x[:, 1]])

        return np.column_stack([x[:, 0] - g.pellet_radius, x[:, 1]])

    def principal_stress(self, degree: int = 1):
        """Maximum principal stress [Pa] as a Lagrange function of ``degree``.

        2D: in-plane Mohr circle and the out-of-plane (plane-strain zz / hoop)
        stress; 3D: largest eigenvalue by the trigonometric formula for
        symmetric 3x3 matrices (Smith, Commun. ACM 4 (1961) 168).
        """
        import ufl
        from dolfinx import fem

        s = self.solution.stress()
        if self.solution.kinematics == Kinematics.THREE_D:
            q = ufl.tr(s) / 3.0
            dev = s - q * ufl.Identity(3)
            p = ufl.sqrt(ufl.inner(dev, dev) / 6.0) + 1e-30 * abs(q) + 1e-300
            r = ufl.det(dev / p) / 2.0
            r = ufl.max_value(ufl.min_value(r, 1.0), -1.0)
            expr = q + 2.0 * p * ufl.cos(ufl.acos(r) / 3.0)
        else:
            mean = 0.5 * (s[0, 0] + s[1, 1])
            radius = ufl.sqrt(0.25 * (s[0, 0] - s[1, 1]) ** 2 + s[0, 1] ** 2)
            expr = ufl.max_value(mean + radius, s[2, 2])
        V = fem.functionspace(self.solution.mesh, ("Lagrange", degree))
        f = fem.Function(V, name="max_principal_stress")
        f.interpolate(fem.Expression(expr, V.element.interpolation_points))
        return f

    def write_vtx(self, path) -> None:
        """Write displacement and maximum principal stress (P1) to an ADIOS2 VTX file."""
        from dolfinx import fem, io

        mesh = self.solution.mesh
        V1 = fem.functionspace(mesh, ("Lagrange", 1, (mesh.geometry.dim,)))
        u1 = fem.Function(V1, name="displacement")
        u1.interpolate(self.solution.u)
        with io.VTXWriter(mesh.comm, str(path), [u1, self.principal_stress(1)],
                          engine="BP4") as writer:
            writer.write(0.0)


def _parameters(parameters):
    """The given parameter set, or the package defaults when ``None``."""
    if parameters is not None:
        return parameters
    from ..parameters import load_parameters

    return load_parameters()


def _material(parameters, material):
    if material is not None:
        return CeramicMaterial.from_parameters(material)
    return CeramicMaterial.from_parameters(parameters)


def _build_crack(g: FlawGeometry, options: MeshOptions):
    tip = g.depth * options.tip_fraction
    far = min(g.pellet_thickness, g.pellet_radius) / 8.0
    if options.shape == FlawShape.SEMICIRCULAR:
        width = min(g.pellet_radius, max(40.0 * g.depth, g.pellet_thickness))
        return cmesh.surface_crack_mesh_3d(width, g.pellet_thickness, g.depth,
                                           front_size=g.depth * options.front_fraction,
                                           far_size=min(width, g.pellet_thickness) / 4.0,
                                           growth=0.35)
    if g.symmetric:
        return cmesh.half_crack_mesh(g.pellet_thickness, g.pellet_radius, g.depth, tip_size=tip,
                                     far_size=far, growth=options.growth)
    if g.ring:  # r-z section [0, b] x [0, L_n], groove at r = position
        return cmesh.slit_crack_mesh(g.pellet_radius, g.pellet_thickness, g.position, g.depth,
                                     0.0, opening=g.depth / 100.0, tip_size=tip, far_size=far,
                                     growth=options.growth)
    return cmesh.slit_crack_mesh(2 * g.pellet_radius, g.pellet_thickness,
                                 g.pellet_radius + g.position, g.depth, g.angle,
                                 opening=g.depth / 100.0, tip_size=tip,
                                 far_size=far, growth=options.growth)


def _uncracked_layer_stress(crack, g: FlawGeometry, material, eigenstrain, degree):
    """Normal stress across the crack plane of the *uncracked* half model with the layer
    eigenstrain (crack faces held on the symmetry plane), as a UFL expression [Pa]."""
    import ufl

    def layer(x):
        return ufl.conditional(ufl.lt(x[0], eigenstrain.depth), eigenstrain.strain, 0.0)

    uncracked = solve_elasticity(
        crack.mesh, crack.facet_tags, material, kinematics=Kinematics.PLANE_STRAIN,
        supports=[Support(cmesh.LIGAMENT, 1), Support(cmesh.CRACK, 1), Support(cmesh.RIGHT, 0)],
        degree=degree, eigenstrain=layer)
    return uncracked.stress()[1, 1]


def _solve(crack, g: FlawGeometry, material, face_pressure, stack_pressure, eigenstrain,
           degree, support=PelletSupport.ROLLER):
    """Cracked-body solve.  An eigenstrain layer enters by Bueckner's principle as the
    crack-face traction -sigma0.N of the uncracked body: from an FE solve of the uncracked
    half model (exact within FE), or, for full/axisymmetric models, from the thin-layer
    stress -E e*/(1 - nu) within the layer depth."""
    import ufl

    def depth_of(x):
        return x[0] if crack.symmetric else g.pellet_thickness - x[1]

    sigma0_nn = None
    closure = 0.0
    if eigenstrain is not None:
        if crack.symmetric:
            sigma0_nn = _uncracked_layer_stress(crack, g, material, eigenstrain, degree)
        else:
            closure = -exchange_layer_stress(material.youngs_modulus, material.poisson_ratio,
                                             eigenstrain.strain)

    def layer_load(x):  # Bueckner traction of the eigenstrained, uncracked body
        if sigma0_nn is not None:
            return sigma0_nn
        return -closure * ufl.conditional(ufl.lt(depth_of(x), eigenstrain.depth), 1.0, 0.0)

    loads = []
    for tag in crack.crack_faces:
        loads.append(Pressure(tag, face_pressure))
        if eigenstrain is not None:
            loads.append(Pressure(tag, layer_load))
    clamped = PelletSupport(support) == PelletSupport.CLAMPED
    if crack.mesh.geometry.dim == 3:  # semicircular flaw, quarter model (z up, crack y = 0)
        supports = [Support(cmesh.LIGAMENT, 1), Support(cmesh.LEFT, 0), Support(cmesh.BOTTOM, 2)]
        if clamped:
            supports += [Support(cmesh.BOTTOM, 0), Support(cmesh.BOTTOM, 1)]
        if stack_pressure:
            loads.append(Pressure(cmesh.TOP, stack_pressure))
        return solve_elasticity(crack.mesh, crack.facet_tags, material,
                                kinematics=Kinematics.THREE_D, supports=supports,
                                pressures=loads, degree=degree)
    if crack.symmetric:  # mesh x = depth: the pellet bottom is the 'right' edge
        supports = [Support(cmesh.LIGAMENT, 1), Support(cmesh.RIGHT, 0)]
        if clamped:
            supports.append(Support(cmesh.RIGHT, 1))
        surface = cmesh.LEFT
    elif g.ring:  # axisymmetric: the axis (left edge) has u_r = 0
        supports = [Support(cmesh.BOTTOM, 1), Support(cmesh.LEFT, 0)]
        if clamped:
            supports.append(Support(cmesh.BOTTOM, 0))
        surface = cmesh.TOP
    else:
        supports = [Support(cmesh.BOTTOM, 1)]
        supports.append(Support(cmesh.BOTTOM, 0) if clamped else
                        Support(None, 0, point=(0.0, 0.0)))
        surface = cmesh.TOP
    if stack_pressure:
        loads.append(Pressure(surface, stack_pressure))
    kinematics = Kinematics.AXISYMMETRIC if g.ring else Kinematics.PLANE_STRAIN
    return solve_elasticity(crack.mesh, crack.facet_tags, material, kinematics=kinematics,
                            supports=supports, pressures=loads, degree=degree)


def _mean_opening(solution, crack) -> float:
    """int -N . u w dS over the crack faces: > 0 when the faces move apart."""
    import ufl
    from dolfinx import fem

    mesh = solution.mesh
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=solution.facet_tags)
    N = ufl.FacetNormal(mesh)
    form = sum(-ufl.dot(N, solution.u) * solution.weight() * ds(tag) for tag in crack.crack_faces)
    return mesh.comm.allreduce(fem.assemble_scalar(fem.form(form)))


def _stack_pressure(parameters, stack_pressure):
    if stack_pressure is not None:
        value = to_si(stack_pressure, "Pa", key="cell.stack_pressure")
    else:
        value = float(getattr(getattr(parameters, "cell", None), "stack_pressure", 0.0) or 0.0)
    if value < 0:
        raise ParameterError(InputProblem("cell.stack_pressure", "must be >= 0", value,
                                          "a pressure in Pa, >= 0"))
    return value


def stress_intensity(cell, parameters=None, pressure=None, state: FlawState | None = None, *,
                     material: CeramicMaterial | None = None,
                     loading: FlawLoadingModel | None = None,
                     eigenstrain: SurfaceEigenstrain | None = None, stack_pressure=None,
                     mesh_options: MeshOptions | None = None, crack=None) -> StressIntensity:
    """K_I, K_II and G of the cell's flaw under a crack-face ``pressure`` [Pa] or a ``state``.

    Exactly one of ``pressure`` (float or string with units) and ``state``
    (:class:`FlawState`, converted by :func:`~nakmodel.mechanics.loading.flaw_pressure`)
    must be given.  ``parameters``: a ``Parameters`` (nasicon, alloy, cell
    sections) or ``None`` for the defaults.  All input is validated before
    meshing.  Returns a :class:`StressIntensity` (K_I, K_II [Pa m^0.5], G [J/m²]).

    Optional: ``material`` (a :class:`CeramicMaterial`: E [Pa], ν, K_IC [Pa m^0.5];
    default from ``parameters.nasicon``), ``loading`` (the :class:`FlawLoadingModel` that
    turns a ``state`` into a pressure), ``eigenstrain`` (a
    :class:`~nakmodel.mechanics.loading.SurfaceEigenstrain` ion-exchange layer),
    ``stack_pressure`` [Pa] on the interface (default ``parameters.cell.stack_pressure``),
    ``mesh_options`` (a :class:`MeshOptions`) and ``crack`` (a prebuilt crack mesh to reuse).
    """
    parameters = _parameters(parameters)
    mat = _material(parameters, material)
    g = flaw_geometry(cell, parameters)
    if (pressure is None) == (state is None):
        raise ParameterError(InputProblem("pressure", "give exactly one of pressure and state",
                                          (pressure, state), "pressure in Pa or a FlawState"))
    if state is not None:
        if not isinstance(state, FlawState):
            raise ParameterError(InputProblem("state", "not a FlawState", state, "a FlawState"))
        loading = loading or FlawLoadingModel.from_parameters(parameters)
        p = flaw_pressure(state, g, loading)
    else:
        p = to_si(pressure, "Pa", key="pressure")
        if p < 0:
            raise ParameterError(InputProblem(
                "pressure", "a negative crack-face pressure would close the flaw (crack-face "
                "contact is not modelled)", pressure, "a pressure in [0, inf) Pa"))
    p_stack = _stack_pressure(parameters, stack_pressure)
    options = mesh_options or MeshOptions()
    if options.shape == FlawShape.SEMICIRCULAR and (not g.symmetric or eigenstrain is not None):
        raise ParameterError(InputProblem(
            "mechanics.shape", "the semicircular 3D flaw model takes centred, upright flaws "
            "without eigenstrain", (g.position, g.angle, eigenstrain),
            "position = 0, angle = 0, eigenstrain = None, or shape = 'tunnel'"))
    if eigenstrain is not None:
        # keep the integration rings off the layer boundary, where the Bueckner traction jumps
        gap = abs(g.depth - eigenstrain.depth)
        if gap < 10 * options.tip_fraction * g.depth:
            raise ParameterError(InputProblem(
                "eigenstrain.depth", "the flaw tip lies at the exchange-layer boundary (K is "
                "not defined there)", eigenstrain.depth,
                f"a layer depth differing from the flaw depth by more than "
                f"{10 * options.tip_fraction * g.depth:.3g} m"))
    crack = crack or _build_crack(g, options)
    if eigenstrain is not None:
        crack = dataclasses.replace(crack, max_ring_radius=min(
            crack.min_tip_distance_to_boundary, 0.9 * abs(g.depth - eigenstrain.depth)))
    sol = _solve(crack, g, mat, p, p_stack, eigenstrain, options.degree, options.support)
    rings = default_rings(crack, options.n_rings)
    G_rings = [energy_release_rate(sol, crack, r) for r in rings]
    if g.ring or crack.mesh.geometry.dim == 3:
        # mode I by symmetry: |K_I| = sqrt(E' G), negative when the faces close
        sign = 1.0 if _mean_opening(sol, crack) >= 0 else -1.0
        K_I_rings = [sign * math.sqrt(mat.plane_strain_modulus * max(G, 0.0)) for G in G_rings]
        K_II = 0.0
    else:
        K = [interaction_integrals(sol, crack, r) for r in rings]
        K_I_rings = [k[0] for k in K]
        K_II = 0.0 if crack.symmetric else K[0][1]
    return StressIntensity(K_I=K_I_rings[0], K_II=K_II, G=G_rings[0], pressure=p,
                           fracture_toughness=mat.fracture_toughness, geometry=g,
                           G_rings=G_rings, K_I_rings=K_I_rings, solution=sol, crack=crack,
                           material=mat)


__all__ = ["FlawGeometry", "FlawShape", "MeshOptions", "PelletSupport", "RingDomain",
           "StressIntensity", "flaw_geometry", "stress_intensity"]
