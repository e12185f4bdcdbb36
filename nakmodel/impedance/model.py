"""Small-signal impedance of the coupled FE model (alloy | NASICON | counter electrode).

The model is ``M dX/dt + R(X) = b I`` on the bordered unknowns ``X = [c, phi, V]``
(:class:`nakmodel.model.problem.CoupledProblem`; last row: the current constraint
``int i_WE dA = I``).  Linearised at a state X0 (pristine equilibrium or a state under DC
current, "operando GEIS")::

    (iωM + J) δX = b δI,   δV = e_V·δX,   Z(ω) = δV/δI          (galvanostatic, GEIS)
    δI/δV from the same rows with δV prescribed, Z = 1/Y         (potentiostatic, PEIS)

J and M are assembled once; each frequency costs one sparse complex LU (SuperLU).

Everything (bulk and constriction resistance, Butler–Volmer charge transfer on the active
area, both double layers, diffusion in the alloy, lever-rule blocking, and the **geometric
capacitance** of the ceramic, ``∫ ε0 εr ∇φ̇·∇v_φ w dx`` with εr =
``nasicon.relative_permittivity``) is the model's own linearisation, so the spectrum is
exactly the small-signal response of the model that the time stepper integrates
(:mod:`nakmodel.impedance.timedomain` checks it).  The displacement current enters through
the wetted interface (fed by the WE current) and leaves through the counter electrode; the
WE metal over blocked (non-wetted) area is not a capacitor plate here [I].

``relative_permittivity=`` overrides (:func:`linearize`, :func:`impedance`) evaluate the
spectrum of the same model with another εr: M is linear in εr, so the difference
(εr − εr,model) ∫ ε0 ∇φ̇·∇v_φ w dx is added to the model's M — identical to rebuilding the
model with that εr, without re-meshing or re-assembly.

Analytic limit used for verification [I] — a uniform film (thickness L, content c0 per
reference volume, effective diffusivity D = D~/J² of the model) on a uniform interface.
Linearising ∂c/∂t = ∇·(D∇c) about c0 gives iω δc = D δc'' with −D ∂δc/∂n = δi/F at the
interface (stripping removes Na) and zero flux at the collector, so the interface content
changes by δc_s = −(δi/F)(L/D) coth√(iωτ)/√(iωτ), τ = L²/D.  The WE potential follows the
equilibrium potential, δU = (dU/dc) δc_s (dU/dc < 0), hence the reflective finite-length
Warburg in series with R_ct (both in parallel with C_dl), per unit area:

    Z_W = R_d coth√(iωτ)/√(iωτ),   R_d = |dU/dc| L/(F D),   τ = L²/D

(i0's dependence on the activity does not enter at equilibrium, where the faradaic current
is zero).  At low frequency Z_W → R_d/3 + 1/(iωC), C = F L/|dU/dc|: the chemical
capacitance of the film — the λ = 0 "inventory" eigenvalue of the galvanostatic model
(:meth:`ModelLinearization.inventory_mode`).  With the ceramic (R_b = L_n/σ ∥ C_g =
ε0εr/L_n) and the counter electrode (R_ct,CE ∥ C_dl,CE) in series this is the 1D
reference of ``tests/test_impedance_model.py`` (agreement ~1e-5 relative, 1 mHz–10 MHz).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..constants import FARADAY, GAS_CONSTANT
from ..errors import ParameterError, Problem
from ..model import ceramic
from . import contact_nodes
from .linear import LinearizedSystem, check_frequencies

EPSILON_0 = 8.8541878128e-12  # F/m, vacuum permittivity (CODATA 2018)
REGIONS = ("alloy bulk", "interface", "ceramic", "counter electrode", "grain boundary",
           "constriction")


class Excitation(StrEnum):
    """How the cell is excited: current (GEIS) or voltage (PEIS)."""

    GALVANOSTATIC = "galvanostatic"
    POTENTIOSTATIC = "potentiostatic"

    @classmethod
    def parse(cls, value) -> Excitation:
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ParameterError(Problem("mode", "unknown excitation mode", value,
                                         "'galvanostatic' or 'potentiostatic'")) from None


@dataclass
class ModelLinearization:
    """The linearised model at one state: ``system`` (J, M, b, c) plus what is needed to
    attribute modes to regions and to report area-specific values.

    ``region_mass`` maps each region to the part of M (bordered, same shape) that stores
    energy there; the alloy part is scaled by the chemical capacitance F |dU/dc| so that
    all parts are energies (δX^H M_k δX in J per V² of excitation, up to a constant).
    """

    system: LinearizedSystem
    area: float  # nominal WE area [m^2] (1 m^2 in a per-area 1D mesh)
    region_mass: dict = field(default_factory=dict)
    n_c: int = 0
    n_phi: int = 0
    relative_permittivity: float = 0.0
    current_density: float = 0.0  # DC current density of the state [A/m^2]
    problem: object = None  # the CoupledProblem linearised (for mode attribution)
    contact_nodes: np.ndarray | None = None  # indices of the sub-grid contact-node unknowns

    def impedance(self, frequencies, mode=Excitation.GALVANOSTATIC,
                  method: str = "direct") -> np.ndarray:
        """Z(f) [Ω] at the given frequencies (GEIS or PEIS, identical in exact arithmetic).

        ``method``: "direct" (one LU per frequency), "krylov" (GEIS only: model order
        reduction with a few real LUs, :func:`krylov_impedance`) or "auto" (krylov for
        galvanostatic sweeps of >= 20 frequencies, else direct)."""
        mode = Excitation.parse(mode)
        f = check_frequencies(frequencies)
        if method not in ("direct", "krylov", "auto"):
            raise ParameterError(Problem("method", "unknown solution method", method,
                                         "'direct', 'krylov' or 'auto'"))
        if method == "auto":
            method = "krylov" if (mode is Excitation.GALVANOSTATIC and f.size >= 20) \
                else "direct"
        if method == "krylov":
            if mode is not Excitation.GALVANOSTATIC:
                raise ParameterError(Problem("method", "'krylov' is for galvanostatic mode",
                                             method, "method='direct' for potentiostatic"))
            return krylov_impedance(self.system, f)
        if mode is Excitation.GALVANOSTATIC:
            return galvanostatic_impedance(self.system, f)
        return potentiostatic_impedance(self.system, f)

    def inventory_left_vector(self) -> np.ndarray:
        """w0 = [1 on the alloy rows, 0 on NASICON, −1/F on the current row].

        Summing the alloy equations (test function 1) gives d/dt ∫c + ∫ i/F dA = 0 and the
        current row is ∫ i dA − I, so w0^T J = 0 exactly: under current control the
        linearised model has the eigenvalue λ = 0 (the Na inventory: a series capacitor)."""
        w0 = np.zeros(self.system.size)
        w0[: self.n_c] = 1.0
        w0[-1] = -1.0 / FARADAY
        if self.contact_nodes is not None:  # their rows close the Na balance (contact_nodes)
            w0[self.contact_nodes] = 1.0 / FARADAY
        return w0

    def _bordered(self, column, row):
        J = self.system.J
        A = sp.bmat([[J, sp.csr_matrix(np.asarray(column).reshape(-1, 1))],
                     [sp.csr_matrix(np.asarray(row).reshape(1, -1)), None]], format="csc")
        return spla.splu(A)

    def inventory_mode(self):
        """(v0, C): right null vector of J (w0^T M v0 = 1) and the series capacitance [F]
        C = (w0^T M v0) / ((c·v0)(w0^T b)); (None, inf) without an alloy."""
        if self.n_c == 0:
            return None, math.inf
        cached = self.__dict__.get("_inventory")
        if cached is not None:
            return cached
        w0 = self.inventory_left_vector()
        Mw = self.system.M.T @ w0
        rhs = np.zeros(self.system.size + 1)
        rhs[-1] = 1.0
        v0 = self._bordered(w0, Mw).solve(rhs)[:-1]
        r0 = (self.system.c @ v0) * (w0 @ self.system.b) / (w0 @ (self.system.M @ v0))
        self._inventory = (v0, (1.0 / r0 if r0 != 0 else math.inf))
        return self._inventory

    def dc_resistance(self) -> float:
        """Z(0) [Ω], or under current control (singular J) the constant term of the Laurent
        series Z = 1/(iωC) + Z_R(0) + O(ω): c·x with J x + M v0 μ = b, w0^T M x = 0."""
        v0, _ = self.inventory_mode()
        if v0 is None:
            return self.system.dc_resistance()
        w0 = self.inventory_left_vector()
        rhs = np.concatenate([self.system.b, [0.0]])
        x = self._bordered(self.system.M @ v0, self.system.M.T @ w0).solve(rhs)[:-1]
        return float(self.system.c @ x + self.system.d)


def _lu(A):
    """Sparse LU with an A^T+A minimum-degree ordering (the bordered pattern is structurally
    symmetric; ~25 % less fill than COLAMD here), else SuperLU's default."""
    try:
        return spla.splu(A, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.01,
                         options={"SymmetricMode": True})
    except RuntimeError:
        return spla.splu(A)


