"""Thermodynamic and transport functions of the liquid Na-K alloy, written once for
UFL expressions *and* numpy arrays.

These are the same formulas as :mod:`nakmodel.thermo` (the numpy reference), in a form
that can enter a variational residual: every function dispatches on its argument
(a UFL expression -> ``ufl`` operators, anything else -> ``numpy``).  The composition
variable is the Na mole fraction ``x`` of the *liquid*; two-phase states are handled
by :func:`liquid_composition` (a smooth clamp into the liquid window) and
:func:`liquid_fraction` (a smoothed lever rule).

Equations: docs/theory/thermodynamics.md (Redlich-Kister liquid, equilibrium potential of
NaK vs Na(s)) and docs/theory/transport.md (Darken interdiffusion, the two-phase field).
"""

from __future__ import annotations

import numpy as np
import ufl

from ..constants import FARADAY, GAS_CONSTANT

EPSILON_0 = 8.8541878128e-12  # F/m, vacuum permittivity (CODATA 2018)


def _lib(*values):
    """ufl if any argument is a UFL expression, else numpy."""
    return ufl if any(isinstance(v, ufl.core.expr.Expr) for v in values) else np


def potassium_content(x_reference, na_molar_volume: float, k_molar_volume: float) -> float:
    """K atoms per reference volume, c_K0 = (1 - x0) / V_m(x0) [mol/m^3] (ideal V_m)."""
    return (1.0 - x_reference) / (x_reference * na_molar_volume
                                  + (1.0 - x_reference) * k_molar_volume)


def mole_fraction_from_content(c, potassium: float):
    """Na mole fraction from the Na content c per reference (K-lattice) volume [mol/m^3].

    The model's composition unknown is c = Na atoms per unit *reference* volume, the reference
    being the initial alloy whose K atoms (c_K0 per m^3) are conserved: x = c / (c + c_K0)  [I].
    """
    return c / (c + potassium)


def content_from_mole_fraction(x, potassium: float):
    """Inverse of :func:`mole_fraction_from_content`: c = c_K0 x / (1 - x)."""
    return potassium * x / (1.0 - x)


def stretch(c, potassium: float, na_molar_volume: float, k_molar_volume: float):
    """Actual volume per reference volume, J = c_K0 V_K + c V_Na (ideal mixing) [I]."""
    return potassium * k_molar_volume + c * na_molar_volume


def mole_fraction_from_concentration(c, na_molar_volume: float, k_molar_volume: float):
    """Na mole fraction from the Na concentration c [mol/m^3], ideal mixing of volumes.

    c = x / (x V_Na + (1 - x) V_K)  =>  x = c V_K / (1 - c (V_Na - V_K))   [I]
    """
    return c * k_molar_volume / (1.0 - c * (na_molar_volume - k_molar_volume))


def concentration_from_mole_fraction(x, na_molar_volume: float, k_molar_volume: float):
    """Na concentration [mol/m^3] of an alloy of Na mole fraction x (ideal molar volumes)."""
    return x / (x * na_molar_volume + (1.0 - x) * k_molar_volume)


def ln_gamma_na(x, temperature, L0: float, L1: float, L2: float = 0.0):
    """ln of the Na activity coefficient (reference: pure liquid Na), Redlich-Kister.

    RT ln gamma_Na = x_K^2 [L0 + L1 (3 x_Na - x_K) + L2 (x_Na - x_K)(5 x_Na - x_K)]
    (docs/theory/thermodynamics.md, Redlich-Kister; L2 term as in :mod:`nakmodel.thermo`) [M]
    """
    xk = 1.0 - x
    y = x - xk
    return xk**2 * (L0 + L1 * (3.0 * x - xk) + L2 * y * (5.0 * x - xk)) / (
        GAS_CONSTANT * temperature)


def ln_gamma_k(x, temperature, L0: float, L1: float, L2: float = 0.0):
    """ln gamma_K: RT ln gamma_K = x_Na^2 [L0 + L1 (x_Na - 3 x_K) + L2 y (x_Na - 5 x_K)]."""
    xk = 1.0 - x
    y = x - xk
    return x**2 * (L0 + L1 * (x - 3.0 * xk) + L2 * y * (x - 5.0 * xk)) / (
        GAS_CONSTANT * temperature)


def activity_na(x, temperature, L0: float, L1: float, L2: float = 0.0):
    """Na activity in the liquid, a_Na = x_Na gamma_Na (reference: pure liquid Na)."""
    lib = _lib(x)
    return x * lib.exp(ln_gamma_na(x, temperature, L0, L1, L2))


