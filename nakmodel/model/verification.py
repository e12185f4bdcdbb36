"""Manufactured-solution verification of the coupled model (used by tests and validation).

Exact fields c (alloy), phi (NASICON) and V are inserted into the model's own nonlinear
residual; the sources that make them exact are added through ``extra_residual``: volume
sources -div(w D grad c), -div(w sigma grad phi), the exact boundary fluxes, and the
interface terms (the model's Butler-Volmer current at the exact fields, with the model's
own nodal quadrature).  A Robin term on the current collector fixes the level of c.
:func:`convergence_study` solves on a sequence of meshes and returns relative L2/H1 errors
and the cell-voltage error, :func:`observed_order` fits the order.
"""

from __future__ import annotations

import math

import dolfinx_solver  # noqa: F401

import numpy as np
import ufl
from dolfinx import fem

from .meshes import box_cell, interval_cell, rectangle_cell
from .problem import CoupledProblem, CurrentControl, VoltageControl

L_N, L_A, RADIUS = 5e-4, 2e-4, 1e-3
T = 298.15
FARADAY = 96485.33212
V_EXACT = 0.05


def _exact(problem, X):
    """Manufactured c, phi: smooth, zero normal derivative on the mantle (r = b / box sides)."""
    dim = problem.mesh.geometry.dim
    z = X[dim - 1]
    lateral = 1.0
    if dim >= 2:
        lateral = 1.0 + 0.1 * ufl.cos(math.pi * X[0] / RADIUS)
    if dim == 3:
        lateral = lateral * (1.0 + 0.1 * ufl.cos(math.pi * X[1] / RADIUS))
    c0 = problem.concentration(0.5)
    zeta = (z - L_N) / L_A
    c_ex = c0 * (1.0 + 0.1 * ufl.sin(math.pi * (zeta + 0.3)) * lateral)
    s = z / L_N
    phi_ex = 5e-3 * (1.0 + s + 0.5 * ufl.sin(math.pi * s / 2.0)) * lateral
    return c_ex, phi_ex


def _extra(coupled: bool, robin: float = 1e-6):
    def extra(p, v):
        msh = p.mesh
        X = ufl.SpatialCoordinate(msh)
        dim = msh.geometry.dim
        n = ufl.FacetNormal(msh)
        ez = ufl.unit_vector(dim - 1, dim) if dim > 1 else ufl.as_vector([1.0])
        w = p.weight
        wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
        c_ex, phi_ex = _exact(p, X)
        vc, vp = v[0], v[1]
        D = p.diffusivity(c_ex)
        sigma = p._constants["sigma"]
        top, ce = p.ds(p.cell_mesh.tags["current_collector"]), p.ds_ce
        # volume sources: -div(w D grad c) = w f
        F = (ufl.div(w * D * ufl.grad(c_ex)) * vc * p.dx_alloy
             + ufl.div(w * sigma * ufl.grad(phi_ex)) * vp * p.dx_nasicon)
        # boundary fluxes of the exact fields (alloy top; NASICON bottom)
        F -= w * D * ufl.inner(ufl.grad(c_ex), n) * vc * top
        F -= w * sigma * ufl.inner(ufl.grad(phi_ex), n) * vp * ce
        i_ce, _ = p.counter_current(phi_ex)
        F += w * i_ce * vp * ce
        if coupled:
            i_ex, _ = p.interface_current(c_ex("+"), phi_ex("+"), V_EXACT)
        else:
            i_ex = 0.0
        # interface: alloy outward normal -e_z, NASICON outward normal +e_z
        F += wp * (D * ufl.inner(ufl.grad(c_ex), ez))("+") * vc("+") * p.dS_contact
        F -= wp * (sigma * ufl.inner(ufl.grad(phi_ex), ez))("+") * vp("+") * p.dS_contact
        # the model integrates the faradaic terms nodally (lumped): same rule here
        F += wp * (-i_ex / FARADAY * vc("+") + i_ex * vp("+")) * p.dS_contact_nodal
        # Robin term on the top fixes the level of c (otherwise set only by the weak
        # c-dependence of U and i0, or not at all under galvanostatic control)
        F += w * robin * (p.u[0] - c_ex) * vc * top
        return F
    return extra


def _errors(p):
    X = ufl.SpatialCoordinate(p.mesh)
    c_ex, phi_ex = _exact(p, X)
    c, phi = p.u[0], p.u[1]
    md = {"quadrature_degree": 6}
    dxa = p.dx_alloy(metadata=md)
    dxn = p.dx_nasicon(metadata=md)

    def norm(expr, dx):
        return math.sqrt(p.mesh.comm.allreduce(fem.assemble_scalar(fem.form(expr * dx))))

    return {
        "c_L2": norm((c - c_ex) ** 2, dxa) / norm(c_ex**2, dxa),
        "c_H1": norm(ufl.inner(ufl.grad(c - c_ex), ufl.grad(c - c_ex)), dxa)
        / norm(ufl.inner(ufl.grad(c_ex), ufl.grad(c_ex)), dxa),
        "phi_L2": norm((phi - phi_ex) ** 2, dxn) / norm(phi_ex**2, dxn),
        "phi_H1": norm(ufl.inner(ufl.grad(phi - phi_ex), ufl.grad(phi - phi_ex)), dxn)
        / norm(ufl.inner(ufl.grad(phi_ex), ufl.grad(phi_ex)), dxn),
    }


def observed_order(h, e):
    """Least-squares slope of log(error) vs log(h)."""
    return float(np.polyfit(np.log(h), np.log(e), 1)[0])


def _exact_current(p):
    X = ufl.SpatialCoordinate(p.mesh)
    c_ex, phi_ex = _exact(p, X)
    i_ex, _ = p.interface_current(c_ex("+"), phi_ex("+"), V_EXACT)
    w = p.weight
    wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
    total = p.mesh.comm.allreduce(fem.assemble_scalar(fem.form(i_ex * wp
                                                               * p.dS_contact_nodal)))
    return total / p.area_nominal


def _study(make_mesh, ns, coupled):
    """Solve on each mesh (galvanostatic when coupled, V is then an unknown)."""
    hs, errs = [], []
    for n in ns:
        cm = make_mesh(n)
        p = CoupledProblem(cm, temperature=T, x_initial=0.5, extra_residual=_extra(coupled),
                           include_interface=coupled)
        control = CurrentControl(_exact_current(p)) if coupled else VoltageControl(V_EXACT)
        rep = p.solve(control, dt=None)
        assert rep.converged, rep.reason
        e = _errors(p)
        e["V"] = abs(float(p.voltage.value) - V_EXACT) / V_EXACT
        hs.append(1.0 / n)
        errs.append(e)
    return np.array(hs), {k: np.array([e[k] for e in errs]) for k in errs[0]}



MESHES = {
    "1d": (lambda n: interval_cell(L_N, L_A, n, n), (8, 16, 32, 64)),
    "axisymmetric": (lambda n: rectangle_cell(RADIUS, L_N, L_A, n, n, n), (8, 16, 32)),
    "3d": (lambda n: box_cell(RADIUS, L_N, L_A, n, n, n), (4, 8, 12)),
}


def convergence_study(geometry: str = "1d", coupled: bool = True, levels=None):
    """Errors on a mesh sequence: returns (h, {"c_L2", "c_H1", "phi_L2", "phi_H1", "V"}).

    ``coupled=True``: galvanostatic Butler-Volmer coupling across the interface (V unknown);
    ``False``: the nonlinear diffusion and conduction problems alone (V fixed)."""
    make, default = MESHES[geometry]
    return _study(make, levels or default, coupled)