def galvanostatic_impedance(system: LinearizedSystem, frequencies) -> np.ndarray:
    """GEIS: Z(ω) = c^T (iωM + J)^{-1} b + d, one sparse complex LU per frequency.

    J and M are assembled once.  Measured (reference cell, 2517 unknowns): ~13-20 ms per
    frequency, all of it in the LU.  Reusing a factorisation at neighbouring frequencies as
    a GMRES preconditioner was 2-3× *slower* in scipy (iteration overhead), and MUMPS on
    the real 2n form was no faster than SuperLU, so a fresh LU per frequency is kept."""
    f = check_frequencies(frequencies)
    J = system.J.astype(complex).tocsc()
    M = system.M.astype(complex).tocsc()
    b = system.b.astype(complex)
    Z = np.empty(f.size, dtype=complex)
    for k, fk in enumerate(f):
        Z[k] = system.c @ _lu((J + 2j * np.pi * fk * M).tocsc()).solve(b) + system.d
    return Z


def krylov_impedance(system: LinearizedSystem, frequencies, *, moments: int = 6,
                     shifts_per_decade: float = 1.0) -> np.ndarray:
    """GEIS by rational-Krylov model order reduction: few factorisations, all frequencies.

    Real shifts σ_j = 2π f_j, log-spaced over the band (``shifts_per_decade``); at each, a
    *real* sparse LU of (J + σ_j M) and ``moments`` vectors of the Krylov sequence
    x_0 = (J + σ_j M)^{-1} b, x_{m+1} = (J + σ_j M)^{-1} M x_m (the Taylor coefficients of
    δX(s) about s = σ_j).  With V an orthonormal basis of all of them, the Galerkin-projected
    model (V^T J V, V^T M V, V^T b, V^T c) matches ``moments`` moments of Z at every σ_j
    (Grimme, PhD thesis, Univ. Illinois (1997); Freund, J. Comput. Appl. Math. 123 (2000)
    395 [M]) and is evaluated densely at every frequency.  Accuracy is checked in the tests
    against :func:`galvanostatic_impedance`: ≤ 1e-9 relative (1D and spot cells, 1 mHz–10 MHz).
    Measured on a loaded 2-core machine, 60 frequencies: 0.3-0.5 s vs 1.1-1.4 s direct
    (reference cell, 2517 unknowns); 3-6 s vs 50-75 s direct (one spot, 16683 unknowns).
    """
    f = check_frequencies(frequencies)
    J = system.J.tocsc()
    M = system.M.tocsc()
    lo, hi = np.log10(f.min()), np.log10(f.max())
    n_shift = max(int(np.ceil((hi - lo) * shifts_per_decade)) + 1, 2)
    shifts = 2 * np.pi * np.logspace(lo, hi, n_shift)
    blocks = []
    for sigma in shifts:
        lu = _lu((J + sigma * M).tocsc())
        x = lu.solve(system.b)
        for _ in range(int(moments)):
            blocks.append(x / max(np.linalg.norm(x), 1e-300))
            x = lu.solve(M @ x)
    V = np.column_stack(blocks)
    # orthonormal basis; drop numerically dependent directions
    Q, R, _ = sla.qr(V, mode="economic", pivoting=True)
    rank = int(np.sum(np.abs(np.diag(R)) > 1e-12 * np.abs(R[0, 0])))
    Q = Q[:, :rank]
    Jr, Mr = Q.T @ (J @ Q), Q.T @ (M @ Q)
    br, cr = Q.T @ system.b, Q.T @ system.c
    Z = np.empty(f.size, dtype=complex)
    for k, fk in enumerate(f):
        Z[k] = cr @ np.linalg.solve(Jr + 2j * np.pi * fk * Mr, br) + system.d
    return Z


