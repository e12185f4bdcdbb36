"""The model's exact relaxation spectrum: its modes (τ_k, R_k) and where each one lives.

For the linearised model ``(iωM + J) δX = b δI`` with real poles (an RC-type system, which
the coupled diffusion/conduction/double-layer model is at equilibrium)::

    Z(ω) = Z_∞ + Σ_k R_k / (1 + iωτ_k),   J v_k = λ_k M v_k,   τ_k = 1/λ_k,
    R_k = (c·v_k)(w_k^H b) / (λ_k w_k^H M v_k)

with right/left eigenvectors v_k, w_k (docs/theory/impedance.md, the exact relaxation
spectrum).  Its DRT is a sum of lines; Σ_k R_k = Z(0) − Z_∞.

Three routes:

* **dense** (scipy): every mode, after eliminating the unknowns without capacitance by a
  Schur complement (:meth:`LinearizedSystem.reduce`); for systems up to a few thousand
  unknowns;
* **krylov** (default for large systems): the modes that carry the impedance, selected by
  their residues — a rational-Krylov (multi-point Padé) reduction with real shifts
  log-spaced over the relaxation band, its Ritz values and residues
  (:func:`krylov_modes`); the dominant poles of Rommes & Martins (IEEE Trans. Power Syst. 21
  (2006) 1218 [M]) are exactly the modes of large |R_k| that it converges first;
* **slepc**: the first ``n_modes`` slowest modes by shift-and-invert Krylov–Schur
  (two-sided, for the left eigenvectors) around σ = 0 with a MUMPS LU of J.  The slowest
  modes are not the ones that carry Z (alloy diffusion modes of tiny R come first), so this
  route is incomplete for a cell; kept for the diffusion modes themselves.

Every route checks completeness: Σ R_k against the span Re Z(ω → 0) − Re Z(∞) (the
series capacitance of the galvanostatic inventory mode apart); a shortfall > 1 % raises an
:class:`IncompleteSpectrumWarning`.  The returned spectrum iterates as (τ, R, region) rows.

Each mode is attributed to the region holding most of its stored energy
``v^H M_region v`` (M split by :func:`~nakmodel.impedance.model.linearise` into the alloy's
chemical capacitance, the WE double layer ("interface"), the capacitance of non-contacting
area, charged through the constriction field ("constriction"), the ceramic's geometric
capacitance, the grain-boundary capacitance of a brick-layer ceramic ("grain boundary")
and the CE double layer).  With a sub-grid constriction the blocked part of a homogenised
interface is a capacitance between the metal and the ceramic and the active double layer sits
behind the constriction (:mod:`nakmodel.impedance.contact_nodes`), so its constriction mode
is attributed the same way.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import ConvergenceError, InputProblem, ParameterError
from .linear import RelaxationSpectrum
from .model import REGIONS, ModelLinearisation

DENSE_LIMIT = 1200  # dynamic unknowns; above, the default route is SLEPc (dense eig with
# left+right vectors measured at ~16 s for 1023 unknowns on the loaded 2-core machine)
REGION_COLOURS = {"alloy bulk": "tab:blue", "interface": "tab:red", "ceramic": "tab:green",
                  "counter electrode": "tab:purple", "grain boundary": "tab:olive",
                  "constriction": "tab:orange"}
#: Σ R_k may miss the span by this fraction before a warning
COMPLETENESS_TOLERANCE = 0.01


class IncompleteSpectrumWarning(UserWarning):
    """The modes returned do not carry the whole span Re Z(0) − Re Z(∞)."""


@dataclass
class ModelRelaxationSpectrum(RelaxationSpectrum):
    """Modes plus the series capacitance [F] of the galvanostatic *inventory mode*.

    Under current control the alloy's Na inventory changes as d/dt ∫c dV = −I/F exactly
    (the sum of the alloy rows of the model minus the current row / F vanishes: a left null
    vector of J), so λ = 0 is an eigenvalue: a pure series capacitor C = 1/r_0, the low-
    frequency limit of the reflective finite-length Warburg (Z → R_d/3 + 1/(iωC)).  It is
    kept out of (τ_k, R_k); Σ R_k = Re Z(ω → 0) − Z_∞.
    """

    series_capacitance: float = float("inf")
    span: float = float("nan")  # Re Z(ω → 0) − Re Z(∞) of the model [Ω] (capacitor apart)

    @property
    def completeness(self) -> float:
        """Σ R_k / span (1 for a complete spectrum)."""
        return float(np.sum(self.R) / self.span) if self.span else float("nan")

    def impedance(self, frequencies) -> np.ndarray:
        Z = super().impedance(frequencies)
        if np.isfinite(self.series_capacitance):
            omega = 2 * np.pi * np.asarray(frequencies, dtype=float)
            Z = Z + 1.0 / (1j * omega * self.series_capacitance)
        return Z


def _split_inventory(lam, W, lin: ModelLinearisation, rows=None):
    """Index of the inventory (λ = 0) mode among the eigenpairs, or None: the eigenvector
    whose left vector is parallel to w0 and whose λ is the smallest."""
    if lam.size == 0 or lin.n_c == 0:
        return None
    w0 = lin.inventory_left_vector()
    if rows is not None:
        w0 = w0[rows]
    cos = np.abs(W.conj().T @ w0) / (np.linalg.norm(W, axis=0) * np.linalg.norm(w0) + 1e-300)
    k = int(np.argmin(np.abs(lam)))
    return k if cos[k] > 0.99 else None


def _cluster_residues(lam, V, W, M, b, c, rtol: float = 1e-7):
    """Residues r_k of Z = Σ r_k/(λ_k + iω), robust to repeated eigenvalues.

    For a cluster of (numerically) equal λ the left/right eigenvectors are not paired, so
    the block formula r = (c^T V_g)(W_g^H M V_g)^{-1}(W_g^H b) is used and the cluster
    becomes one mode.  Returns (λ, r, representative column index) per cluster."""
    order = np.argsort(lam.real)
    groups, current = [], [order[0]]
    for i in order[1:]:
        ref = lam[current[0]]
        if abs(lam[i] - ref) <= rtol * max(abs(ref), 1e-300):
            current.append(i)
        else:
            groups.append(current)
            current = [i]
    groups.append(current)
    lam_out, r_out, rep = [], [], []
    for g in groups:
        Vg, Wg = V[:, g], W[:, g]
        G = Wg.conj().T @ (M @ Vg)
        rg = (c @ Vg) @ np.linalg.solve(G, Wg.conj().T @ b)
        lam_out.append(np.mean(lam[g]))
        r_out.append(rg)
        # representative: the combination that carries the response
        rep.append(g)
    return np.array(lam_out), np.array(r_out), rep


def _energies(lin: ModelLinearisation, V: np.ndarray) -> np.ndarray:
    """(n_modes, n_regions) energy fractions of full-length eigenvectors (columns of V)."""
    E = np.zeros((V.shape[1], len(REGIONS)))
    for j, name in enumerate(REGIONS):
        Mk = lin.region_mass.get(name)
        if Mk is None or Mk.nnz == 0:
            continue
        E[:, j] = np.abs(np.einsum("ik,ik->k", V.conj(), Mk @ V))
    E /= np.maximum(E.sum(axis=1, keepdims=True), 1e-300)
    return E


def _attach_regions(spectrum: RelaxationSpectrum, weights: np.ndarray) -> RelaxationSpectrum:
    spectrum.region_weights = weights
    spectrum.region_names = list(REGIONS)
    spectrum.region = [REGIONS[j] for j in np.argmax(weights, axis=1)]
    return spectrum


def _check_real(tau: np.ndarray):
    if tau.size and np.max(np.abs(tau.imag)) > 1e-8 * np.max(np.abs(tau.real)):
        raise ParameterError(InputProblem("state",
                                          "complex relaxation times: the linearised model is "
                                          "not of RC type here", None, "real poles"))


def dense_modes(lin: ModelLinearisation) -> RelaxationSpectrum:
    """All modes by scipy's dense generalized eigensolver (with left eigenvectors)."""
    system = lin.system
    K, Md, bd, cd, Z_inf = system.reduce()
    # diagonal scaling (units differ between contents and potentials by many decades)
    s = 1.0 / np.sqrt(np.maximum(np.abs(np.diag(Md)), 1e-300))
    lam, W, V = sla.eig(s[:, None] * K * s[None, :], s[:, None] * Md * s[None, :],
                        left=True, right=True)
    V = s[:, None] * V  # right vectors of (K, Md)
    W = s[:, None] * W  # left vectors: (S w')^H K = λ (S w')^H Md
    if np.any(~np.isfinite(lam)):
        raise ParameterError(InputProblem("state",
                                          "the capacitance matrix is singular on the dynamic "
                                          "unknowns", None,
                                          "every dynamic unknown has capacitance"))
    dyn, alg = system._partition()
    k0 = _split_inventory(lam, W, lin, dyn)
    capacitance = float("inf")
    if k0 is not None:
        r0 = (cd @ V[:, k0]) * (W[:, k0].conj() @ bd) / (W[:, k0].conj() @ Md @ V[:, k0])
        capacitance = float(1.0 / r0.real)
        keep = np.arange(lam.size) != k0
        lam, V, W = lam[keep], V[:, keep], W[:, keep]
    lam, r, groups = _cluster_residues(lam, V, W, Md, bd, cd)
    # one vector per (merged) mode for the region attribution: the cluster's response part
    V = np.column_stack([V[:, g] @ np.linalg.lstsq(V[:, g], V[:, g] @ (W[:, g].conj().T @ bd),
                                                    rcond=None)[0] if len(g) > 1 else V[:, g[0]]
                         for g in groups])
    tau = 1.0 / lam
    _check_real(tau)
    R = (r / lam).real
    # full eigenvectors: algebraic unknowns follow the dynamic ones, x_a = -Jaa^-1 Jad v
    full = np.zeros((system.size, V.shape[1]), dtype=complex)
    full[dyn] = V
    if alg.size:
        J = system.J.tocsr()
        lu = spla.splu(J[alg][:, alg].tocsc().astype(complex))
        full[alg] = -lu.solve(np.asarray(J[alg][:, dyn] @ V))
    spectrum = ModelRelaxationSpectrum(tau.real, R, Z_inf, series_capacitance=capacitance)
    return _attach_regions(spectrum, _energies(lin, full))


