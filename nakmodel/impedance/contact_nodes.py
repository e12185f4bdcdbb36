"""Small-signal contact nodes of a homogenised interface with a sub-grid constriction.

With the sub-grid constriction r (:mod:`nakmodel.model.constriction`) the active area of a
homogenised interface node is reached through r: metal V → double layer and kinetics of the
active area (fraction θ) → ceramic at the contacts φ_c → constriction r → homogenised ceramic
φ.  The blocked part of the interface (capacitance C_b' = C − C_a) lies directly between
V and φ, the active double layer C_a = C_dl θ between V and φ_c (Fleig & Maier, Solid State
Ionics 86-88 (1996) 1351: at high frequency the current crosses the blocked area
capacitively, at low frequency it funnels into the contacts).  The time stepper eliminates
φ_c exactly per backward-Euler step (:mod:`nakmodel.model.contact_stepping`, the same
circuit), its steady forms are the quasi-static ones, so the linearisation adds φ_c per
interface node, exactly:

    resistor current   δi_r = (δφ_c − δφ)/r                       (φ rows, current row)
    contact node       δi_r = G(δV − δφ_c) + H δc + iω C_a (δV − δφ_c)
    Na removal         [G(δV − δφ_c) + H δc]/F                    (alloy rows)

with G = g/(1 − r g) and H = h(1 + rG), g = ∂i/∂V and h = ∂i/∂c the model's own
(quasi-static) nodal derivatives: eliminating δφ_c at ω = 0 returns g(δV − δφ) + h δc,
the model's linearisation, so DC values are unchanged.  The
interface terms of the model use a nodal rule, so each node is independent.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..constants import FARADAY
from ..model.constriction import MIN_SHARE  # nodes kept quasi-static


def _nodal(problem, expr):
    """∫ expr v_φ w dS_nodal per interface node, indexed by the problem's φ DOFs."""
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem

    v = ufl.TestFunction(problem.space)
    w = problem.weight
    wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
    vec = fem.assemble_vector(fem.form(expr * v[1]("+") * wp * problem.dS_contact_nodal)).array
    return vec[problem.phi_dofs]