def potentiostatic_impedance(system: LinearizedSystem, frequencies) -> np.ndarray:
    """PEIS: prescribe δV (the last unknown), solve the model rows for δu, measure
    δI = (iωM + J)_{V-row}·δX (the control row is the total WE current), Z = δV/δI."""
    f = check_frequencies(frequencies)
    J = system.J.astype(complex).tocsr()
    M = system.M.astype(complex).tocsr()
    n = system.size
    inner = np.arange(n - 1)
    Z = np.empty(f.size, dtype=complex)
    for k, fk in enumerate(f):
        A = (J + 2j * np.pi * fk * M).tocsr()
        Auu = A[inner][:, inner].tocsc()
        AuV = A[inner][:, [n - 1]].toarray().ravel()
        du = _lu(Auu).solve(-AuV)
        row = A[[n - 1]]
        current = (row[:, inner] @ du)[0] + row[0, n - 1]
        Z[k] = 1.0 / current
    return Z


# ---------------------------------------------------------------------------- linearisation
def _blocks_on_facets(problem, names) -> np.ndarray:
    from dolfinx import fem

    tdim = problem.mesh.topology.dim
    facets = []
    for name in names:
        if problem._has_facets(name):
            facets.append(problem.cell_mesh.facet_tags.find(problem._tag(name)))
    if not facets:
        return np.zeros(0, dtype=np.int64)
    return np.unique(fem.locate_dofs_topological(problem.space, tdim - 1,
                                                 np.concatenate(facets)))


