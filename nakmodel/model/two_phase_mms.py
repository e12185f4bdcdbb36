"""Manufactured-solution verification of the two-phase (mixture) transport operator.

The operator of one backward-Euler step of the alloy equation,

    kappa (c - c_old) - div(D_eff(c) C^-1(c) grad c) = 0,

(:meth:`CoupledProblem.transport_tensor`: mixture diffusivity of
:mod:`nakmodel.model.two_phase`, kinematic tensor normal to the interface) is solved with
c_old = c_ex and the source s = -div(D_eff(c_ex) C^-1(c_ex) grad c_ex) plus the exact
boundary fluxes, so c_ex is the exact solution.  The manufactured composition runs from the
K-side two-phase field (x = 0.10, where D_eff = 0: the liquid composition is pinned) through
the K-rich liquidus (0.147 at 25 degC) into the liquid (x = 0.20), with a lateral cosine in
2D (planar).  The lever-rule blend is widened (``phase_smoothing``) so that the band where
D_eff switches is resolved by the finer meshes: the operator is the model's own, only its
numerical blend width differs.  P1: observed L2 order 2, H1 order 1.
"""

from __future__ import annotations

import math

import dolfinx_solver  # noqa: F401

import numpy as np
import ufl
from dolfinx import fem

from .materials import AlloyProperties
from .meshes import interval_cell, rectangle_cell
from .problem import CoupledProblem, VoltageControl
from .verification import observed_order

L_N, L_A, WIDTH = 1e-4, 2e-4, 4e-4
T = 298.15
SMOOTHING = 0.1
KAPPA = 100 * 2e-9 / L_A**2  # 1/s: one backward-Euler step of dt = 0.2 s


#: manufactured composition ranges: the liquid (nonlinear Darken D~), the K(ss) solid
#: solution (D_s) and across the K-rich liquidus (liquid | pinned two-phase field)
RANGES = {"liquid": (0.20, 0.35), "k_solid_solution": (0.004, 0.02), "liquidus": (0.05, 0.35)}


def _x_exact(X, dim, x_range):
    lo, hi = x_range
    zeta = (X[dim - 1] - L_N) / L_A
    lateral = 0.1 * (hi - lo) * ufl.cos(math.pi * X[0] / WIDTH) if dim == 2 else 0.0
    return lo + (hi - lo) * (zeta + 0.1 * ufl.sin(math.pi * zeta)) + lateral * zeta


def _c_exact(p, X, x_range):
    x = _x_exact(X, p.mesh.geometry.dim, x_range)
    return p.constants["K"] * x / (1.0 - x)


def _extra(kappa, x_range):
    def extra(p, v):
        msh = p.mesh
        X = ufl.SpatialCoordinate(msh)
        dim = msh.geometry.dim
        n = ufl.FacetNormal(msh)
        ez = ufl.unit_vector(dim - 1, dim) if dim > 1 else ufl.as_vector([1.0])
        c_ex = _c_exact(p, X, x_range)
        vc = v[0]
        flux = p.transport_tensor(c_ex) * ufl.grad(c_ex)
        top = p.ds(p.cell_mesh.tags["current_collector"])
        # lumped like the model's own mass (vertex rule): an M-matrix where D_eff = 0
        F = kappa * (p.u[0] - c_ex) * vc * p.dx_alloy_mass
        F += ufl.div(flux) * vc * p.dx_alloy
        F -= ufl.inner(flux, n) * vc * top
        # interface: alloy outward normal -e_z
        F += ufl.inner(flux, ez)("+") * vc("+") * p.dS_contact
        return F
    return extra


def _mesh(dim, n):
    if dim == 1:
        return interval_cell(L_N, L_A, 2, n)
    return rectangle_cell(WIDTH, L_N, L_A, max(n // 4, 2), 2, n, axisymmetric=False)


def solve(dim: int, n: int, smoothing: float = SMOOTHING, parameters=None,
          regime: str = "liquid"):
    """One manufactured problem on n alloy cells across the layer, composition range
    ``RANGES[regime]``: (h, L2, H1) relative errors of the liquid content c(x_liq) (of c
    itself where there is no liquid) and the problem."""
    x_range = RANGES[regime]
    from ..parameters import load_parameters

    params = parameters or load_parameters()
    alloy = AlloyProperties.from_parameters(params)
    import dataclasses

    alloy = dataclasses.replace(alloy, phase_smoothing=smoothing)
    kappa = KAPPA
    p = CoupledProblem(_mesh(dim, n), temperature=T, alloy=alloy, parameters=params,
                       x_initial=0.15, x_reference=0.15, include_interface=False,
                       quadrature_degree=8,
                       extra_residual=_extra(kappa, x_range))
    X = ufl.SpatialCoordinate(p.mesh)
    c_ex = _c_exact(p, X, x_range)
    V0 = p.space.sub(0).collapse()[0]
    start = fem.Function(V0)
    start.interpolate(fem.Expression(c_ex, V0.element.interpolation_points))
    dofs = np.asarray(p.space.sub(0).collapse()[1]).ravel()
    p.u.x.array[dofs] = start.x.array
    p.u.x.array[p.phi_dofs] = 0.0
    p.u.x.scatter_forward()
    rep = p.solve(VoltageControl(0.0), dt=None)
    if not rep.converged:
        raise RuntimeError(f"two-phase MMS did not converge: {rep.reason}")
    md = {"quadrature_degree": 8}
    dxa = p.dx_alloy(metadata=md)

    def norm(e):
        return math.sqrt(fem.assemble_scalar(fem.form(e * dxa)))

    # the flux depends on c only through the liquid (and solid) phase compositions: the
    # errors are measured on the liquid content c(x_liq) (the "temperature" of the
    # enthalpy-method analogy; in the mush c itself is only held by the storage term)
    def liquid_content(c):
        if regime == "k_solid_solution":
            return c
        x_l = p.phases.liquid_composition(p.x_of(c))
        return p.constants["K"] * x_l / (1.0 - x_l)

    e = liquid_content(p.u[0]) - liquid_content(c_ex)
    ref = liquid_content(c_ex)
    l2 = norm(e**2) / norm(ref**2)
    h1 = norm(ufl.inner(ufl.grad(e), ufl.grad(e))) / norm(ufl.inner(ufl.grad(ref),
                                                                   ufl.grad(ref)))
    return L_A / n, l2, h1, p


def convergence(dim: int = 1, levels=(16, 32, 64, 128), smoothing: float = SMOOTHING,
                regime: str = "liquid"):
    """(h, L2, H1, orders) over the levels; orders = (L2 order, H1 order) fitted."""
    hs, l2s, h1s = [], [], []
    for n in levels:
        h, l2, h1, _ = solve(dim, n, smoothing, regime=regime)
        hs.append(h)
        l2s.append(l2)
        h1s.append(h1)
    hs, l2s, h1s = map(np.array, (hs, l2s, h1s))
    return hs, l2s, h1s, (observed_order(hs, l2s), observed_order(hs, h1s))