def _z_inf_sparse(system) -> complex:
    """Z_∞ = d + c_a^T J_aa^{-1} b_a (algebraic unknowns only, sparse)."""
    _, alg = system._partition()
    if alg.size == 0 or not (np.any(system.c[alg]) and np.any(system.b[alg])):
        return complex(system.d)
    J = system.J.tocsr()
    x = spla.spsolve(J[alg][:, alg].tocsc(), system.b[alg])
    return complex(system.d + system.c[alg] @ x)


def _petsc(A: sp.spmatrix):
    from petsc4py import PETSc

    A = sp.csr_matrix(A)
    A.sort_indices()
    M = PETSc.Mat().createAIJ(size=A.shape, csr=(A.indptr.astype(PETSc.IntType),
                                                 A.indices.astype(PETSc.IntType),
                                                 A.data), comm=PETSc.COMM_SELF)
    M.assemble()
    return M


def slepc_modes(lin: ModelLinearisation, n_modes: int = 50, tol: float = 1e-10,
                target: float = -1e-6) -> RelaxationSpectrum:
    """The ``n_modes`` eigenvalues λ nearest ``target`` (slowest modes) by SLEPc
    shift-and-invert two-sided Krylov–Schur; MUMPS LU of (J − σM).  The default target is
    slightly negative because J is singular under current control (inventory mode)."""
    import dolfinx_solver  # noqa: F401  (PETSc set-up)

    from petsc4py import PETSc
    from slepc4py import SLEPc

    system = lin.system
    A, B = _petsc(system.J), _petsc(system.M)
    eps = SLEPc.EPS().create(comm=PETSc.COMM_SELF)
    eps.setOperators(A, B)
    eps.setProblemType(SLEPc.EPS.ProblemType.GNHEP)
    eps.setType(SLEPc.EPS.Type.KRYLOVSCHUR)
    eps.setTwoSided(True)
    eps.setDimensions(nev=int(n_modes) + 1)
    eps.setTolerances(tol=tol, max_it=1000)
    eps.setTarget(target)
    eps.setWhichEigenpairs(SLEPc.EPS.Which.TARGET_MAGNITUDE)
    st = eps.getST()
    st.setType(SLEPc.ST.Type.SINVERT)
    st.setShift(target)
    ksp = st.getKSP()
    ksp.setType("preonly")
    pc = ksp.getPC()
    pc.setType("lu")
    pc.setFactorSolverType("mumps")
    eps.solve()
    nconv = eps.getConverged()
    if nconv == 0:
        raise ConvergenceError("SLEPc found no eigenpair of the linearised model")
    n = system.size
    vr, vi = A.createVecs()
    wr, wi = A.createVecs()
    lam = np.empty(nconv, dtype=complex)
    V = np.empty((n, nconv), dtype=complex)
    W = np.empty((n, nconv), dtype=complex)
    for k in range(nconv):
        lam[k] = eps.getEigenpair(k, vr, vi)
        V[:, k] = vr.getArray() + 1j * vi.getArray()
        eps.getLeftEigenvector(k, wr, wi)
        W[:, k] = wr.getArray() + 1j * wi.getArray()
    for obj in (eps, A, B):
        obj.destroy()
    MV = system.M @ V
    norms = np.einsum("ik,ik->k", W.conj(), MV)
    r = (system.c @ V) * (W.conj().T @ system.b) / norms
    k0 = _split_inventory(lam, W, lin)
    capacitance = float("inf")
    if k0 is not None:
        capacitance = float(1.0 / r[k0].real)
        keep = np.arange(lam.size) != k0
        lam, V, r = lam[keep], V[:, keep], r[keep]
    order = np.argsort(np.abs(lam))[: n_modes]
    lam, V, r = lam[order], V[:, order], r[order]
    tau = 1.0 / lam
    _check_real(tau)
    spectrum = ModelRelaxationSpectrum(tau.real, (r / lam).real, _z_inf_sparse(system),
                                       series_capacitance=capacitance)
    return _attach_regions(spectrum, _energies(lin, V))