def augment(problem, J, M):
    """(J, M, n_nodes, masses): the bordered [c, φ, V] linearisation with the contact-node
    unknowns δφ_c inserted before V (module docstring); (J, M, 0, {}) without a sub-grid
    constriction.  ``masses``: ``"interface"`` (C_a on the contact nodes) and
    ``"constriction"`` (C_b' between V and φ) energy forms on the augmented unknowns,
    replacing the WE interface part for these nodes."""
    import dolfinx_solver  # noqa: F401

    import ufl

    from ..model import constriction

    values = problem.values
    if values.get("patch_size", 0.0) == 0.0 and values.get("r_spots", 0.0) == 0.0:
        return J, M, 0, {}
    k = problem.constants
    c, phi = problem.u[0], problem.u[1]
    Vv = ufl.variable(problem.voltage)
    cv = ufl.variable(c("+"))
    i_v, parts = problem.interface_current(c("+"), phi("+"), Vv)
    i_c, _ = problem.interface_current(cv, phi("+"), problem.voltage)
    area = _nodal(problem, 1.0 + 0.0 * c("+"))
    nodes = np.flatnonzero(area > 0)
    if nodes.size == 0:
        return J, M, 0, {}
    area = area[nodes]
    gA = _nodal(problem, ufl.diff(i_v, Vv))[nodes]
    hA = _nodal(problem, ufl.diff(i_c, cv))[nodes]
    rA = _nodal(problem, constriction.series_resistance(problem, parts["f_area"]))[nodes]
    caA = _nodal(problem, problem.working.double_layer_capacitance * parts["f_area"]
                 + 0.0 * c("+"))[nodes]
    ctA = _nodal(problem, k["cdl_we"] + 0.0 * c("+"))[nodes]
    g, h, r = gA / area, hA / area, rA / area
    keep = r * g > MIN_SHARE
    if not keep.any():
        return J, M, 0, {}
    nodes, area, g, h, r = nodes[keep], area[keep], g[keep], h[keep], r[keep]
    caA = np.minimum(caA[keep], ctA[keep])
    cbA = ctA[keep] - caA
    gA, hA = g * area, h * area
    G = g / (1.0 - r * g)
    H = h * (1.0 + r * G)
    # the blocked area of the resolved pattern is charged to more than (ρ + r) j: its
    # capacitance gets the factor F of the stored energy (constriction module)
    theta = _nodal(problem, parts["f_area"] + 0.0 * c("+"))[nodes] / area  # nodes: kept
    factor = constriction.blocked_capacitance_factor(theta, 1.0 / G, r,
                                                     problem.working.patch_shape)
    extra = (factor - 1.0) * cbA
    cbA = factor * cbA
    n = J.shape[0]
    nc = problem.n_c
    # active indices of each node's φ and c unknowns
    phi_idx = nc + nodes
    c_of_block = {int(b): i for i, b in enumerate(problem.c_dofs // 2)}
    blocks = (problem.phi_dofs[nodes] - 1) // 2
    c_idx = np.array([c_of_block.get(int(b), -1) for b in blocks])
    m = nodes.size
    e_idx = n - 1 + np.arange(m)  # new unknowns, V moves to n - 1 + m
    N = n + m
    Vn = N - 1

    rows, cols, vals = [], [], []

    def add(rr, cc, vv):
        rr, cc = np.broadcast_arrays(np.asarray(rr), np.asarray(cc))
        ok = (rr >= 0) & (cc >= 0)
        vv = np.broadcast_to(vv, rr.shape)
        rows.append(rr[ok]), cols.append(cc[ok]), vals.append(vv[ok])

    has_c = c_idx >= 0
    cI = np.where(has_c, c_idx, -1)
    Vi = np.full(m, Vn)
    # remove the model's quasi-static faradaic coupling
    add(cI, cI, -hA / FARADAY), add(cI, phi_idx, gA / FARADAY)
    add(cI, Vi, -gA / FARADAY)
    add(phi_idx, cI, hA), add(phi_idx, phi_idx, -gA), add(phi_idx, Vi, gA)
    add(Vi, cI, -hA), add(Vi, phi_idx, gA), add(Vi, Vi, -gA)
    # resistor and contact node
    a = area
    add(cI, cI, H * a / FARADAY), add(cI, e_idx, -G * a / FARADAY), add(cI, Vi, G * a / FARADAY)
    add(phi_idx, e_idx, -a / r), add(phi_idx, phi_idx, a / r)
    add(Vi, e_idx, a / r), add(Vi, phi_idx, -a / r)
    add(e_idx, e_idx, a * (1.0 / r + G)), add(e_idx, phi_idx, -a / r), add(e_idx, Vi, -G * a)
    add(e_idx, cI, -H * a)
    dJ = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(N, N))
    # mass: the active double layer C_a moves from (V − φ) to (V − φ_c)
    rows, cols, vals = [], [], []
    add(phi_idx, phi_idx, -caA), add(phi_idx, Vi, caA), add(Vi, phi_idx, caA)
    add(Vi, Vi, -caA)
    add(e_idx, e_idx, caA), add(e_idx, Vi, -caA)  # (the V row counts it in the resistor)
    add(phi_idx, phi_idx, extra), add(phi_idx, Vi, -extra), add(Vi, phi_idx, -extra)
    add(Vi, Vi, extra)
    dM = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(N, N))
    J_new = insert_before_last(J, m) + dJ
    M_new = insert_before_last(M, m) + dM
    # energy forms of the moved capacitances: C_a on (V − φ_c), the C_a removed from (V − φ)
    rows, cols, vals = [], [], []
    add(e_idx, e_idx, caA), add(e_idx, Vi, -caA), add(Vi, e_idx, -caA), add(Vi, Vi, caA)
    active = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(N, N))
    rows, cols, vals = [], [], []
    add(phi_idx, phi_idx, caA), add(phi_idx, Vi, -caA), add(Vi, phi_idx, -caA)
    add(Vi, Vi, caA)
    removed = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(N, N))
    rows, cols, vals = [], [], []
    add(phi_idx, phi_idx, cbA), add(phi_idx, Vi, -cbA), add(Vi, phi_idx, -cbA)
    add(Vi, Vi, cbA)
    blocked = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(N, N))
    return J_new.tocsr(), M_new.tocsr(), m, {"active": active, "removed": removed,
                                             "blocked": blocked}


def insert_before_last(A, m: int) -> sp.csr_matrix:
    """Insert m zero rows/columns before the last (V) index of a bordered matrix."""
    A = sp.csr_matrix(A)
    n = A.shape[0]
    P = sp.lil_matrix((n + m, n))
    P[np.arange(n - 1), np.arange(n - 1)] = 1.0
    P[n + m - 1, n - 1] = 1.0
    P = P.tocsr()
    return (P @ A @ P.T).tocsr()