def _numbers(problem) -> dict:
    """The model's numbers as floats (``CoupledProblem._values``; its forms hold Constants)."""
    values = getattr(problem, "_values", None)
    if values is None:  # older model versions kept floats in _constants
        values = {k: float(v) for k, v in problem._constants.items()}
    return values


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


def check_state(problem, *, current_density: float | None = None, rtol: float = 1e-6) -> float:
    """Validate the state before any linear solve; returns its DC current density [A/m^2].

    * the state must be finite;
    * some interface must be active (wetted and liquid): otherwise Z is infinite;
    * the algebraic equations (NASICON rows without double-layer capacitance) must hold: a
      state that is not a converged solution of the model gives a meaningless
      linearisation.  The geometric capacitance is left out of this test: its time constant
      ε0 εr/σ (ns) is far below any time step, so a converged step satisfies these rows to
      ~ (ε0 εr/σ)/dt.
    """
    from ..model.problem import CurrentControl

    X = problem.state_vector()
    if not np.all(np.isfinite(X)):
        raise ParameterError(Problem("state", "the state contains non-finite values", None,
                                     "a converged model state"))
    area = problem.area_nominal
    liquid = problem.functional("liquid_area") / max(problem.functional("area_interface"),
                                                       1e-300)
    # solid K covering the interface still reduces Na+ (direction-dependent blocking,
    # nakmodel.model.two_phase, issue #11): its charge transfer is finite, so only a cell
    # without any contact has no active interface
    if problem.area_contact <= 0:
        raise ParameterError(Problem("state", "no active interface: there is no contact, so Z "
                                     "is infinite", liquid, "contact area > 0"))
    i_faradaic = problem.functional("current_we") / area
    if current_density is None:
        current_density = i_faradaic
    r = problem.steady_residual(CurrentControl(current_density))
    M = _storage_mass(problem)
    rows = np.abs(M).sum(axis=1).A.ravel()
    algebraic = np.flatnonzero(rows[:-1] == 0)
    algebraic = algebraic[algebraic >= problem.n_c]  # NASICON rows
    if algebraic.size:
        J = problem.steady_jacobian()
        # residual scale: the size of one term of the row at the thermal voltage
        rt_f = GAS_CONSTANT * problem.temperature / FARADAY
        scale = np.abs(J[algebraic]).sum(axis=1).A.ravel() * rt_f
        bad = np.abs(r[algebraic]) > rtol * np.maximum(scale, 1e-300)
        if bad.any():
            worst = float(np.max(np.abs(r[algebraic]) / np.maximum(scale, 1e-300)))
            raise ParameterError(Problem(
                "state", "the state is not a converged solution of the model (NASICON "
                "charge balance violated)", worst, f"relative residual <= {rtol:g}"))
    return float(current_density)


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


