"""Matrices of the linearised FE model beyond the model's own J and M.

The capacitance parts of M (geometric, counter electrode, non-contacting area), the model's
numbers and constitutive coefficients at the interface, and the bordering helpers used by
:func:`nakmodel.impedance.model.linearise`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

EPSILON_0 = 8.8541878128e-12  # F/m, vacuum permittivity (CODATA 2018)


def _blocks_on_facets(problem, names) -> np.ndarray:
    from dolfinx import fem

    tdim = problem.mesh.topology.dim
    facets = []
    for name in names:
        if problem.has_facets(name):
            facets.append(problem.cell_mesh.facet_tags.find(problem.tag(name)))
    if not facets:
        return np.zeros(0, dtype=np.int64)
    return np.unique(fem.locate_dofs_topological(problem.space, tdim - 1,
                                                 np.concatenate(facets)))


def _numbers(problem) -> dict:
    """The model's numbers as floats (``CoupledProblem.values``; its forms hold Constants)."""
    return problem.values


def ocv_of_content(problem, c) -> np.ndarray:
    """U(x_liq(c)) [V] exactly as the model evaluates it (numpy)."""
    from ..model import thermo_ufl as tu

    k = _numbers(problem)
    x = problem.x_of(np.asarray(c, dtype=float))
    xl = tu.liquid_composition(x, k["xlk"], k["xln"], k["smooth"])
    return tu.ocv_vs_na(xl, k["T"], k["L0"], k["L1"], problem.alloy.na_melting_point,
                        problem.alloy.na_enthalpy_of_fusion, k["L2"])


def chemical_stiffness(problem, c) -> np.ndarray:
    """|dU/dc| [V m^3/mol] of the alloy at content c (central difference); used to weigh the
    alloy's stored energy (chemical capacitance) in the mode attribution."""
    c = np.asarray(c, dtype=float)
    h = 1e-6 * problem.c_max
    return np.abs(ocv_of_content(problem, c + h) - ocv_of_content(problem, c - h)) / (2 * h)


def interface_coefficients(problem) -> dict:
    """The model's own small-signal coefficients at the wetted interface, evaluated from its
    UFL constitutive expressions (mean over the contact facets, unweighted):

    * ``conductance``: ∂i_F/∂V [S/m^2] (faradaic, at the state: 1/R_ct per area),
    * ``dU_dc``: ∂U/∂c [V m^3/mol] of the interface composition,
    * ``diffusivity``: D(c)/J^2 [m^2/s] of the alloy at the interface.

    Used to build analytic references from the model's parameters without mirroring its
    formulas (which may evolve)."""
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem

    c, phi = problem.u[0], problem.u[1]
    ds = problem.dS_contact
    size = fem.assemble_scalar(fem.form(fem.Constant(problem.mesh, 1.0) * ds))
    V = ufl.variable(problem.voltage)
    i_we, _ = problem.interface_current(c("+"), phi("+"), V)
    cv = ufl.variable(c("+"))
    _, parts = problem.interface_current(cv, phi("+"), problem.voltage)

    def mean(expr):
        return float(problem.mesh.comm.allreduce(fem.assemble_scalar(fem.form(expr * ds)))
                     / problem.mesh.comm.allreduce(size))

    return {"conductance": mean(ufl.diff(i_we, V)), "dU_dc": mean(ufl.diff(parts["ocv"], cv)),
            "diffusivity": mean(problem.diffusivity(c("+")))}


def geometric_capacitance_matrix(problem, relative_permittivity: float) -> sp.csr_matrix:
    """∫ ε0 εr ∇δφ·∇v_φ w dx over NASICON, on the problem's active DOFs (not bordered).

    The model's own M already holds this term at ``problem.nasicon.relative_permittivity``;
    this matrix is used for εr overrides (the difference) and the region attribution."""
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem

    eps = EPSILON_0 * float(relative_permittivity)
    du = ufl.TrialFunction(problem.space)
    v = ufl.TestFunction(problem.space)
    w = problem.weight
    form = fem.form(eps * ufl.inner(ufl.grad(du[1]), ufl.grad(v[1])) * w * problem.dx_nasicon)
    A = fem.assemble_matrix(form).to_scipy().tocsr()
    a = problem.active
    return A[a][:, a]


