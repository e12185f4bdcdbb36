"""Grain boundaries of the NASICON ceramic: a brick-layer effective medium.

In a brick-layer ceramic (cubic grains of size d separated by boundary layers of thickness
δ << d) the current crosses grains and boundaries in series.  Per unit length the medium
is a bulk element (σ_b, ε_b = ε0 εr) in series with a boundary element (σ_gb, ε_gb) with the
*effective* values σ_gb = 1/(1/σ_total − 1/σ_b) and ε_gb = C_gb L/A (the boundary capacitance
per cell constant, ε0 εr,gb d/δ); a pellet of thickness L and area A between two ideal
electrodes has

    Z = R_b/(1 + iωR_bC_b) + R_gb/(1 + iωR_gbC_gb),  R_b = L/(σ_b A), C_b = ε_b A/L,
                                                      R_gb = L/(σ_gb A), C_gb = ε_gb A/L

(Fleig & Maier, J. Eur. Ceram. Soc. 19 (1999) 693, for the validity of the brick layer
[M]; Irvine, Sinclair & West, Adv. Mater. 2 (1990) 132 for the capacitance ranges [M]).

In the FE model the medium is homogeneous, so the current density j is a gradient field and
the series split holds pointwise: j = −(σ_b + ε_b ∂t)∇φ_b = −(σ_gb + ε_gb ∂t)∇φ_gb with
φ = φ_b + φ_gb.  The grain-boundary potential φ_gb is a second P1 field on the ceramic
(one DOF pinned: φ_gb is defined up to a constant); the weak form of
∇·j = 0 and j_b = j_gb reads, with the stiffness K = ∫∇u·∇v w dx,

    φ rows:    (σ_b + iωε_b) K (φ − φ_gb) + [interface, counter electrode] = 0
    φ_gb rows: (σ_b + iωε_b) K (φ − φ_gb) − (σ_gb + iωε_gb) K φ_gb = 0,

so at DC the φ_gb rows give φ_gb = σ_b/(σ_b + σ_gb) φ and the φ rows conduct with the total
σ_t = σ_bσ_gb/(σ_b + σ_gb), exactly the model's own conduction.  The time stepper eliminates
φ_gb per backward-Euler step exactly (:mod:`nakmodel.model.grain_boundary_stepping`: a
dt-dependent conduction plus a history field; σ_t at DC); the small-signal linearisation
(:func:`nakmodel.impedance.model.linearise`) carries the φ_gb unknowns, inserted after the
NASICON unknowns and before V.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .grain_boundary_stepping import brick_layer_conductivities
from .thermo_ufl import EPSILON_0


def brick_layer_impedance(frequencies, thickness: float, area: float, bulk_conductivity: float,
                          grain_boundary_conductivity: float, bulk_permittivity: float,
                          grain_boundary_permittivity: float) -> np.ndarray:
    """Analytic brick-layer impedance [Ω] of a ceramic slab between ideal electrodes
    (module docstring): two parallel-RC elements in series."""
    omega = 2 * np.pi * np.asarray(frequencies, dtype=float)
    L, A = thickness, area
    r_b, c_b = L / (bulk_conductivity * A), bulk_permittivity * A / L
    r_gb, c_gb = L / (grain_boundary_conductivity * A), grain_boundary_permittivity * A / L
    return r_b / (1 + 1j * omega * r_b * c_b) + r_gb / (1 + 1j * omega * r_gb * c_gb)


def _nasicon_stiffness(problem) -> sp.csr_matrix:
    """K = ∫ ∇u·∇v w dx over NASICON on the problem's NASICON unknowns (n_phi × n_phi)."""
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem

    du = ufl.TrialFunction(problem.space)
    v = ufl.TestFunction(problem.space)
    form = fem.form(ufl.inner(ufl.grad(du[1]), ufl.grad(v[1])) * problem.weight
                    * problem.dx_nasicon)
    A = fem.assemble_matrix(form).to_scipy().tocsr()
    p = problem.phi_dofs
    return A[p][:, p].tocsr()