def linearize(problem, *, relative_permittivity: float | None = None,
              validate: bool = True) -> ModelLinearization:
    """Linearise ``problem`` (a :class:`CoupledProblem`) at its current state.

    ``relative_permittivity`` of the ceramic: None (default) = the model's own
    (``problem.nasicon.relative_permittivity``, i.e. ``parameters.nasicon``); a value
    overrides it (0: no geometric capacitance) by adding the difference to M (M is linear in
    εr: the same as a model built with that εr)."""
    eps_model = _model_permittivity(problem)
    eps_r = eps_model if relative_permittivity is None else relative_permittivity
    if not (isinstance(eps_r, (int, float)) and not isinstance(eps_r, bool)
            and math.isfinite(eps_r) and eps_r >= 0):
        raise ParameterError(Problem("nasicon.relative_permittivity", "must be finite and >= 0",
                                     eps_r, "[-] >= 0 (1 ... 1e5)"))
    i_dc = check_state(problem) if validate else 0.0
    J, M_model = problem.linearisation()
    n = J.shape[0]
    G1 = _geometric_unit(problem) if (eps_r > 0 or eps_model > 0) else sp.csr_matrix((n, n))
    Mg = (eps_r * G1).tocsr()
    M0 = _storage_mass(problem, G1)  # storage without the geometric capacitance
    M = (M_model + (eps_r - eps_model) * G1).tocsr() if eps_r != eps_model else M_model
    b = np.zeros(n)
    b[-1] = 1.0  # δ(total current) [A] in the control row
    c = np.zeros(n)
    c[-1] = 1.0  # δV
    # region of each DOF and energy parts of M
    nc, nphi = problem.n_c, problem.n_phi
    labels = np.full(n, REGIONS.index("ceramic"))
    labels[:nc] = REGIONS.index("alloy bulk")
    labels[-1] = REGIONS.index("interface")
    phi_blocks = (problem.phi_dofs - 1) // 2
    contact = _blocks_on_facets(problem, ["interface_contact", "flaw"])
    ce = _blocks_on_facets(problem, ["counter_electrode"])
    labels[nc:nc + nphi][np.isin(phi_blocks, contact)] = REGIONS.index("interface")
    labels[nc:nc + nphi][np.isin(phi_blocks, ce)] = REGIONS.index("counter electrode")
    c_state = problem.u.x.array[problem.c_dofs]
    stiff = chemical_stiffness(problem, c_state) * FARADAY
    sel = np.zeros(n)
    sel[:nc] = 1.0
    Malloy = sp.diags(sel) @ M0 @ sp.diags(sel)
    Malloy = (sp.diags(np.concatenate([np.sqrt(stiff), np.zeros(n - nc)])) @ Malloy
              @ sp.diags(np.concatenate([np.sqrt(stiff), np.zeros(n - nc)])))
    Mce = _border(counter_capacitance_matrix(problem))
    Mwe = (M0 - sp.diags(sel) @ M0 @ sp.diags(sel) - Mce).tocsr()
    blocked = _blocks_on_facets(problem, ["interface_blocked"])
    region_mass = {"alloy bulk": Malloy.tocsr(), "ceramic": Mg, "counter electrode": Mce}
    region_mass.update(_split_interface(problem, Mwe, blocked))
    labels[nc:nc + nphi][np.isin(phi_blocks, blocked)] = REGIONS.index("constriction")
    # sub-grid constriction: contact-node unknowns φ_c before V (contact_nodes)
    J, M, n_cn, cn_mass = contact_nodes.augment(problem, J, M)
    if n_cn:
        region_mass = {k: contact_nodes.insert_before_last(v, n_cn) for k, v in region_mass.items()}
        region_mass["interface"] = (region_mass["interface"] - cn_mass["removed"]
                                    - cn_mass["blocked"] + cn_mass["active"]).tocsr()
        region_mass["constriction"] = (region_mass.get("constriction", 0 * cn_mass["blocked"])
                                       + cn_mass["blocked"]).tocsr()
        b, c = _pad_vector(b, n_cn), _pad_vector(c, n_cn)
        labels = np.concatenate([labels[:-1], np.full(n_cn, REGIONS.index("interface")),
                                 labels[-1:]])
    # grain boundaries (brick layer): extra φ_gb unknowns before V (nakmodel.model.ceramic)
    J, M, n_gb, gb_mass = ceramic.augment(problem, J, M, EPSILON_0 * float(eps_r))
    if n_gb:
        region_mass = {k: contact_nodes.insert_before_last(v, n_gb) for k, v in region_mass.items()}
        region_mass.update(gb_mass)
        b, c = _pad_vector(b, n_gb), _pad_vector(c, n_gb)
        labels = np.concatenate([labels[:-1], np.full(n_gb, REGIONS.index("grain boundary")),
                                 labels[-1:]])
    system = LinearizedSystem(J, M, b, c, 0.0, labels, list(REGIONS))
    nodes = np.arange(nc + nphi, nc + nphi + n_cn) if n_cn else None
    return ModelLinearization(system, float(problem.area_nominal), region_mass, nc, nphi,
                              float(eps_r), float(i_dc), problem, nodes)


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