#: relaxation band of the Krylov route [Hz] and its shifts: the fastest process of a cell
#: (bulk ceramic, ε0 εr/σ ~ ns) and the slowest (alloy diffusion, L²/D up to hours)
KRYLOV_BAND = (1e-5, 1e9)
KRYLOV_SHIFTS_PER_DECADE = 0.5
KRYLOV_MOMENTS = 8


def krylov_modes(lin: ModelLinearisation, *, band=KRYLOV_BAND,
                 shifts_per_decade: float = KRYLOV_SHIFTS_PER_DECADE,
                 moments: int = KRYLOV_MOMENTS, drop: float = 1e-10) -> ModelRelaxationSpectrum:
    """The modes that carry Z, by rational Krylov (multi-point Padé) reduction.

    Real shifts σ_j = 2π f_j log-spaced over ``band``; at each a real sparse LU of
    (J + σ_j M) and ``moments`` vectors x_0 = (J + σ_j M)^{-1} b, x_{m+1} = (J + σ_j M)^{-1}
    M x_m, so the Galerkin-projected model (QᵀJQ, QᵀMQ, Qᵀb, Qᵀc; Q orthonormal) matches
    ``moments`` moments of Z(s) at every shift (Grimme 1997 [M]).  Its poles (Ritz values
    λ_k of the small pencil) and residues r_k = (c_r·v_k)(w_kᴴ b_r)/(w_kᴴ M_r v_k) give
    τ_k = 1/λ_k, R_k = r_k/λ_k; the reduced pencil's inventory eigenvalue λ ≈ 0 is the
    series capacitance, its infinite eigenvalues belong to Z(∞) (computed exactly, sparse).
    Poles converge first where residues are large (the dominant poles), so the modes kept —
    |R_k| > ``drop`` Σ|R| — are those that carry the impedance; the span check of
    :func:`relaxation_spectrum` verifies that they carry all of it."""
    from .solvers import rational_krylov_basis

    system = lin.system
    J, M = system.J.tocsc(), system.M.tocsc()
    # galvanostatic inventory mode (λ = 0, exactly known): deflated before the reduction,
    # Z = 1/(sC) + c^T (J + sM)^{-1} Π b with Π b = b − M v0 (w0^T b)/(w0^T M v0)
    v0, capacitance = lin.inventory_mode()
    b = system.b.copy()
    if v0 is not None:
        w0 = lin.inventory_left_vector()
        w0M = M.T @ w0
        norm0 = float(w0M @ v0)
        b = b - (M @ v0) * (w0 @ b) / norm0

        def deflate(x):
            return x - v0 * (w0M @ x) / norm0
    else:
        deflate = None
    Q = rational_krylov_basis(J, M, b, band, shifts_per_decade, moments, deflate)
    Jr, Mr = Q.T @ (J @ Q), Q.T @ (M @ Q)
    br, cr = Q.T @ b, Q.T @ system.c
    lam, W, V = sla.eig(Jr, Mr, left=True, right=True)
    finite = np.isfinite(lam) & (np.abs(lam) < 1e300)
    lam, W, V = lam[finite], W[:, finite], V[:, finite]
    norms = np.einsum("ik,ik->k", W.conj(), Mr @ V)
    r = (cr @ V) * (W.conj().T @ br) / norms
    capacitance = float(capacitance)
    R = r / lam
    tau = 1.0 / lam
    # complex Ritz pairs (unconverged) are folded onto the real axis: a conjugate pair's
    # residues sum to a real number, and their |Im τ| is reported by the completeness check
    R, tau = R.real, tau.real
    keep = (np.abs(R) > drop * max(np.sum(np.abs(R)), 1e-300)) & (tau > 0)
    R, tau, V = R[keep], tau[keep], V[:, keep]
    spectrum = ModelRelaxationSpectrum(tau, R, _z_inf_sparse(system),
                                       series_capacitance=capacitance)
    return _attach_regions(spectrum, _energies(lin, Q @ V))