def thermodynamic_factor(x, temperature, L0: float, L1: float, L2: float = 0.0):
    """Darken thermodynamic factor Phi = 1 + x d ln gamma_Na / dx (analytic derivative of
    :func:`ln_gamma_na`: d/dx of x_K^2 B(x) = -2 x_K B + x_K^2 B')."""
    xk = 1.0 - x
    y = x - xk
    bracket = L0 + L1 * (3.0 * x - xk) + L2 * y * (5.0 * x - xk)
    dbracket = 4.0 * L1 + L2 * (2.0 * (5.0 * x - xk) + 6.0 * y)
    dlng = (-2.0 * xk * bracket + xk**2 * dbracket) / (GAS_CONSTANT * temperature)
    return 1.0 + x * dlng


def tracer_diffusivity(prefactor: float, activation_energy: float, temperature: float) -> float:
    """Arrhenius tracer diffusivity D* = D0 exp(-Q/RT) [m^2/s] (docs/theory/transport.md, Darken;
    D0, Q of the pure liquids: "Self-diffusion in liquid alkali metals" (1972))."""
    return prefactor * float(np.exp(-activation_energy / (GAS_CONSTANT * temperature)))


def interdiffusivity(x, temperature, L0, L1, d_na: float, d_k: float, factor: float = 1.0,
                     L2: float = 0.0):
    """Darken interdiffusivity of the liquid [m^2/s].

    D~ = factor * Phi(x) (x_K D*_Na + x_Na D*_K)  (docs/theory/transport.md, Darken) [M];
    ``d_na``/``d_k`` are the tracer diffusivities at ``temperature``.
    """
    phi = thermodynamic_factor(x, temperature, L0, L1, L2)
    return factor * phi * ((1.0 - x) * d_na + x * d_k)


def fusion_gibbs_energy(temperature, melting_point: float, enthalpy_of_fusion: float):
    """Delta G_fus = Delta H_fus (1 - T/T_m) [J/mol] (liquid minus solid),
    docs/theory/thermodynamics.md, the solids."""
    return enthalpy_of_fusion * (1.0 - temperature / melting_point)


def ocv_vs_na(x, temperature, L0, L1, na_melting_point, na_enthalpy_of_fusion, L2=0.0):
    """Equilibrium potential of the liquid alloy vs Na(s) [V].

    E = -[RT ln a_Na(liquid ref.) + Delta G_fus,Na(T)] / F   [I]
    (docs/theory/thermodynamics.md, equilibrium potential against Na(s))
    """
    lib = _lib(x)
    rt = GAS_CONSTANT * temperature
    return -(
        rt * (lib.ln(x) if lib is ufl else np.log(x)) + rt * ln_gamma_na(x, temperature, L0, L1, L2)
        + fusion_gibbs_energy(temperature, na_melting_point, na_enthalpy_of_fusion)
    ) / FARADAY


def smooth_min(a, b, width: float):
    """C-infinity minimum: (a + b - sqrt((a-b)^2 + w^2)) / 2; -> min(a, b) as w -> 0."""
    lib = _lib(a, b)
    return 0.5 * (a + b - lib.sqrt((a - b) ** 2 + width**2))


def smooth_max(a, b, width: float):
    """C-infinity maximum: (a + b + sqrt((a-b)^2 + w^2)) / 2."""
    lib = _lib(a, b)
    return 0.5 * (a + b + lib.sqrt((a - b) ** 2 + width**2))


def smooth_positive_part(x, width: float):
    """C-infinity positive part (softplus): max(x, 0) + w ln(1 + exp(-|x|/w)).

    -> x for x >> w, decays *exponentially* (~ w exp(x/w)) for x < 0; written with |x| so
    neither branch overflows.  Unlike :func:`smooth_max` (whose tail w^2/(4|x|) decays only
    algebraically) a quantity proportional to it vanishes within a few w below zero."""
    lib = _lib(x)
    if lib is ufl:
        # ln(1 + e) loses e < 1e-16 in double precision (the tail would be cut to 0 at
        # x < -37 w): use the series e (1 - e/2 + e^2/3) for small e (error < e^4/4)
        e = ufl.exp(-abs(x) / width)
        log1p = ufl.conditional(ufl.lt(e, 1e-4), e * (1.0 - e / 2.0 + e * e / 3.0),
                                ufl.ln(1.0 + e))
        return ufl.max_value(x, 0.0) + width * log1p
    x = np.asarray(x, dtype=float)
    return np.maximum(x, 0.0) + width * np.log1p(np.exp(-np.abs(x) / width))


def liquid_composition(x, x_liquidus_k: float, x_liquidus_na: float, width: float):
    """Composition of the liquid in equilibrium with an overall composition x.

    Inside the liquid window the liquid is the whole alloy (x); outside it the liquid sits
    on the liquidus (lever rule). Smoothly clamped with width ``width`` so Newton converges.
    """
    return smooth_min(smooth_max(x, x_liquidus_k, width), x_liquidus_na, width)


