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

``relative_permittivity=`` overrides (:func:`linearise`, :func:`impedance`) evaluate the
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
(:meth:`ModelLinearisation.inventory_mode`).  With the ceramic (R_b = L_n/σ ∥ C_g =
ε0εr/L_n) and the counter electrode (R_ct,CE ∥ C_dl,CE) in series this is the 1D
reference of ``tests/test_impedance_model.py`` (agreement ~1e-5 relative, 1 mHz–10 MHz).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..constants import FARADAY, GAS_CONSTANT
from ..errors import InputProblem, ParameterError
from ..model import ceramic
from . import contact_nodes
from .linear import LinearizedSystem, check_frequencies
from .matrices import (
    EPSILON_0,
    _blocks_on_facets,
    _border,
    _geometric_unit,
    _model_permittivity,
    _pad_vector,
    _split_interface,
    _storage_mass,
    chemical_stiffness,
    counter_capacitance_matrix,
    geometric_capacitance_matrix,
    interface_coefficients,
    ocv_of_content,
)
from .solvers import galvanostatic_impedance, krylov_impedance, potentiostatic_impedance

# the matrices (.matrices) and the linear solves (.solvers) stay importable from here
__all__ = ["EPSILON_0", "REGIONS", "Excitation", "ModelLinearisation", "build_problem",
           "check_state", "chemical_stiffness", "counter_capacitance_matrix",
           "galvanostatic_impedance", "geometric_capacitance_matrix", "impedance",
           "interface_coefficients", "krylov_impedance", "linearise", "ocv_of_content",
           "potentiostatic_impedance"]

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
            raise ParameterError(InputProblem("mode", "unknown excitation mode", value,
                                              "'galvanostatic' or 'potentiostatic'")) from None


@dataclass
class ModelLinearisation:
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
            raise ParameterError(InputProblem("method", "unknown solution method", method,
                                              "'direct', 'krylov' or 'auto'"))
        if method == "auto":
            method = "krylov" if (mode is Excitation.GALVANOSTATIC and f.size >= 20) \
                else "direct"
        if method == "krylov":
            if mode is not Excitation.GALVANOSTATIC:
                raise ParameterError(InputProblem("method", "'krylov' is for galvanostatic mode",
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


# ---------------------------------------------------------------------------- linearisation
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
        raise ParameterError(InputProblem("state", "the state contains non-finite values", None,
                                          "a converged model state"))
    area = problem.area_nominal
    liquid = problem.functional("liquid_area") / max(problem.functional("area_interface"),
                                                       1e-300)
    # solid K covering the interface still reduces Na+ (direction-dependent blocking,
    # nakmodel.model.two_phase, issue #11): its charge transfer is finite, so only a cell
    # without any contact has no active interface
    if problem.area_contact <= 0:
        raise ParameterError(InputProblem("state", "no active interface: there is no contact, so Z "
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
            raise ParameterError(InputProblem(
                "state", "the state is not a converged solution of the model (NASICON "
                "charge balance violated)", worst, f"relative residual <= {rtol:g}"))
    return float(current_density)


def linearise(problem, *, relative_permittivity: float | None = None,
              validate: bool = True) -> ModelLinearisation:
    """Linearise ``problem`` (a :class:`CoupledProblem`) at its current state.

    ``relative_permittivity`` of the ceramic: None (default) = the model's own
    (``problem.nasicon.relative_permittivity``, i.e. ``parameters.nasicon``); a value
    overrides it (0: no geometric capacitance) by adding the difference to M (M is linear in
    εr: the same as a model built with that εr)."""
    eps_model = _model_permittivity(problem)
    eps_r = eps_model if relative_permittivity is None else relative_permittivity
    if not (isinstance(eps_r, (int, float)) and not isinstance(eps_r, bool)
            and math.isfinite(eps_r) and eps_r >= 0):
        raise ParameterError(InputProblem("nasicon.relative_permittivity",
                                          "must be finite and >= 0",
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
    return ModelLinearisation(system, float(problem.area_nominal), region_mass, nc, nphi,
                              float(eps_r), float(i_dc), problem, nodes)


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
        raise ParameterError(InputProblem("model_or_cell", "not a model or a cell", model_or_cell,
                                          "CoupledProblem, Simulation, nakmodel.Cell or a cell "
                                          "mesh"))
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
            raise ParameterError(InputProblem("state", "the simulation has not been run", None,
                                              "a Simulation after run(), or its problem"))
        state = state.problem
    if isinstance(state, CoupledProblem):
        if state is problem:
            return problem
        if state.u.x.array.shape != problem.u.x.array.shape:
            raise ParameterError(InputProblem("state", "the state is on another mesh", None,
                                              "a state of the same cell mesh"))
        problem.u.x.array[:] = state.u.x.array
        problem.voltage.value = float(state.voltage.value)
        problem.accept()
        return problem
    if isinstance(state, (str, Path)):
        load_checkpoint(problem, state)
        return problem
    raise ParameterError(InputProblem("state", "cannot take a state from this object "
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
        raise ParameterError(InputProblem("area_specific", "must be True or False", area_specific,
                                          "bool"))
    problem = _apply_state(build_problem(model_or_cell, parameters), state)
    if relative_permittivity is None:
        relative_permittivity = _permittivity(_parameters_of(model_or_cell, parameters))
    lin = linearise(problem, relative_permittivity=relative_permittivity)
    Z = lin.impedance(f, mode, method)
    return _spectrum(f, Z, lin, area_specific, mode)


def _spectrum(f, Z, lin: ModelLinearisation, area_specific: bool, mode: Excitation):
    from ..spectrum import Spectrum

    meta = {"source": "nakmodel FE linearisation", "mode": str(mode),
            "dc_current_density": lin.current_density}
    if area_specific:
        meta.update(unit="ohm m^2", nominal_area=lin.area)
        return Spectrum(f, Z * lin.area, None, label="model (area-specific)", meta=meta)
    return Spectrum(f, Z, lin.area, label="model", meta=meta)


# the package spells -ise (CoupledProblem.linearisation); the old names stay importable
linearize = linearise
ModelLinearization = ModelLinearisation