def modes_of(lin: ModelLinearisation, n_modes: int | None = None,
             method: str = "auto") -> RelaxationSpectrum:
    """Relaxation spectrum of a linearisation: ``method`` "dense", "krylov", "slepc" or
    "auto" (dense up to :data:`DENSE_LIMIT` unknowns, else krylov, the modes that carry Z;
    ``n_modes`` then keeps the largest |R_k|).  "slepc" gives the slowest ``n_modes`` (50 if
    not given).  The spectrum's ``span`` is set and checked (module docstring)."""
    if method not in ("auto", "dense", "slepc", "krylov"):
        raise ParameterError(InputProblem("method", "unknown eigensolver route", method,
                                          "'auto', 'dense', 'krylov' or 'slepc'"))
    if n_modes is not None and not (isinstance(n_modes, int) and n_modes >= 1):
        raise ParameterError(InputProblem("n_modes", "must be a positive integer", n_modes,
                                          "integer >= 1 or None (all modes, dense)"))
    if method == "auto":
        n_dynamic = lin.system._partition()[0].size
        method = "dense" if n_dynamic <= DENSE_LIMIT else "krylov"
    if method == "slepc":
        spectrum = slepc_modes(lin, n_modes or 50)
    else:
        spectrum = dense_modes(lin) if method == "dense" else krylov_modes(lin)
        if n_modes is not None:  # the n_modes that carry most of Z (largest |R_k|)
            order = np.argsort(np.abs(spectrum.R))[::-1][:n_modes]
            order = order[np.argsort(spectrum.tau[order])[::-1]]
            spectrum = ModelRelaxationSpectrum(
                spectrum.tau[order], spectrum.R[order], spectrum.Z_inf,
                [spectrum.region[i] for i in order], spectrum.region_weights[order],
                spectrum.region_names, spectrum.series_capacitance)
    return check_complete(lin, spectrum)