def liquid_fraction(x, x_liquidus_k: float, x_liquidus_na: float, width: float,
                    x_solid_k: float = 0.0, x_solid_na: float = 1.0):
    """Molar liquid fraction from the lever rule, smoothed.

    K-rich side (liquid + K(ss) of composition x_s,K): f_L = (x - x_s,K) / (x_liq,K - x_s,K);
    Na-rich side (liquid + Na(ss), x_s,Na):            f_L = (x_s,Na - x) / (x_s,Na - x_liq,Na);
    f_L = min(1, both), each min smoothed with ``width`` (``interface.blocking_smoothing``).
    Lever rule: standard phase-diagram relation [M]; solid compositions from
    ``thermo.phase_boundaries`` (pure solids: x_s = 0 and 1).  Na2K is not represented.
    """
    one = 1.0
    f_k = (x - x_solid_k) / (x_liquidus_k - x_solid_k)
    f_na = (x_solid_na - x) / (x_solid_na - x_liquidus_na)
    return smooth_min(smooth_min(one, f_k, width), f_na, width)


def unblocked_fraction(x, x_liquidus_k: float, width: float, x_solid_k: float = 0.0):
    """Fraction of an interface not covered by solid K(ss): the K-side lever rule only,
    min(1, (x - x_s,K) / (x_liq,K - x_s,K)) smoothed with ``width``.

    Solid K does not exchange Na+ with NASICON and blocks the area it covers
    (docs/theory/kinetics.md, blocking by solid K); solid Na on the Na-rich side is
    electrochemically active (Na | Na+), so it does not block.  Assumption [I]: coverage
    equals the local molar solid fraction.
    """
    return smooth_min(1.0, (x - x_solid_k) / (x_liquidus_k - x_solid_k), width)


def active_fraction(x, x_liquidus_k: float, x_solid_k: float, smoothing: float,
                    exponent: float = 1.0, contact: float = 1.0):
    """Fraction of the interface that passes Na+ current (per contact area) [-].

    f_act = contact [f_o + (1 - f_o) s] x / (x + s^2 x_liq,K),  f_o = max(f_K, 0)^n,
    with f_K :func:`unblocked_fraction` (area not covered by solid K), n = ``exponent``
    (``interface.blocking_exponent``) and s = ``smoothing`` (``interface.blocking_smoothing``):
    the residual conductance of covered area (keeps the galvanostatic problem solvable and
    Newton smooth).  The last factor makes the current vanish with the local Na content, so a
    fully depleted interface cannot pass current (the voltage rises instead) [I].  Inside the
    liquid window f_act = contact (1 - O(s^2)).

    Consequence of coverage = solid fraction (n = 1): past the liquidus the open area falls
    only in proportion to the solid formed, so the voltage rises gradually and much of the
    Na left in the liquid beside the solid K is stripped before a voltage limit (thin film,
    1 mA/cm2, +100 mV: ~9 % over the liquidus inventory for NaK50, ~55 % for NaK80); the
    analytic thin-film limit is :class:`nakmodel.model.blocked_film.BlockedFilm`, the
    smoothing s changes it by < 2.5 % of the inventory; n > 1 brings the rise forward.
    """
    delta = smoothing * smoothing * x_liquidus_k
    # Na content seen by the kinetics: x for x >> 1e-3 delta, exponentially small below 0.
    # A depleted node (x -> 0, or a P1 undershoot x < 0) passes no current, so under
    # galvanostatic control the voltage diverges once the interface is exhausted instead of
    # the node being drained into negative content (smooth_max's 1/|x| tail did that: V then
    # grew only like ln|x| and the content ran into the admissible bound).
    x_plus = smooth_positive_part(x, 1e-3 * delta)
    return (open_area_fraction(x, x_liquidus_k, x_solid_k, smoothing, exponent, contact)
            * x_plus / (x_plus + delta))


def open_area_fraction(x, x_liquidus_k: float, x_solid_k: float, smoothing: float,
                       exponent: float = 1.0, contact: float = 1.0):
    """Interface area not covered by solid K, per nominal area [-] (the area factor of
    :func:`active_fraction`, without its Na-depletion factor):
    contact [f_o + (1 - f_o) s],  f_o = max(f_K, 0)^n.  The sub-grid constriction
    (:mod:`nakmodel.model.constriction`) depends on this area, not on the Na content."""
    f_k = smooth_max(unblocked_fraction(x, x_liquidus_k, smoothing, x_solid_k), 0.0,
                     smoothing * smoothing)
    f_open = f_k**exponent
    return contact * (f_open + (1.0 - f_open) * smoothing)
