"""Fusion, the solid solutions, Na2K and the phase diagram (liquidus, solidus, eutectic)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..constants import GAS_CONSTANT
from ..errors import InputProblem, ParameterError
from ..rootfind import brentq  # scipy.optimize.brentq, without importing scipy
from .alloy import X_NA_NA2K, _alloy_key, _as_T, _as_x, _out, alloy_parameters
from .liquid import _dln_gamma_na_dx, _ln_gamma, _rk


# --- fusion and the solids ---------------------------------------------------------------
def fusion_gibbs_energy_na(T, params=None):
    """``ΔG_fus,Na(T) = G_liq − G_sol ≈ ΔH_fus (1 − T/T_m)`` [J/mol] (ΔC_p neglected)."""
    a, t = alloy_parameters(params), _as_T(T)
    return _out(a.na_enthalpy_of_fusion * (1.0 - t / a.na_melting_point))


def fusion_gibbs_energy_k(T, params=None):
    """``ΔG_fus,K(T) ≈ ΔH_fus (1 − T/T_m)`` [J/mol] (ΔC_p neglected)."""
    a, t = alloy_parameters(params), _as_T(T)
    return _out(a.k_enthalpy_of_fusion * (1.0 - t / a.k_melting_point))


def _mu(x, T, a):
    """(μ_Na, μ_K) of the liquid relative to the pure liquids, no validation, 0 < x < 1."""
    ln_na, ln_k = _ln_gamma(x, T, a)
    rt = GAS_CONSTANT * T
    return rt * (math.log(x) + ln_na), rt * (math.log1p(-x) + ln_k)


def _dgfus(T, a):
    return (a.na_enthalpy_of_fusion * (1.0 - T / a.na_melting_point),
            a.k_enthalpy_of_fusion * (1.0 - T / a.k_melting_point))


def distribution_coefficients(params=None):
    """Dilute distribution coefficients k = x_solute(solid)/x_solute(liquid) at the solvent's
    melting point: (Na in solid K, K in solid Na) [-], from the limiting solidus slopes.

    For an ideal-dilute solid and liquid, the limiting liquidus and solidus slopes satisfy
    ``dx_s/dΔT = k/(1 − k) · ΔH_fus/(R T_m²)`` (van 't Hoff), so
    ``k = s / (s + ΔH_fus/(R T_m²))`` with s = ``k_solidus_limiting_slope`` (Na in K, [1/K])
    or ``na_solidus_limiting_slope`` (K in Na). Bale (1982), from Ott et al. (1969): 0.10
    and 0.033 at%/K [F] → k ≈ 0.288 and 0.127 [I]. A missing or zero slope gives k = 0.
    """
    return _distribution_coefficients(alloy_parameters(params))


def _distribution_coefficients(a):
    out = []
    for slope, dh, tm in (
        (getattr(a, "k_solidus_limiting_slope", 0.0), a.k_enthalpy_of_fusion, a.k_melting_point),
        (getattr(a, "na_solidus_limiting_slope", 0.0), a.na_enthalpy_of_fusion,
         a.na_melting_point),
    ):
        out.append(slope / (slope + dh / (GAS_CONSTANT * tm**2)) if slope > 0 else 0.0)
    return tuple(out)


def solute_gibbs_energies(params=None):
    """Gibbs energies of the dilute solutes in the solids, relative to the pure liquid solute
    [J/mol]: (g_Na in K(bcc), g_K in Na(bcc)); ``inf`` when the solute is insoluble.

    Solid solutions are ideal with a constant solute energy g [I]:
    ``μ_solute = g + RT ln y``, ``μ_solvent = G_solvent(s) + RT ln(1 − y)``. g is fixed by the
    distribution coefficient k at T_m: ``k = γ∞_liq exp(−g/RT_m)``, i.e.
    ``g = (L0 ∓ L1 + L2) − R T_m ln k`` (− for Na in K, + for K in Na).
    """
    return _solute_gibbs_energies(alloy_parameters(params))


def _solute_gibbs_energies(a):
    L0, L1, L2 = _rk(a)
    k_na_in_k, k_k_in_na = _distribution_coefficients(a)
    g_na = (L0 - L1 + L2) - GAS_CONSTANT * a.k_melting_point * math.log(k_na_in_k) \
        if k_na_in_k > 0 else math.inf
    g_k = (L0 + L1 + L2) - GAS_CONSTANT * a.na_melting_point * math.log(k_k_in_na) \
        if k_k_in_na > 0 else math.inf
    return g_na, g_k


def _dilute_fraction(mu_liquid, g, T):
    """Solute fraction of the solid in equilibrium with a liquid solute potential (Henry)."""
    return 0.0 if math.isinf(g) else math.exp((mu_liquid - g) / (GAS_CONSTANT * T))


_XTOL = 1e-15
_EPS_X = 1e-14
_RTOL = 4 * np.finfo(float).eps


def _bracket_search(f, x0, step, limit):
    """From x0 with f(x0) > 0, step towards ``limit`` until f < 0; Brent's method there."""
    lo, d = x0, abs(step)
    while True:
        hi = x0 + d if step > 0 else x0 - d
        hi = min(hi, limit) if step > 0 else max(hi, limit)
        fh = f(hi)
        if fh < 0:
            a, b = (lo, hi) if lo < hi else (hi, lo)
            return brentq(f, a, b, xtol=_XTOL, rtol=_RTOL)
        if hi == limit:
            return math.nan
        lo, d = hi, 2 * d


def _liquidus_k_pure(T, a):
    """x_Na of the liquid in equilibrium with pure solid K (no solubility)."""
    target = -_dgfus(T, a)[1]
    return brentq(lambda x: _mu(x, T, a)[1] - target, _EPS_X, 1.0 - _EPS_X, xtol=_XTOL,
                  rtol=_RTOL)


def _liquidus_na_pure(T, a):
    """x_Na of the liquid in equilibrium with pure solid Na (no solubility)."""
    target = -_dgfus(T, a)[0]
    return brentq(lambda x: _mu(x, T, a)[0] - target, _EPS_X, 1.0 - _EPS_X, xtol=_XTOL,
                  rtol=_RTOL)


def _liquidus_solid_solution(T, a, host: str):
    """(x_Na liquid, x_Na solid) of liquid + host(ss), host "K" or "Na" (metastable below
    the eutectic).  With h the host and s the dissolved element (dilute fraction y):

    μ_h: RT ln(x_h γ_h) = −ΔG_fus,h + RT ln(1 − y);  μ_s: RT ln(x_s γ_s) = g_s + RT ln y.
    """
    h = 1 if host == "K" else 0          # index into the (Na, K) tuples
    s = 1 - h
    pure_solid = 0.0 if h else 1.0       # x_Na of the pure host solid
    if T >= (a.k_melting_point if h else a.na_melting_point):
        return pure_solid, pure_solid
    x0 = (_liquidus_k_pure if h else _liquidus_na_pure)(T, a)
    g_s = _solute_gibbs_energies(a)[s]
    if math.isinf(g_s):
        return x0, pure_solid
    dg_h = _dgfus(T, a)[h]
    rt = GAS_CONSTANT * T

    def f(x):
        mu = _mu(x, T, a)
        y = _dilute_fraction(mu[s], g_s, T)
        return math.inf if y >= 1 else mu[h] + dg_h - rt * math.log1p(-y)

    x = (_bracket_search(f, x0, 0.02, 1.0 - _EPS_X) if h
         else _bracket_search(f, x0, -0.02, _EPS_X))
    y = _dilute_fraction(_mu(x, T, a)[s], g_s, T)
    return x, (y if h else 1.0 - y)


def _liquidus_k_scalar(T, a):
    """(x_Na liquid, x_Na solid) of liquid + K(ss) at T."""
    return _liquidus_solid_solution(T, a, "K")


def _liquidus_na_scalar(T, a):
    """(x_Na liquid, x_Na solid) of liquid + Na(ss) at T."""
    return _liquidus_solid_solution(T, a, "Na")


def na2k_formation_enthalpy(params=None):
    """Formation enthalpy of Na2K from solid Na and solid K [J per mol of atoms] [I].

    Derivation [I]: Na2K is a line compound x_Na = 2/3 with
    ``G_Na2K = (2/3) G_Na(s) + (1/3) G_K(s) + ΔH_f`` (ΔS_f = 0, Neumann–Kopp-like). At the
    peritectic T_p the liquid at the Na-rich liquidus x_p (coexisting with Na(ss)) is also in
    equilibrium with Na2K: ``G_Na2K = (2/3) μ_Na(x_p) + (1/3) μ_K(x_p)``, hence
    ``ΔH_f = (2/3)[μ_Na(x_p) + ΔG_fus,Na(T_p)] + (1/3)[μ_K(x_p) + ΔG_fus,K(T_p)]``
    (μ relative to the pure liquids; without solubility the first bracket is 0), so Na2K
    decomposes peritectically exactly at ``na2k_peritectic_temperature``.
    """
    return _na2k_formation_enthalpy(alloy_parameters(params))


def _na2k_formation_enthalpy(a):
    tp = a.na2k_peritectic_temperature
    xp = _liquidus_na_scalar(tp, a)[0]
    mu_na, mu_k = _mu(xp, tp, a)
    dg_na, dg_k = _dgfus(tp, a)
    return X_NA_NA2K * (mu_na + dg_na) + (1.0 - X_NA_NA2K) * (mu_k + dg_k)


def na2k_gibbs_energy(T, params=None):
    """Gibbs energy of Na2K per mole of atoms relative to the pure liquids at T [J/mol].

    ``G = −(2/3) ΔG_fus,Na(T) − (1/3) ΔG_fus,K(T) + ΔH_f`` (see :func:`na2k_formation_enthalpy`).
    """
    a, t = alloy_parameters(params), _as_T(T)
    return _out(_na2k_gibbs(t, a, _na2k_formation_enthalpy(a)))


def _na2k_gibbs(T, a, dhf):
    """Gibbs energy of Na2K per mole of atoms, relative to the pure liquids at T."""
    gna, gk = _dgfus(T, a)
    return -X_NA_NA2K * gna - (1.0 - X_NA_NA2K) * gk + dhf


def _liquidus_na2k_scalar(T, a, dhf, branch="K-rich"):
    """x_Na of the liquid in equilibrium with Na2K on the K-rich (x < 2/3) or Na-rich branch.

    g(x) = (2/3) μ_Na + (1/3) μ_K has its maximum at x = 2/3 (Gibbs–Duhem), so each branch
    has at most one root; NaN when Na2K is less stable than the liquid at every x.
    """
    target = _na2k_gibbs(T, a, dhf)

    def f(x):
        mna, mk = _mu(x, T, a)
        return X_NA_NA2K * mna + (1.0 - X_NA_NA2K) * mk - target

    if f(X_NA_NA2K) <= 0.0:
        return math.nan
    if branch == "K-rich":
        return brentq(f, _EPS_X, X_NA_NA2K, xtol=_XTOL, rtol=_RTOL)
    return brentq(f, X_NA_NA2K, 1.0 - _EPS_X, xtol=_XTOL, rtol=_RTOL)


def _na_ss_with_na2k(T, a, dhf):
    """x_Na of Na(ss) coexisting with Na2K: (2/3) μ_Na(s) + (1/3) μ_K(s) = G_Na2K."""
    g_k = _solute_gibbs_energies(a)[1]
    if math.isinf(g_k):
        return 1.0
    rt = GAS_CONSTANT * T
    target = _na2k_gibbs(T, a, dhf)
    dg_na = _dgfus(T, a)[0]

    def f(y):
        return (X_NA_NA2K * (-dg_na + rt * math.log1p(-y))
                + (1.0 - X_NA_NA2K) * (g_k + rt * math.log(y)) - target)

    return 1.0 - brentq(f, 1e-300, 0.5, xtol=1e-300, rtol=_RTOL)


def liquidus(T, params=None, phase="K"):
    """Liquidus composition x_Na [-] in equilibrium with a solid at T [K].

    ``phase`` "K": liquid + K(ss), "Na": liquid + Na(ss), solved from the equality of both
    chemical potentials (Schröder–van Laar generalised to dilute solid solutions; with
    insoluble solids ``ln(x_i γ_i) = −(ΔH_fus,i/R)(1/T − 1/T_m,i)``, docs/theory/thermodynamics.md);
    "Na2K": ``(2/3) μ_Na + (1/3) μ_K = G_Na2K(T)`` (K-rich branch).
    Returns the (possibly metastable) branch; :func:`liquid_window` picks the stable one.
    Above the melting point of the solid the K branch is 0 and the Na branch 1.
    """
    t = _as_T(T)
    a = alloy_parameters(params)
    if phase == "K":
        fn = np.vectorize(lambda s: _liquidus_k_scalar(s, a)[0], otypes=[float])
    elif phase == "Na":
        fn = np.vectorize(lambda s: _liquidus_na_scalar(s, a)[0], otypes=[float])
    elif phase == "Na2K":
        dhf = _na2k_formation_enthalpy(a)
        fn = np.vectorize(lambda s: _liquidus_na2k_scalar(s, a, dhf), otypes=[float])
    else:
        raise ParameterError(InputProblem("phase", "unknown solid phase", phase,
                                          "'K', 'Na' or 'Na2K'"))
    return _out(fn(t))


def solidus(T, params=None, phase="K"):
    """x_Na [-] of the solid solution coexisting with the liquid at T [K].

    ``phase`` "K": Na content of K(ss) (0 without solubility, 0 above T_m,K);
    "Na": x_Na of Na(ss) (1 without solubility). Metastable below the eutectic/peritectic.
    """
    t = _as_T(T)
    a = alloy_parameters(params)
    if phase == "K":
        fn = np.vectorize(lambda s: _liquidus_k_scalar(s, a)[1], otypes=[float])
    elif phase == "Na":
        fn = np.vectorize(lambda s: _liquidus_na_scalar(s, a)[1], otypes=[float])
    else:
        raise ParameterError(InputProblem("phase", "unknown solid solution", phase, "'K' or 'Na'"))
    return _out(fn(t))


def eutectic(params=None):
    """Eutectic (T [K], x_Na [-]) of the model: where the K liquidus meets the Na2K liquidus.

    Solved with Brent's method in T on ``x_K-liquidus(T) − x_Na2K-liquidus(T) = 0`` below the
    peritectic. (Literature: −12.6 °C at 77–78 wt% K ≈ 67 at% K.)
    """
    return _eutectic(alloy_parameters(params))


def _eutectic(a):
    dhf = _na2k_formation_enthalpy(a)
    tp = a.na2k_peritectic_temperature

    def f(T):
        return _liquidus_k_scalar(T, a)[0] - _liquidus_na2k_scalar(T, a, dhf)

    lo = tp - 1e-9
    t_low = 200.0  # the liquid model is not meant for lower temperatures
    if not (f(lo) < 0.0 < f(t_low)):
        raise ParameterError(
            InputProblem("alloy.redlich_kister_L0", "no K/Na2K eutectic between 200 K and the "
                         "peritectic", _rk(a),
                         "Redlich–Kister (J/mol) and fusion parameters giving "
                         "a eutectic")
        )
    te = brentq(f, t_low, lo, xtol=1e-12)
    return te, _liquidus_k_scalar(te, a)[0]


_STABILITY_GRID = np.linspace(0.001, 0.999, 999)


@lru_cache(maxsize=32)
def _window_constants(a):
    dhf = _na2k_formation_enthalpy(a)
    te, _ = _eutectic(a)
    phi = 1.0 + _STABILITY_GRID * _dln_gamma_na_dx(_STABILITY_GRID, te, a)
    if np.min(phi) <= 0.0:
        raise ParameterError(InputProblem(
            "alloy.redlich_kister_L0", "the liquid has a miscibility gap (spinodal, Φ ≤ 0) at "
            f"the eutectic {te:.1f} K: the phase diagram would be meaningless",
            _rk(a), "Redlich–Kister parameters in J/mol with a stable liquid above the eutectic"))
    return dhf, te


_NAN5 = (math.nan,) * 5


def _boundaries_scalar(T, a):
    """(x_low, x_solid_low, x_high, x_solid_high, x_Na(ss) with Na2K) at T; NaN below T_e."""
    dhf, te = _window_constants(a)
    if T < te:
        return _NAN5
    low, solid_low = _liquidus_k_scalar(T, a)
    if T < a.na2k_peritectic_temperature:
        high, solid_high = _liquidus_na2k_scalar(T, a, dhf), X_NA_NA2K
        na_ss = _na_ss_with_na2k(T, a, dhf)
    else:
        (high, solid_high), na_ss = _liquidus_na_scalar(T, a), math.nan
    return low, solid_low, high, solid_high, na_ss


def _window_scalar(T, a):
    b = _boundaries_scalar(T, a)
    return b[0], b[2]


@dataclass(frozen=True)
class PhaseBoundaries:
    """Compositions x_Na [-] bounding the phase fields at the given temperature(s).

    ``liquid_low``/``liquid_high``: the liquid window; ``solid_low``: x_Na of K(ss)
    coexisting with the liquid; ``solid_high``: x_Na of the solid coexisting with the liquid
    on the Na side (Na(ss), or 2/3 for Na2K below the peritectic); ``na_ss_with_na2k``: x_Na of
    Na(ss) coexisting with Na2K (below the peritectic, else NaN). NaN below the eutectic.
    """

    liquid_low: np.ndarray
    solid_low: np.ndarray
    liquid_high: np.ndarray
    solid_high: np.ndarray
    na_ss_with_na2k: np.ndarray


def phase_boundaries(T, params=None) -> PhaseBoundaries:
    """All phase boundaries at T [K] (vectorised); see :class:`PhaseBoundaries`."""
    t = _as_T(T)
    a = _alloy_key(alloy_parameters(params))
    unique, inverse = np.unique(t, return_inverse=True)  # solve once per distinct T
    values = np.array([_boundaries_scalar(float(s), a) for s in unique]).reshape(-1, 5)
    return PhaseBoundaries(*(_out(values[:, k][inverse].reshape(t.shape)) for k in range(5)))


def liquid_window(T, params=None):
    """Compositions bounding the single-phase liquid at T: (x_Na low, x_Na high) [-].

    Low: K-rich liquidus vs K(ss); high: Na-rich liquidus vs Na(ss) above the Na2K
    peritectic and vs Na2K below it. Below the model eutectic no liquid exists: (NaN, NaN).
    Above T_m,K the low bound is 0; above T_m,Na the high bound is 1.
    """
    b = phase_boundaries(T, params)
    return b.liquid_low, b.liquid_high


def describe_initial_phase(x_na, T, params=None) -> str:
    """One line naming the phases of an alloy at x_Na and T (for reports and the CLI)."""
    phase = solid_phase(x_na, T, params)
    if phase == "":
        return "liquid"
    if phase == "no liquid":
        return "solid (no liquid at this composition and temperature)"
    fraction = float(liquid_fraction(x_na, T, params))
    return f"two-phase: liquid ({100 * fraction:.1f} %) + solid {phase}"


def solid_phase(x_na, T, params=None):
    """Phases present at overall x_Na and T (scalars): "" (liquid only), "K" (liquid + K(ss)),
    "Na" (liquid + Na(ss)), "Na2K" (liquid + Na2K) or "no liquid"."""
    x, t = float(_as_x(x_na)), float(_as_T(T))
    a = _alloy_key(alloy_parameters(params))
    low, solid_low, high, solid_high, _ = _boundaries_scalar(t, a)
    if math.isnan(low):
        return "no liquid"
    if x < low:
        return "K" if x > solid_low else "no liquid"
    if x > high:
        if x >= solid_high:
            return "no liquid"
        return "Na2K" if t < a.na2k_peritectic_temperature else "Na"
    return ""


def liquid_fraction(x_na, T, params=None):
    """Mole fraction of liquid at overall composition x_Na and T (lever rule) [-].

    1 inside the window; ``(x − x_s)/(x_low − x_s)`` on the K side with x_s the Na content of
    K(ss) (0 without solubility); ``(x_s − x)/(x_s − x_high)`` on the Na side with x_s the
    Na(ss) composition, or 2/3 (Na2K) below the peritectic; 0 where no liquid is left
    (x beyond the solid composition) and below the eutectic.
    """
    x, t = np.broadcast_arrays(_as_x(x_na), _as_T(T))
    b = phase_boundaries(t, params)
    low, s_low, high, s_high = (np.asarray(v, dtype=float) for v in (
        b.liquid_low, b.solid_low, b.liquid_high, b.solid_high))
    with np.errstate(divide="ignore", invalid="ignore"):
        k_side = np.clip((x - s_low) / (low - s_low), 0.0, 1.0)
        na_side = np.clip((s_high - x) / (s_high - high), 0.0, 1.0)
    f = np.where(x < low, k_side, np.where(x > high, na_side, 1.0))
    f = np.where(np.isnan(low), 0.0, f)
    return _out(f)