def model_span(lin: ModelLinearisation, Z_inf: complex) -> float:
    """Re Z(ω → 0) − Re Z(∞) [Ω] (the constant of the Laurent series at 0 under current
    control, i.e. without the series capacitor)."""
    return float(lin.dc_resistance() - np.real(Z_inf))


def check_complete(lin: ModelLinearisation, spectrum: ModelRelaxationSpectrum,
                   tolerance: float = COMPLETENESS_TOLERANCE) -> ModelRelaxationSpectrum:
    """Set ``spectrum.span`` and warn (:class:`IncompleteSpectrumWarning`) when
    |Σ R_k − span| > ``tolerance`` · span."""
    spectrum.span = model_span(lin, spectrum.Z_inf)
    total = float(np.sum(spectrum.R))
    if abs(total - spectrum.span) > tolerance * abs(spectrum.span):
        warnings.warn(f"relaxation spectrum incomplete: the {len(spectrum)} modes carry "
                      f"sum R_k = {total:.6g} ohm of the span Re Z(0) - Re Z(inf) = "
                      f"{spectrum.span:.6g} ohm ({100 * total / spectrum.span:.2f} %)",
                      IncompleteSpectrumWarning, stacklevel=3)
    return spectrum


def relaxation_spectrum(model_or_cell, parameters=None, state=None, *, n_modes: int | None = None,
                        method: str = "auto", area_specific: bool = False,
                        relative_permittivity: float | None = None) -> ModelRelaxationSpectrum:
    """The model's exact DRT: modes (τ_k [s], R_k [Ω or Ω m²], region) at a state.

    Same inputs as :func:`nakmodel.impedance.impedance` (``model_or_cell``: a ``Cell``, a
    cell mesh, a ``Simulation`` or a ``CoupledProblem``; ``parameters``; ``state``;
    ``area_specific``: R_k in Ω m² instead of Ω; ``relative_permittivity`` of NASICON [-]);
    ``method``: the eigensolver, ``"auto"``, ``"dense"``, ``"krylov"`` or ``"slepc"``;
    ``n_modes`` = None gives every mode for small systems (dense, up to :data:`DENSE_LIMIT`
    unknowns) and the modes that carry Z for large ones (rational Krylov,
    :func:`krylov_modes`); an integer keeps the ``n_modes`` of largest |R_k|.  Σ R_k is
    checked against the span Re Z(0) − Re Z(∞) (an :class:`IncompleteSpectrumWarning`
    beyond 1 %); the series capacitance of the galvanostatic inventory mode is
    ``.series_capacitance``.  Iterating gives (τ, R, region) rows.  ``.table()`` lists
    (tau, R, region) rows, ``.impedance(f)`` rebuilds Z, :func:`plot_modes` draws them.
    """
    from .model import _apply_state, _parameters_of, _permittivity, build_problem, linearise

    problem = _apply_state(build_problem(model_or_cell, parameters), state)
    if relative_permittivity is None:
        relative_permittivity = _permittivity(_parameters_of(model_or_cell, parameters))
    lin = linearise(problem, relative_permittivity=relative_permittivity)
    spectrum = modes_of(lin, n_modes, method)
    if area_specific:
        spectrum.R = spectrum.R * lin.area
        spectrum.Z_inf = spectrum.Z_inf * lin.area
        spectrum.span = spectrum.span * lin.area
        spectrum.series_capacitance = spectrum.series_capacitance / lin.area
    return spectrum


