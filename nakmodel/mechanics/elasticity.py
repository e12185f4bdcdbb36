"""Small-strain linear elasticity of the ceramic (plane strain, axisymmetric, 3D).

Equilibrium div(sigma) = 0 with sigma = lambda tr(eps) I + 2 mu eps and
eps = sym(grad u) (e.g. Timoshenko & Goodier, Theory of Elasticity).  In
axisymmetry (x = r, y = z) the hoop strain u_r / r is included and integrals
carry the weight 2 pi r.  Loads are normal pressures on tagged boundaries
(crack faces, stack pressure); supports are zero (or given) displacement
components on tagged boundaries.  2D problems use a direct solve (MUMPS); 3D
uses CG + GAMG with the six rigid-body modes as near-nullspace (falling back
to MUMPS if the iteration fails).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from ..errors import ConvergenceError, InputProblem, ParameterError
from .material import CeramicMaterial

_COUNTER = itertools.count()

GAMG_OPTIONS = {"ksp_type": "cg", "pc_type": "gamg", "ksp_rtol": 1e-10, "ksp_max_it": 1000,
                "pc_gamg_coarse_eq_limit": 1000, "mg_levels_ksp_type": "richardson",
                "mg_levels_pc_type": "sor"}
"""3D default: CG + smoothed-aggregation AMG (rigid-body near-nullspace, SSOR smoothing;
Chebyshev/Jacobi smoothing was found indefinite on strongly graded crack meshes).  On
failure the solve is retried with a MUMPS LU factorisation."""


class Kinematics(StrEnum):
    """Spatial model of the elastic problem."""

    PLANE_STRAIN = "plane_strain"
    AXISYMMETRIC = "axisymmetric"
    THREE_D = "3d"


@dataclass(frozen=True)
class Support:
    """Prescribed displacement ``value`` [m] of component ``component`` on facet ``tag``.

    With ``tag=None`` and ``point`` given, the component is fixed at the mesh
    node at ``point`` (a pin that removes a rigid-body mode).
    """

    tag: int | None
    component: int
    value: float = 0.0
    point: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Pressure:
    """Normal pressure on facet ``tag``: traction t = -p n, p [Pa] > 0 pushes on the body.

    ``value`` is a float or a callable ``f(x) -> ufl expression`` of the
    spatial coordinate (for a position-dependent crack-face pressure).
    """

    tag: int
    value: float | Callable = 0.0


@dataclass
class ElasticSolution:
    """Displacement ``u`` and what is needed to post-process it."""

    u: object
    material: CeramicMaterial
    kinematics: Kinematics
    facet_tags: object
    pressures: tuple[Pressure, ...] = ()
    info: dict = field(default_factory=dict)
    eigenstrain: Callable | None = None

    @property
    def mesh(self):
        return self.u.function_space.mesh

    def grad3(self, v):
        """3x3 displacement gradient of vector field ``v`` (hoop term v_r/r in axisymmetry)."""
        return grad3(v, self.kinematics)

    def strain(self, v=None):
        """3x3 small strain tensor of ``v`` (default the solution)."""
        import ufl

        g = self.grad3(self.u if v is None else v)
        return ufl.sym(g)

    def stress(self, v=None):
        """3x3 Cauchy stress sigma = lambda tr(eps) I + 2 mu eps [Pa] of ``v``; for the
        solution itself (``v`` None) minus the eigenstrain part (3 lambda + 2 mu) e* I."""
        import ufl

        eps = self.strain(v)
        m = self.material
        sigma = m.lame_lambda * ufl.tr(eps) * ufl.Identity(3) + 2.0 * m.shear_modulus * eps
        if v is None and self.eigenstrain is not None:
            x = ufl.SpatialCoordinate(self.mesh)
            bulk3 = 3.0 * m.lame_lambda + 2.0 * m.shear_modulus
            sigma = sigma - bulk3 * self.eigenstrain(x) * ufl.Identity(3)
        return sigma

    def weight(self):
        """Volume weight: 2 pi r in axisymmetry, 1 otherwise (plane strain: per metre)."""
        return volume_weight(self.mesh, self.kinematics)

    def pressure_parts(self, tag: int):
        """(uniform part [Pa] as a float, position-dependent part as UFL or None) on ``tag``."""
        import ufl

        x = ufl.SpatialCoordinate(self.mesh)
        uniform, varying = 0.0, None
        for p in self.pressures:
            if p.tag != tag:
                continue
            if callable(p.value):
                varying = p.value(x) if varying is None else varying + p.value(x)
            else:
                uniform += float(p.value)
        return uniform, varying

    def pressure_on(self, tag: int):
        """The UFL pressure on facet ``tag`` (0 when not loaded)."""
        import ufl

        x = ufl.SpatialCoordinate(self.mesh)
        total = 0.0
        for p in self.pressures:
            if p.tag == tag:
                total = total + (p.value(x) if callable(p.value) else p.value)
        return total


def grad3(v, kinematics: Kinematics):
    """Displacement gradient as a 3x3 UFL tensor for any of the kinematics."""
    import ufl

    g = ufl.grad(v)
    if kinematics == Kinematics.THREE_D:
        return g
    x = ufl.SpatialCoordinate(ufl.domain.extract_unique_domain(v))
    hoop = v[0] / x[0] if kinematics == Kinematics.AXISYMMETRIC else 0.0
    return ufl.as_tensor([[g[0, 0], g[0, 1], 0.0], [g[1, 0], g[1, 1], 0.0], [0.0, 0.0, hoop]])


def volume_weight(mesh, kinematics: Kinematics):
    import ufl

    if kinematics == Kinematics.AXISYMMETRIC:
        return 2.0 * np.pi * ufl.SpatialCoordinate(mesh)[0]
    return 1.0


def _rigid_body_modes(V):
    """Six rigid-body modes of a 3D vector space, orthonormalised (GAMG near-nullspace)."""
    from dolfinx import la
    from petsc4py import PETSc

    index_map, bs = V.dofmap.index_map, V.dofmap.index_map_bs
    n_local = index_map.size_local
    vectors = [la.vector(index_map, bs=bs, dtype=PETSc.ScalarType) for _ in range(6)]
    basis = [v.array for v in vectors]
    dofs = [V.sub(i).dofmap.list.reshape(-1) for i in range(3)]
    for i in range(3):
        basis[i][dofs[i]] = 1.0
    x = V.tabulate_dof_coordinates()
    d0, d1, d2 = dofs
    node_x = x[V.dofmap.list.reshape(-1)]  # coordinates of the node of each dof
    basis[3][d0] = -node_x[:, 1]
    basis[3][d1] = node_x[:, 0]
    basis[4][d0] = node_x[:, 2]
    basis[4][d2] = -node_x[:, 0]
    basis[5][d2] = node_x[:, 1]
    basis[5][d1] = -node_x[:, 2]
    la.orthonormalize(vectors)
    vecs = [PETSc.Vec().createWithArray(b[: bs * n_local], bsize=bs, comm=V.mesh.comm)
            for b in basis]
    return PETSc.NullSpace().create(vectors=vecs)


def solve_elasticity(mesh, facet_tags, material: CeramicMaterial, *,
                     kinematics: Kinematics | str = Kinematics.PLANE_STRAIN,
                     supports: Sequence[Support] = (), pressures: Sequence[Pressure] = (),
                     degree: int = 2, petsc_options: dict | None = None,
                     eigenstrain: Callable | None = None) -> ElasticSolution:
    """Solve the linear elastic problem; returns an :class:`ElasticSolution`.

    ``eigenstrain``: optional isotropic eigenstrain e*(x) (a callable of the
    UFL coordinate), sigma = C : (eps - e* I) (thermal-strain analogue).

    Weak form: int sigma(u) : eps(v) w dx = -sum_k int p_k n . v w ds_k
    (w = 2 pi r in axisymmetry).  Raises ParameterError for inconsistent input
    and ConvergenceError if the linear solve fails.
    """
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem
    from dolfinx.fem.petsc import LinearProblem

    kinematics = Kinematics(kinematics)
    gdim = mesh.geometry.dim
    expected = 3 if kinematics == Kinematics.THREE_D else 2
    if gdim != expected:
        raise ParameterError(InputProblem("mechanics.kinematics",
                                          f"{kinematics} needs a {expected}D "
                                          "mesh", gdim, f"a {expected}D mesh"))
    if not supports:
        raise ParameterError(InputProblem("mechanics.supports", "no support: rigid-body motion is "
                                          "free", None, "at least one Support"))
    if degree not in (1, 2, 3):
        raise ParameterError(InputProblem("mechanics.degree", "unsupported element degree", degree,
                                          "1, 2 or 3"))
    V = fem.functionspace(mesh, ("Lagrange", degree, (gdim,)))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    sol = ElasticSolution(fem.Function(V, name="displacement"), material, kinematics, facet_tags,
                          tuple(pressures), eigenstrain=eigenstrain)
    w = volume_weight(mesh, kinematics)

    def sigma(f):
        eps = ufl.sym(grad3(f, kinematics))
        return material.lame_lambda * ufl.tr(eps) * ufl.Identity(3) + \
            2.0 * material.shear_modulus * eps

    a = ufl.inner(sigma(u), ufl.sym(grad3(v, kinematics))) * w * ufl.dx
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags)
    n = ufl.FacetNormal(mesh)
    L = ufl.inner(fem.Constant(mesh, np.zeros(gdim)), v) * ufl.dx
    if eigenstrain is not None:
        bulk3 = 3.0 * material.lame_lambda + 2.0 * material.shear_modulus
        X = ufl.SpatialCoordinate(mesh)
        L = L + bulk3 * eigenstrain(X) * ufl.tr(ufl.sym(grad3(v, kinematics))) * w * ufl.dx
    for p in pressures:
        x = ufl.SpatialCoordinate(mesh)
        value = p.value(x) if callable(p.value) else p.value
        L = L - value * ufl.dot(n, v) * w * ds(p.tag)
    fdim = mesh.topology.dim - 1
    bcs = []
    for s in supports:
        if s.point is not None:
            sub = V.sub(s.component)
            collapsed, _ = sub.collapse()
            point = np.asarray(s.point, dtype=float)
            tol = 1e-9 * float(np.max(np.abs(mesh.geometry.x))) + 1e-300

            def at_point(x, point=point, tol=tol):
                return np.all([np.abs(x[i] - point[i]) <= tol for i in range(len(point))],
                              axis=0)

            dofs = fem.locate_dofs_geometrical((sub, collapsed), at_point)
            if mesh.comm.allreduce(len(dofs[0])) == 0:
                raise ParameterError(InputProblem("mechanics.supports",
                                                  "no mesh node at the pinned "
                                                  "point", s.point, "the coordinates of a node"))
            zero = fem.Function(collapsed)
            zero.x.array[:] = float(s.value)
            bcs.append(fem.dirichletbc(zero, dofs, sub))
            continue
        facets = facet_tags.find(s.tag)
        dofs = fem.locate_dofs_topological(V.sub(s.component), fdim, facets)
        bcs.append(fem.dirichletbc(float(s.value), dofs, V.sub(s.component)))
    direct = {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}
    attempts = [petsc_options] if petsc_options is not None else (
        [GAMG_OPTIONS, direct] if kinematics == Kinematics.THREE_D else [direct])
    reasons = []
    for options in attempts:
        prefix = f"nakmodel_mechanics_{next(_COUNTER)}_"
        problem = LinearProblem(a, L, bcs=bcs, u=sol.u, petsc_options=options,
                                petsc_options_prefix=prefix)
        if kinematics == Kinematics.THREE_D:
            problem.A.setNearNullSpace(_rigid_body_modes(V))
        problem.solve()
        reason = problem.solver.getConvergedReason()
        reasons.append(reason)
        if reason > 0:
            sol.info.update(ksp_iterations=problem.solver.getIterationNumber(),
                            dofs=V.dofmap.index_map.size_global * gdim,
                            solver=options.get("pc_type"), failed_attempts=len(reasons) - 1)
            return sol
    raise ConvergenceError(f"elasticity linear solve failed (KSP reasons {reasons})",
                           state={"prefix": prefix})