# ---------------------------------------------------------------------------- public API
def _permittivity(parameters) -> float | None:
    nas = getattr(parameters, "nasicon", None)
    value = getattr(nas, "relative_permittivity", None)
    return None if value is None else float(value)


def _parameters_of(model_or_cell, parameters):
    """The parameters in force: given ones, a Simulation's, or the defaults used to build a
    cell's problem (None for a bare CoupledProblem)."""
    from ..model.problem import CoupledProblem
    from ..model.simulation import Simulation

    if parameters is not None:
        return parameters
    if isinstance(model_or_cell, Simulation):
        return model_or_cell.parameters
    if isinstance(model_or_cell, CoupledProblem):
        return None
    from ..parameters import load_parameters

    return load_parameters()


def build_problem(model_or_cell, parameters=None, **kwargs):
    """A :class:`CoupledProblem` from a CoupledProblem (returned as is), a Simulation (its
    problem, built if needed), or a cell (``nakmodel.Cell``, ``CellMesh``,
    ``TaggedCellMesh``) with ``parameters`` — pristine: uniform composition, equilibrium."""
    from ..model.problem import CoupledProblem
    from ..model.simulation import Simulation

    if isinstance(model_or_cell, CoupledProblem):
        return model_or_cell
    if isinstance(model_or_cell, Simulation):
        return model_or_cell.problem or model_or_cell.build()
    if parameters is None:
        from ..parameters import load_parameters

        parameters = load_parameters()
    if not hasattr(model_or_cell, "mesh") and not hasattr(model_or_cell, "build_mesh"):
        raise ParameterError(Problem("model_or_cell", "not a model or a cell", model_or_cell,
                                     "CoupledProblem, Simulation, nakmodel.Cell or a cell mesh"))
    from ..model.simulation import ConstantCurrent

    sim = Simulation(model_or_cell, parameters, ConstantCurrent(0.0, 1.0), **kwargs)
    return sim.build()