def plot_modes(ax, spectrum: RelaxationSpectrum, drt=None, *, fraction: float = 1e-4,
               scale: str = "resistance", legend: bool = True):
    """Draw each mode as a vertical line at τ_k (height R_k, coloured by region) over a DRT.

    ``drt``: an optional :class:`nakmodel.drt.DRT` drawn first (γ(τ) on a twin axis, since
    γ is a density per ln τ while R_k are resistances).  Modes carrying less than ``fraction``
    of Σ|R| are omitted.  ``ax``: a matplotlib axes; ``spectrum``: a relaxation spectrum
    (:func:`relaxation_spectrum`); ``scale``: ``"resistance"`` (line heights R_k [Ω or
    Ω m²]) or ``"fraction"`` (R_k / Σ|R| [-]); ``legend``: draw the region legend.
    Returns ``ax``.
    """
    if scale not in ("resistance", "fraction"):
        raise ParameterError(InputProblem("scale", "unknown scale", scale,
                                          "'resistance' or 'fraction'"))
    keep = spectrum.significant(fraction)
    height = keep.R if scale == "resistance" else keep.R / max(np.sum(np.abs(spectrum.R)), 1e-300)
    regions = keep.region or ["mode"] * len(keep)
    for name in dict.fromkeys(regions):
        sel = np.array([r == name for r in regions])
        ax.vlines(keep.tau[sel], 0, height[sel], color=REGION_COLOURS.get(name, "k"), lw=1.5,
                  label=name)
    ax.set_xscale("log")
    ax.set_xlabel("τ / s")
    ax.set_ylabel("R_k / Ω" if scale == "resistance" else "R_k / ΣR")
    if drt is not None:
        twin = ax.twinx()
        drt.plot(twin, band=False, color="0.4", lw=1.0, label="DRT")
        twin.set_ylabel("γ / Ω")
    if legend:
        ax.legend(loc="upper left", fontsize="small")
    return ax