def counter_capacitance_matrix(problem) -> sp.csr_matrix:
    """∫ C_dl,CE δφ v_φ w ds_CE on the active DOFs (the CE double layer part of M)."""
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem

    cdl = problem.counter.double_layer_capacitance
    n = problem.active.size
    if cdl == 0:
        return sp.csr_matrix((n, n))
    du = ufl.TrialFunction(problem.space)
    v = ufl.TestFunction(problem.space)
    form = fem.form(cdl * du[1] * v[1] * problem.weight * problem.ds_ce)
    A = fem.assemble_matrix(form).to_scipy().tocsr()
    a = problem.active
    return A[a][:, a]


def _border(A: sp.spmatrix) -> sp.csr_matrix:
    """Pad an (n x n) matrix on the active DOFs to the bordered (n+1 x n+1) size."""
    n = A.shape[0]
    return sp.bmat([[A, sp.csr_matrix((n, 1))], [sp.csr_matrix((1, n)), None]],
                   format="csr") if n else sp.csr_matrix((1, 1))


def _model_permittivity(problem) -> float:
    """εr the model's M was built with (0 for a model without geometric capacitance)."""
    return float(getattr(problem.nasicon, "relative_permittivity", 0.0))


def _geometric_unit(problem) -> sp.csr_matrix:
    """Bordered ∫ ε0 ∇δφ·∇v_φ w dx (εr = 1) on the active DOFs."""
    return _border(geometric_capacitance_matrix(problem, 1.0))


def _storage_mass(problem, unit=None) -> sp.csr_matrix:
    """The model's M without its geometric capacitance (alloy storage, double layers, extra
    mass); entries that cancel to round-off are dropped.  ``unit``: :func:`_geometric_unit`
    if already assembled."""
    M = problem.mass_matrix()
    eps_model = _model_permittivity(problem)
    if eps_model == 0:
        return M
    Mg = eps_model * (_geometric_unit(problem) if unit is None else unit)
    rest = (M - Mg).tocsr()
    keep = abs(rest) > 1e-9 * abs(Mg)
    return rest.multiply(keep).tocsr()


def _pad_vector(x: np.ndarray, n_gb: int) -> np.ndarray:
    return np.concatenate([x[:-1], np.zeros(n_gb), x[-1:]])


def _split_interface(problem, Mwe: sp.spmatrix, blocked) -> dict:
    """The WE interface storage split into the contact double layer ("interface") and the
    capacitance of resolved non-contacting area ("constriction": its charge reaches the
    contacts only through the constriction field in the ceramic)."""
    if blocked.size == 0:
        return {"interface": Mwe.tocsr()}
    Mb = _blocked_capacitance_matrix(problem)
    return {"interface": (Mwe - Mb).tocsr(), "constriction": Mb}


def _blocked_capacitance_matrix(problem) -> sp.csr_matrix:
    """Bordered ∫ C_b (δV − δφ)(v_V − v_φ) w dS over the non-contacting facets."""
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem

    from ..model import constriction

    du = ufl.TrialFunction(problem.space)
    v = ufl.TestFunction(problem.space)
    one = fem.Constant(problem.mesh, 1.0)
    blocked = constriction.blocked_charge(problem, one, 0.0 * problem.u[1], problem.weight
                                          if not isinstance(problem.weight, ufl.core.expr.Expr)
                                          else problem.weight("+"))
    q, measure = blocked  # q = C_b w (V = 1, φ = 0)
    a = problem.active
    A = fem.assemble_matrix(fem.form(q * du[1]("+") * v[1]("+") * measure)).to_scipy().tocsr()
    vec = fem.assemble_vector(fem.form(q * v[1]("+") * measure)).array
    total = float(fem.assemble_scalar(fem.form(q * measure)))
    col = -vec[a][:, None]
    return sp.bmat([[A[a][:, a], sp.csr_matrix(col)],
                    [sp.csr_matrix(col.T), sp.csr_matrix([[total]])]],
                   format="csr")
