"""Analytic *perfectly mixed* film past the K-rich liquidus (uniform composition).

Since issue #11 this is no longer a limit of the FE model: there the liquid of a two-phase
field is pinned at the liquidus (mixture transport, :mod:`nakmodel.model.two_phase`), so no
Na is drawn through the mush and a film stripped past the liquidus delivers its lever-rule
inventory (plus the interface node's content, -> 0 with h); the direction-dependent
blocking law lives in ``two_phase.interface_current``.  What follows is the bound for a
film that stays perfectly mixed (e.g. by convection or liquid drainage the model does not
have), with the pre-#11 coverage law (``thermo_ufl.active_fraction``):

For a film thin enough that its composition stays uniform (L^2 / D << the time scale of the
run), the coupled model reduces to algebra: stripping at a constant current density ``i``
lowers the overall Na fraction x of the film, and the cell voltage is

    V(x) = U(x_liq) + eta_WE + i L_p / sigma + |eta_CE|,
    i = f_act(x) k(eta_WE, i0(x_liq)),     i = i0_CE [exp(a_a f eta_CE) - exp(-a_c f eta_CE)],

with the model's own constitutive functions (:mod:`nakmodel.model.thermo_ufl`,
:class:`~nakmodel.model.interface.ButlerVolmer`): smoothed liquid composition x_liq,
active fraction f_act (coverage = local molar solid-K fraction, ``blocking_exponent`` n,
residual conductance ``blocking_smoothing`` s), i0 = i0_ref a_Na(x_liq)^alpha_c [I].
The capacity passed until V reaches a limit is the Na removed from the film,

    Q(x) = F L c_K0 [x0/(1 - x0) - x/(1 - x)],   c_K0 = (1 - x0) / V_m(x0)

(content per reference volume, ideal molar volumes; same as ``thermo.inventory`` for
x = x_liquidus).  Past the liquidus the liquid left beside the solid K still holds
F L c_K0 x_L/(1 - x_L) of Na; with coverage = solid fraction (lever rule) the open area
shrinks only in proportion to it, so the voltage rises gradually and a large part of that
Na is stripped before a voltage limit is reached: the "extra capacity past the inventory"
is a consequence of the coverage assumption, not of the discretisation (the sharp limit
s -> 0 differs from the default s by well under 1 % of the inventory).  A larger exponent n
(coverage growing faster than the solid fraction) brings the rise forward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..errors import InputProblem, ParameterError
from . import thermo_ufl as tu
from .materials import AlloyProperties, ElectrodeInterface, NasiconProperties


@dataclass(frozen=True)
class BlockedFilmCapacity:
    """Result of :func:`blocked_film_capacity` (SI)."""

    x_end: float
    """Overall Na mole fraction of the film when V reaches the limit [-]."""
    capacity: float
    """Charge stripped from the start to the voltage limit [C/m^2]."""
    inventory: float
    """Charge stripped from the start to the K-rich liquidus [C/m^2]."""
    active_fraction: float
    """f_act at the voltage limit [-]."""

    @property
    def excess(self) -> float:
        """Capacity past the liquidus inventory, relative to it: Q / Q_inv - 1 [-]."""
        return self.capacity / self.inventory - 1.0


@dataclass(frozen=True)
class BlockedFilm:
    """A thin uniform alloy film on a NASICON pellet (1D), stripped galvanostatically.

    ``x_initial``: initial Na mole fraction; ``thickness``: film thickness [m] (reference,
    i.e. initial); ``pellet_thickness`` [m]; ``temperature`` [K]; material objects as in
    :class:`~nakmodel.model.problem.CoupledProblem` (``phase_boundaries`` from ``alloy``)."""

    x_initial: float
    thickness: float
    pellet_thickness: float
    temperature: float
    alloy: AlloyProperties
    nasicon: NasiconProperties
    working: ElectrodeInterface
    counter: ElectrodeInterface
    parameters: object = None

    def __post_init__(self):
        problems = []
        if not 0.0 < self.x_initial < 1.0:
            problems.append(InputProblem("alloy.composition", "Na mole fraction must lie in (0, 1)",
                                         self.x_initial, "[-] in (0, 1)"))
        for name in ("thickness", "pellet_thickness", "temperature"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                problems.append(InputProblem(f"cell.{name}" if name != "temperature" else name,
                                             "must be positive", v,
                                             "[K] > 0" if name == "temperature" else "[m] > 0"))
        if problems:
            raise ParameterError(problems)

    @classmethod
    def from_parameters(cls, params, *, thickness: float, pellet_thickness: float | None = None,
                        working: ElectrodeInterface | None = None) -> BlockedFilm:
        """From ``Parameters`` (composition, temperature, materials, cell.pellet_thickness)."""
        lp = pellet_thickness if pellet_thickness is not None else params.cell.pellet_thickness
        return cls(params.alloy.composition.x_na, thickness, lp, params.temperature,
                   AlloyProperties.from_parameters(params),
                   NasiconProperties.from_parameters(params),
                   working or ElectrodeInterface.from_parameters(params, "interface"),
                   ElectrodeInterface.from_parameters(params, "counter_electrode"), params)

    # ------------------------------------------------------------------ pieces
    def boundaries(self) -> tuple:
        return self.alloy.phase_boundaries(self.temperature, self.parameters)

    def potassium(self) -> float:
        """c_K0: K atoms per reference volume [mol/m^3]."""
        return tu.potassium_content(self.x_initial, self.alloy.na_molar_volume,
                                    self.alloy.k_molar_volume)

    def capacity(self, x: float) -> float:
        """Q(x) = F L c_K0 [x0/(1-x0) - x/(1-x)] [C/m^2] (Na removed down to x)."""
        r0 = self.x_initial / (1.0 - self.x_initial)
        return tu.FARADAY * self.thickness * self.potassium() * (r0 - x / (1.0 - x))

    def active_fraction(self, x: float) -> float:
        """f_act(x) of :func:`thermo_ufl.active_fraction` (numpy branch)."""
        xlk, xsk, _, _ = self.boundaries()
        w = self.working
        return float(tu.active_fraction(np.float64(x), xlk, xsk, w.blocking_smoothing,
                                        w.blocking_exponent, w.contact_fraction))

    def constriction_resistance(self, x: float) -> float:
        """Sub-grid constriction r_c(θ) [Ω m²] of the open area θ
        (:func:`nakmodel.model.constriction.subgrid_resistance`; 0 without
        ``interface.patch_size``), in series with the kinetics as in the FE model."""
        from .constriction import subgrid_resistance

        w = self.working
        if not w.patch_size:
            return 0.0
        xlk, xsk, _, _ = self.boundaries()
        theta = float(tu.open_area_fraction(np.float64(x), xlk, xsk, w.blocking_smoothing,
                                            w.blocking_exponent, w.contact_fraction))
        sigma = self.nasicon.conductivity_at(self.temperature)
        return float(subgrid_resistance(theta, w.patch_size, sigma, w.patch_shape))

    def voltage(self, x: float, current_density: float) -> float:
        """Cell voltage [V] of a uniform film at overall Na fraction x while stripping at
        ``current_density`` [A/m^2] (> 0), steady state (double layers charged)."""
        xlk, _, xln, _ = self.boundaries()
        a, T, w = self.alloy, self.temperature, self.working
        L0, L1, L2 = a.redlich_kister_L0, a.redlich_kister_L1, a.redlich_kister_L2
        x_l = float(tu.liquid_composition(np.float64(x), xlk, xln, w.blocking_smoothing))
        ocv = float(tu.ocv_vs_na(x_l, T, L0, L1, a.na_melting_point, a.na_enthalpy_of_fusion,
                                 L2))
        i0 = w.exchange_current_at(T) * float(tu.activity_na(x_l, T, L0, L1, L2)) ** \
            w.cathodic_transfer_coefficient
        eta_we = _butler_volmer_overpotential(current_density / (self.active_fraction(x) * i0),
                                              w, T)
        eta_we += current_density * self.constriction_resistance(x)
        c = self.counter
        eta_ce = _butler_volmer_overpotential(current_density / c.exchange_current_density, c, T)
        ohmic = current_density * self.pellet_thickness / self.nasicon.conductivity_at(T)
        return ocv + eta_we + ohmic + eta_ce

    def capacity_to_voltage(self, current_density: float,
                            voltage_limit: float) -> BlockedFilmCapacity:
        """Capacity stripped until V(x) = ``voltage_limit`` (V decreases monotonically with x
        past the liquidus); raises :class:`ParameterError` if the limit is already exceeded
        at the start or never reached before x = 0."""
        if not (current_density > 0 and math.isfinite(current_density)):
            raise ParameterError(InputProblem("current_density", "must be a positive stripping "
                                              "current", current_density, "[A/m^2] > 0"))
        xlk = self.boundaries()[0]
        x_start = min(self.x_initial, xlk)
        lo = 1e-12
        g_start = self.voltage(x_start, current_density) - voltage_limit
        if g_start >= 0:
            raise ParameterError(InputProblem("voltage_limit", "already exceeded at the liquidus",
                                              voltage_limit,
                                              f"[V] > {g_start + voltage_limit:.4g}"))
        if self.voltage(lo, current_density) < voltage_limit:
            raise ParameterError(InputProblem("voltage_limit", "not reached before the film is "
                                              "empty", voltage_limit, "[V] lower"))
        x_end = brentq(lambda x: self.voltage(x, current_density) - voltage_limit, lo, x_start,
                       xtol=1e-14, rtol=1e-12)
        return BlockedFilmCapacity(x_end, self.capacity(x_end), self.capacity(xlk),
                                   self.active_fraction(x_end))


def _butler_volmer_overpotential(ratio: float, side: ElectrodeInterface, temperature: float):
    """eta solving exp(a_a f eta) - exp(-a_c f eta) = ratio (Butler-Volmer, monotone)."""
    f = tu.FARADAY / (tu.GAS_CONSTANT * temperature)
    aa, ac = side.anodic_transfer_coefficient, side.cathodic_transfer_coefficient

    def g(eta):
        return math.exp(aa * f * eta) - math.exp(-ac * f * eta) - ratio

    hi = 1.0 / f
    while g(hi) < 0:
        hi *= 2.0
    lo = -1.0 / f
    while g(lo) > 0:
        lo *= 2.0
    return brentq(g, lo, hi, xtol=1e-15, rtol=1e-13)