def _apply_state(problem, state):
    """Make ``problem`` hold ``state``: None (keep), a CoupledProblem / Simulation (its state,
    copied if it is another problem), or a checkpoint file from ``save_checkpoint``."""
    from ..model.problem import CoupledProblem
    from ..model.simulation import Simulation, load_checkpoint

    if state is None:
        return problem
    if isinstance(state, Simulation):
        if state.problem is None:
            raise ParameterError(Problem("state", "the simulation has not been run", None,
                                         "a Simulation after run(), or its problem"))
        state = state.problem
    if isinstance(state, CoupledProblem):
        if state is problem:
            return problem
        if state.u.x.array.shape != problem.u.x.array.shape:
            raise ParameterError(Problem("state", "the state is on another mesh", None,
                                         "a state of the same cell mesh"))
        problem.u.x.array[:] = state.u.x.array
        problem.voltage.value = float(state.voltage.value)
        problem.accept()
        return problem
    if isinstance(state, (str, Path)):
        load_checkpoint(problem, state)
        return problem
    raise ParameterError(Problem("state", "cannot take a state from this object "
                                 f"({type(state).__name__})", None,
                                 "None, a CoupledProblem, a Simulation or a checkpoint .npz "
                                 "(a Result holds no field state)"))


def impedance(model_or_cell, parameters=None, frequencies=None, state=None,
              mode: str | Excitation = "galvanostatic", area_specific: bool = False,
              relative_permittivity: float | None = None, method: str = "auto"):
    """Small-signal impedance spectrum of the FE model → :class:`nakmodel.Spectrum`.

    Parameters
    ----------
    model_or_cell: ``nakmodel.Cell`` / cell mesh (a pristine model is built from
        ``parameters``), a ``Simulation`` or a ``CoupledProblem`` (its current state).
    parameters: ``nakmodel.Parameters`` (default parameters if None).
    frequencies: frequencies [Hz] (default 1 mHz ... 10 MHz, 10 per decade).
    state: None, a ``CoupledProblem``/``Simulation`` (e.g. during a DC current: operando
        GEIS) or a checkpoint file.
    mode: ``"galvanostatic"`` (δI → δV) or ``"potentiostatic"`` (δV → δI, inverted).
    area_specific: return Z·A [Ω m²] (A = nominal WE area) instead of Z [Ω].
    relative_permittivity: of NASICON; default the model's own (built from
        ``parameters.nasicon.relative_permittivity``); a value overrides it — the spectrum of
        the same model with that εr (the difference is added to M, see the module doc).
    method: "direct" (one sparse LU per frequency), "krylov" (rational-Krylov reduction,
        GEIS) or "auto" (krylov for >= 20 frequencies under current control).

    Z(ω) = e_V^T (iωM + J)^{-1} e_I (see module docstring).
    """
    mode = Excitation.parse(mode)
    if frequencies is None:
        frequencies = np.logspace(-3, 7, 101)
    f = check_frequencies(frequencies)
    if not isinstance(area_specific, bool):
        raise ParameterError(Problem("area_specific", "must be True or False", area_specific,
                                     "bool"))
    problem = _apply_state(build_problem(model_or_cell, parameters), state)
    if relative_permittivity is None:
        relative_permittivity = _permittivity(_parameters_of(model_or_cell, parameters))
    lin = linearize(problem, relative_permittivity=relative_permittivity)
    Z = lin.impedance(f, mode, method)
    return _spectrum(f, Z, lin, area_specific, mode)


def _spectrum(f, Z, lin: ModelLinearization, area_specific: bool, mode: Excitation):
    from ..spectrum import Spectrum

    meta = {"source": "nakmodel FE linearisation", "mode": str(mode),
            "dc_current_density": lin.current_density}
    if area_specific:
        meta.update(unit="ohm m^2", nominal_area=lin.area)
        return Spectrum(f, Z * lin.area, None, label="model (area-specific)", meta=meta)
    return Spectrum(f, Z, lin.area, label="model", meta=meta)