def _embedded(block, offset: int, size: int) -> sp.csr_matrix:
    """The square ``block`` placed at (offset, offset) of a size × size sparse matrix (COO
    shift: item assignment into a LIL matrix took ~60 ms per call on the reference cell)."""
    b = sp.coo_matrix(block)
    return sp.csr_matrix((b.data, (b.row + offset, b.col + offset)), shape=(size, size))


def augment(problem, J, M, bulk_permittivity: float):
    """(J, M, n_gb, masses) of the linearisation with the grain-boundary unknowns, or
    (J, M, 0, {}) when the ceramic has no grain boundaries.

    J, M: bordered matrices on [c, φ, V] (the model's); the model's conduction σ_t K and its
    geometric capacitance ε_b K (already at ``bulk_permittivity`` [F/m]) on the φ block are
    replaced by the brick-layer pair (module docstring).  ``masses``: region energy parts on
    the augmented unknowns: ``"ceramic"`` ε_b (φ − φ_gb)ᵀK(φ − φ_gb) and ``"grain boundary"``
    ε_gb φ_gbᵀKφ_gb."""
    nas = problem.nasicon
    if not getattr(nas, "has_grain_boundaries", False):
        return J, M, 0, {}
    s_b, s_gb = brick_layer_conductivities(problem)  # (with the 1D spot factor of σ)
    s_t = 1.0 / (1.0 / s_b + 1.0 / s_gb)
    e_b, e_gb = float(bulk_permittivity), float(nas.grain_boundary_permittivity)
    K = _nasicon_stiffness(problem)
    n = J.shape[0]
    nc, nphi = problem.n_c, problem.n_phi
    # pin φ_gb at the NASICON DOF with the largest diagonal entry... any one DOF will do;
    # the first counter-electrode-most one is not needed: K 1 = 0 makes the choice free
    keep = np.arange(1, nphi)
    Kk = K[keep]  # rows of the φ_gb equations (all but the pinned DOF)
    Kkk = Kk[:, keep]
    Kpk = K[:, keep]  # φ rows, φ_gb columns
    n_gb = keep.size

    def place(block_pp, block_pg, block_gp, block_gg, base):
        """Assemble base (n × n) + the φ-block changes into the augmented (n + n_gb)² matrix."""
        base = sp.csr_matrix(base)
        top = base[: n - 1]
        A11 = top[:, : n - 1] + _embedded(block_pp, nc, n - 1)
        A13 = top[:, n - 1:]
        A31, A33 = base[n - 1:, : n - 1], base[n - 1:, n - 1:]
        A12 = sp.vstack([sp.csr_matrix((nc, n_gb)), block_pg,
                         sp.csr_matrix((n - 1 - nc - nphi, n_gb))]).tocsr()
        A21 = sp.hstack([sp.csr_matrix((n_gb, nc)), block_gp,
                         sp.csr_matrix((n_gb, n - 1 - nc - nphi))]).tocsr()
        return sp.bmat([[A11.tocsr(), A12, A13], [A21, block_gg, None],
                        [A31, None, A33]], format="csr")

    J_aug = place((s_b - s_t) * K, -s_b * Kpk, -s_b * Kk, (s_b + s_gb) * Kkk, J)
    M_aug = place(0.0 * K, -e_b * Kpk, -e_b * Kk, (e_b + e_gb) * Kkk, M)
    zero = sp.csr_matrix((n, n))
    ceramic = place(e_b * K, -e_b * Kpk, -e_b * Kk, e_b * Kkk, zero)
    boundary = place(0.0 * K, sp.csr_matrix((nphi, n_gb)), sp.csr_matrix((n_gb, nphi)),
                     e_gb * Kkk, zero)
    return J_aug, M_aug, n_gb, {"ceramic": ceramic, "grain boundary": boundary}


def bulk_permittivity(relative_permittivity: float) -> float:
    """ε_b = ε0 εr [F/m]."""
    return EPSILON_0 * float(relative_permittivity)
