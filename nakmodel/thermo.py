"""Thermodynamics of liquid Na–K alloys: activities, phase diagram, OCV, interdiffusion.

All functions are vectorised over ``x_na`` (mole fraction of Na, 0..1) and ``T`` [K]
(numpy broadcasting), return SI values and take an optional ``params``: a
:class:`nakmodel.parameters.Parameters`, its ``.alloy`` section, or ``None`` for the
package defaults.

Model (docs/theory/thermodynamics.md):

* Liquid: substitutional solution with a Redlich–Kister excess Gibbs energy
  ``G_ex = x_Na x_K [L0 + L1 (x_Na − x_K) + L2 (x_Na − x_K)²]``.
* Solids: dilute ideal solid solutions K(ss) (Na in bcc K) and Na(ss) (K in bcc Na), whose
  solute energies follow from the limiting solidus slopes of Bale (1982) / Ott et al. (1969)
  (0.10 and 0.033 at%/K [F]; see :func:`distribution_coefficients`), and the line compound
  Na2K; fusion Gibbs energies ``ΔG_fus,i(T) = ΔH_fus,i (1 − T/T_m,i)``. Missing or zero
  slopes give pure solids.
* Fit [I] (:func:`fit_liquid_parameters`, the :class:`DefaultAlloy` values): L0 = 2700,
  L1 = 371, L2 = 375 J/mol reproduce the 25 °C window 0.147–0.703 (Xue 2018) and the
  eutectic −12.6 °C at 67 at% K to within 0.0002 and 0.01 K. A 2-term fit
  (L0 = 3648, L1 = 243 J/mol, insoluble solids) gives −6.0 °C and x = 0.117;
  3 terms without solid solubility leave the K-rich liquidus 0.017 low.
* References for chemical potentials are the pure *liquids* at the same T.

Sign convention of the OCV: ``V = φ_WE − φ_CE`` for a NaK working electrode against a
Na(s) counter electrode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .errors import ParameterError, Problem
from .rootfind import brentq  # scipy.optimize.brentq, without importing scipy

# --- physical constants (CODATA 2018) and molar masses -----------------------------------
GAS_CONSTANT = 8.314462618  # J/(mol K)
FARADAY = 96485.33212  # C/mol
MOLAR_MASS_NA = 22.98977e-3  # kg/mol
MOLAR_MASS_K = 39.0983e-3  # kg/mol
X_NA_NA2K = 2.0 / 3.0  # mole fraction of Na in the compound Na2K

_KCAL = 4184.0  # J/kcal


@dataclass(frozen=True)
class DefaultAlloy:
    """Fallback alloy parameters (the defaults of ``default_parameters.toml``, with sources).

    Field names are those of ``Parameters.alloy``; values are SI.
    """

    # [I] 3-term fit (fit_liquid_parameters) to the 25 degC window, eutectic T and x, with
    # the solid solubilities below; the 2-term starter L0 = 3648, L1 = 243 J/mol (insoluble
    # solids) gives a eutectic at -6 degC and a 25 degC K-rich liquidus at x_Na = 0.117
    redlich_kister_L0: float = 2700.0  # J/mol
    redlich_kister_L1: float = 371.0  # J/mol
    redlich_kister_L2: float = 375.0  # J/mol
    na_tracer_diffusivity_prefactor: float = 0.86e-3 * 1e-4  # m^2/s [F]
    na_tracer_activation_energy: float = 2.22 * _KCAL  # J/mol [F]
    k_tracer_diffusivity_prefactor: float = 0.76e-3 * 1e-4  # m^2/s [F]
    k_tracer_activation_energy: float = 2.02 * _KCAL  # J/mol [F]
    interdiffusivity_factor: float = 1.0  # [-] assumption multiplier
    na_molar_volume: float = 23.75e-6  # m^3/mol [I]
    k_molar_volume: float = 45.36e-6  # m^3/mol [I]
    na_melting_point: float = 370.85  # K (97.7 degC) [F]
    na_enthalpy_of_fusion: float = 2600.0  # J/mol [F]
    k_melting_point: float = 336.65  # K (63.5 degC) [F]
    k_enthalpy_of_fusion: float = 2330.0  # J/mol [F]
    na2k_peritectic_temperature: float = 280.15  # K (7 degC) [M]
    # limiting solidus slopes dx_solute(solid)/d(T_m - T): Bale 1982 from Ott 1969 [F]
    k_solidus_limiting_slope: float = 0.10e-2  # 1/K (0.10 at% Na per K, Na in solid K)
    na_solidus_limiting_slope: float = 0.033e-2  # 1/K (0.033 at% K per K, K in solid Na)


# --- literature reference points (for validation and plots) ------------------------------
XUE_2018 = "Xue et al., JACS 140 (2018) 3292"
EUTECTIC_SOURCE = "standard NaK data (eutectic -12.6 degC, 77-78 wt% K)"
NA2K_SOURCE = "Bale, Bull. Alloy Phase Diagr. 3 (1982); Ott et al., Trans. Faraday Soc. 65 (1969)"
MELTING_SOURCE = "standard data (CRC)"

LITERATURE_POINTS = {
    "liquid_window_25C": {"T": 298.15, "x_na": (0.147, 0.703), "source": XUE_2018},
    "eutectic": {"T": 260.55, "x_na": (0.32, 0.34), "source": EUTECTIC_SOURCE},
    "na2k_peritectic": {"T": 280.15, "x_na": X_NA_NA2K, "source": NA2K_SOURCE},
    "na_melting": {"T": 370.85, "x_na": 1.0, "source": MELTING_SOURCE},
    "k_melting": {"T": 336.65, "x_na": 0.0, "source": MELTING_SOURCE},
}


# --- parameter handling ------------------------------------------------------------------
@lru_cache(maxsize=1)
def _default_alloy():
    try:
        from .parameters import load_parameters  # lands with the lead's parameters.py
    except ImportError:
        return DefaultAlloy()
    return load_parameters().alloy


def alloy_parameters(params=None):
    """The alloy section to use: ``params.alloy``, ``params`` itself, or the defaults."""
    if params is None:
        return _default_alloy()
    if hasattr(params, "alloy"):
        return params.alloy
    if hasattr(params, "redlich_kister_L0"):
        return params
    raise ParameterError(
        Problem("params", "not a Parameters object or its alloy section", type(params).__name__,
                "nakmodel.Parameters, Parameters.alloy or None")
    )


def _as_x(x_na, key: str = "x_na") -> np.ndarray:
    try:
        x = np.asarray(x_na, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            Problem(key, "not a number", x_na, "mole fraction of Na in [0, 1] (-)")
        ) from None
    if np.any(~np.isfinite(x)) or np.any(x < 0.0) or np.any(x > 1.0):
        bad = x[~(np.isfinite(x) & (x >= 0.0) & (x <= 1.0))]
        raise ParameterError(
            Problem(key, "mole fraction out of range", bad.ravel()[0].item(),
                    "mole fraction of Na in [0, 1] (-), finite")
        )
    return x


def _as_T(T, key: str = "T") -> np.ndarray:
    if isinstance(T, str):
        from .units import to_si

        T = to_si(T, "K", key=key)
    try:
        t = np.asarray(T, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(Problem(key, "not a number", T, "temperature in K, > 0")) from None
    if np.any(~np.isfinite(t)) or np.any(t <= 0.0):
        bad = t[~(np.isfinite(t) & (t > 0.0))]
        raise ParameterError(
            Problem(key, "temperature must be finite and positive", bad.ravel()[0].item(),
                    "temperature in K, > 0 (0 < T)")
        )
    return t


def _out(a):
    a = np.asarray(a, dtype=float)
    return a.item() if a.ndim == 0 else a


# --- liquid solution ---------------------------------------------------------------------
def excess_gibbs_energy(x_na, T, params=None):
    """Molar excess Gibbs energy of the liquid [J/mol].

    ``G_ex = x_Na x_K [L0 + L1 (x_Na − x_K) + L2 (x_Na − x_K)²]`` (Redlich–Kister;
    docs/theory/thermodynamics.md). ``T`` is accepted for interface symmetry (L0, L1 are constant).
    """
    a = alloy_parameters(params)
    x = _as_x(x_na)
    _as_T(T)
    xk = 1.0 - x
    L0, L1, L2 = _rk(a)
    return _out(x * xk * (L0 + L1 * (x - xk) + L2 * (x - xk) ** 2))


def redlich_kister_coefficients(params=None):
    """(L0, L1, L2) [J/mol] of the liquid; L2 is optional (``redlich_kister_L2``, default 0)."""
    return _rk(alloy_parameters(params))


def _rk(a):
    return (a.redlich_kister_L0, a.redlich_kister_L1, getattr(a, "redlich_kister_L2", 0.0))


def _ln_gamma(x, T, a):
    """(ln γ_Na, ln γ_K) from the Redlich–Kister liquid, no validation.

    With y = x_Na − x_K:  RT ln γ_Na = x_K² Σ_k L_k y^(k−1) [(2k+1) x_Na − x_K],
    RT ln γ_K = x_Na² Σ_k L_k y^(k−1) [x_Na − (2k+1) x_K]  (k = 0 term: L0 x_K², L0 x_Na²),
    e.g. RT ln γ_Na = x_K² [L0 + L1 (3 x_Na − x_K) + L2 (x_Na − x_K)(5 x_Na − x_K)].
    """
    xk = 1.0 - x
    y = x - xk
    rt = GAS_CONSTANT * T
    L0, L1, L2 = _rk(a)
    ln_na = xk**2 * (L0 + L1 * (3.0 * x - xk) + L2 * y * (5.0 * x - xk)) / rt
    ln_k = x**2 * (L0 + L1 * (x - 3.0 * xk) + L2 * y * (x - 5.0 * xk)) / rt
    return ln_na, ln_k


def activity_coefficient_na(x_na, T, params=None):
    """Activity coefficient of Na in the liquid (pure-liquid reference) [-].

    ``RT ln γ_Na = x_K² [L0 + L1 (3 x_Na − x_K)]`` + the L2 term (Redlich–Kister;
    docs/theory/thermodynamics.md).
    """
    x, t = _as_x(x_na), _as_T(T)
    return _out(np.exp(_ln_gamma(x, t, alloy_parameters(params))[0]))


def activity_coefficient_k(x_na, T, params=None):
    """Activity coefficient of K in the liquid (pure-liquid reference) [-].

    ``RT ln γ_K = x_Na² [L0 − L1 (3 x_K − x_Na)]`` + the L2 term (Redlich–Kister;
    docs/theory/thermodynamics.md).
    """
    x, t = _as_x(x_na), _as_T(T)
    return _out(np.exp(_ln_gamma(x, t, alloy_parameters(params))[1]))


def activity_na(x_na, T, params=None):
    """Activity of Na in the liquid, pure liquid Na reference: ``a_Na = x_Na γ_Na`` [-]."""
    x, t = _as_x(x_na), _as_T(T)
    return _out(x * np.exp(_ln_gamma(x, t, alloy_parameters(params))[0]))


def activity_k(x_na, T, params=None):
    """Activity of K in the liquid, pure liquid K reference: ``a_K = x_K γ_K`` [-]."""
    x, t = _as_x(x_na), _as_T(T)
    return _out((1.0 - x) * np.exp(_ln_gamma(x, t, alloy_parameters(params))[1]))


def chemical_potential_na(x_na, T, params=None):
    """``μ_Na − μ°_Na(liquid) = RT ln(x_Na γ_Na)`` [J/mol] (−inf at x_Na = 0)."""
    x, t = _as_x(x_na), _as_T(T)
    with np.errstate(divide="ignore"):
        return _out(GAS_CONSTANT * t * (np.log(x) + _ln_gamma(x, t, alloy_parameters(params))[0]))


def chemical_potential_k(x_na, T, params=None):
    """``μ_K − μ°_K(liquid) = RT ln(x_K γ_K)`` [J/mol] (−inf at x_Na = 1)."""
    x, t = _as_x(x_na), _as_T(T)
    with np.errstate(divide="ignore"):
        return _out(
            GAS_CONSTANT * t * (np.log1p(-x) + _ln_gamma(x, t, alloy_parameters(params))[1])
        )


def _dln_gamma_na_dx(x, T, a):
    """d ln γ_Na / d x_Na, analytic derivative of :func:`_ln_gamma` (x_K = 1 − x_Na)."""
    xk = 1.0 - x
    y = x - xk
    L0, L1, L2 = _rk(a)
    bracket = L0 + L1 * (3.0 * x - xk) + L2 * y * (5.0 * x - xk)
    dbracket = 4.0 * L1 + L2 * (2.0 * (5.0 * x - xk) + 6.0 * y)
    return (-2.0 * xk * bracket + xk**2 * dbracket) / (GAS_CONSTANT * T)


def thermodynamic_factor(x_na, T, params=None):
    """Thermodynamic factor ``Φ = 1 + d ln γ_Na / d ln x_Na`` [-] (analytic, Redlich–Kister).

    Φ ≤ 0 would mean the liquid is inside its spinodal (only below ≈ L0/2R ≈ 220 K here).
    """
    x, t = _as_x(x_na), _as_T(T)
    return _out(1.0 + x * _dln_gamma_na_dx(x, t, alloy_parameters(params)))


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
        raise ParameterError(Problem("phase", "unknown solid phase", phase, "'K', 'Na' or 'Na2K'"))
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
        raise ParameterError(Problem("phase", "unknown solid solution", phase, "'K' or 'Na'"))
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
            Problem("alloy.redlich_kister_L0", "no K/Na2K eutectic between 200 K and the "
                    "peritectic", _rk(a), "Redlich–Kister (J/mol) and fusion parameters giving "
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
        raise ParameterError(Problem(
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


def _alloy_key(a):
    """A hashable version of the alloy parameters for caching."""
    try:
        hash(a)
        return a
    except TypeError:
        return DefaultAlloy(**{f: getattr(a, f, 0.0) for f in DefaultAlloy.__dataclass_fields__})


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


# --- electrochemistry --------------------------------------------------------------------
def ocv_vs_na(x_na, T, params=None):
    """Equilibrium potential of the NaK electrode vs Na(s) [V]: ``E = −(μ_Na − G_Na(s))/F``.

    In the liquid ``E = −[RT ln a_Na + ΔG_fus,Na(T)]/F`` (a_Na vs pure liquid Na,
    ``ΔG_fus,Na ≈ ΔH_fus (1 − T/T_m)``; docs/theory/thermodynamics.md): positive, a few mV.
    Two-phase fields hold the potential of the coexisting liquid (liquidus value). In K(ss)
    (x ≤ x_s) ``E = −[g_Na + RT ln x + ΔG_fus,Na]/F``; in Na(ss) ``E = −RT ln x_Na/F``;
    Na2K + Na(ss) holds the Na(ss) value. Without solubility E = 0 at the Na-rich liquidus.
    NaN below the eutectic.
    """
    x, t = np.broadcast_arrays(_as_x(x_na), _as_T(T))
    a = alloy_parameters(params)
    b = phase_boundaries(t, a)
    low, s_low, high, s_high, na_ss = (np.asarray(v, dtype=float) for v in (
        b.liquid_low, b.solid_low, b.liquid_high, b.solid_high, b.na_ss_with_na2k))
    g_na, _ = _solute_gibbs_energies(a)
    rt = GAS_CONSTANT * t
    dg_na = a.na_enthalpy_of_fusion * (1 - t / a.na_melting_point)
    x_eff = np.clip(x, low, high)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = -(rt * (np.log(x_eff) + _ln_gamma(x_eff, t, a)[0]) + dg_na) / FARADAY
        if not math.isinf(g_na):  # single-phase K(ss)
            e = np.where(x <= s_low, -(g_na + rt * np.log(x) + dg_na) / FARADAY, e)
        below_p = t < a.na2k_peritectic_temperature
        na_ss_x = np.where(below_p, na_ss, s_high)  # Na(ss) composition in its 2-phase field
        e = np.where(below_p & (x >= X_NA_NA2K), -rt * np.log(na_ss_x) / FARADAY, e)
        e = np.where(x >= na_ss_x, -rt * np.log(x) / FARADAY, e)  # single-phase Na(ss)
    e = np.where(np.isnan(low), np.nan, e)
    return _out(e)


# --- transport ---------------------------------------------------------------------------
def tracer_diffusivity_na(T, params=None):
    """Tracer (self-)diffusivity of Na in the liquid: ``D* = D0 exp(−Q/RT)`` [m²/s]."""
    a, t = alloy_parameters(params), _as_T(T)
    return _out(a.na_tracer_diffusivity_prefactor
                * np.exp(-a.na_tracer_activation_energy / (GAS_CONSTANT * t)))


def tracer_diffusivity_k(T, params=None):
    """Tracer (self-)diffusivity of K in the liquid: ``D* = D0 exp(−Q/RT)`` [m²/s]."""
    a, t = alloy_parameters(params), _as_T(T)
    return _out(a.k_tracer_diffusivity_prefactor
                * np.exp(-a.k_tracer_activation_energy / (GAS_CONSTANT * t)))


def interdiffusivity(x_na, T, params=None):
    """Chemical interdiffusivity of the liquid [m²/s] (Darken).

    ``D̃ = f Φ (x_K D*_Na + x_Na D*_K)`` with Φ from :func:`thermodynamic_factor`, tracer
    diffusivities from the pure-liquid Arrhenius fits ("Self-diffusion in liquid alkali
    metals" (1972); docs/theory/transport.md) and the assumption multiplier
    ``f = interdiffusivity_factor``.
    """
    x, t = _as_x(x_na), _as_T(T)
    a = alloy_parameters(params)
    d_na = a.na_tracer_diffusivity_prefactor * np.exp(
        -a.na_tracer_activation_energy / (GAS_CONSTANT * t))
    d_k = a.k_tracer_diffusivity_prefactor * np.exp(
        -a.k_tracer_activation_energy / (GAS_CONSTANT * t))
    phi = 1.0 + x * _dln_gamma_na_dx(x, t, a)
    return _out(a.interdiffusivity_factor * phi * ((1.0 - x) * d_na + x * d_k))


# --- capacity ----------------------------------------------------------------------------
def molar_mass(x_na):
    """Molar mass of the alloy per mole of atoms [kg/mol]."""
    x = _as_x(x_na)
    return _out(x * MOLAR_MASS_NA + (1.0 - x) * MOLAR_MASS_K)


def molar_volume(x_na, params=None):
    """Ideal molar volume of the alloy ``V = x_Na V_Na + x_K V_K`` [m³/mol]."""
    a, x = alloy_parameters(params), _as_x(x_na)
    return _out(x * a.na_molar_volume + (1.0 - x) * a.k_molar_volume)


_INVENTORY_TARGETS = ("K-liquidus", "Na-liquidus")


def inventory(alloy_or_x_na, T, to="K-liquidus", thickness=None, params=None):
    """Na charge exchangeable before the liquid reaches a liquidus [C/kg, or C/m²].

    Stripping n mol Na from 1 mol of alloy at x0 gives ``(x0 − n)/(1 − n) = x_low``, so
    ``n = (x0 − x_low)/(1 − x_low)``; plating to the Na-rich liquidus gives
    ``n = (x_high − x0)/(1 − x_high)``. Charge ``q = n F`` per mole of initial alloy,
    divided by its molar mass (C/kg) or, for a uniform layer of ``thickness`` [m], times
    ``thickness / V_m`` with ideal ``V_m`` (C/m²). Zero if x0 is already past the liquidus.
    ``alloy_or_x_na`` is x_Na, a composition (``.x_na``), a label such as ``"NaK65"``, or an
    ``AlloyParameters`` / ``Parameters`` object (whose composition and, unless ``params``
    is given, whose liquid parameters are used).
    """
    if params is None and hasattr(alloy_or_x_na, "redlich_kister_L0"):
        params = alloy_or_x_na
    if params is None and hasattr(alloy_or_x_na, "alloy"):
        params = alloy_or_x_na
    if isinstance(alloy_or_x_na, str) or hasattr(alloy_or_x_na, "composition") \
            or hasattr(alloy_or_x_na, "alloy"):
        from .composition import x_na as _composition_x_na

        alloy_or_x_na = _composition_x_na(alloy_or_x_na)
    x0 = getattr(alloy_or_x_na, "x_na", alloy_or_x_na)
    x = _as_x(x0, key="alloy_or_x_na")
    t = _as_T(T)
    if to not in _INVENTORY_TARGETS:
        raise ParameterError(Problem("to", "unknown target", to, "'K-liquidus' or 'Na-liquidus'"))
    a = alloy_parameters(params)
    low, high = (np.asarray(v, dtype=float) for v in liquid_window(t, a))
    if np.any(np.isnan(low)):
        te = _window_constants(_alloy_key(a))[1]
        raise ParameterError(
            Problem("T", "no liquid exists at this temperature (below the eutectic)",
                    float(np.min(t)), f"temperature in K above the model eutectic {te:.2f} K")
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        if to == "K-liquidus":
            n = np.clip((x - low) / (1.0 - low), 0.0, None)
        else:  # above T_m,Na the liquid takes any amount of Na
            n = np.where(high >= 1.0, np.inf, np.clip((high - x) / (1.0 - high), 0.0, None))
    q = n * FARADAY
    if thickness is None:
        return _out(q / (x * MOLAR_MASS_NA + (1.0 - x) * MOLAR_MASS_K))
    from .units import to_si

    h = np.asarray(thickness, dtype=float) if not isinstance(thickness, str) else to_si(
        thickness, "m", key="thickness")
    if np.any(~np.isfinite(h)) or np.any(h <= 0):
        raise ParameterError(Problem("thickness", "must be positive and finite", thickness,
                                     "layer thickness in m, > 0"))
    return _out(q * h / (x * a.na_molar_volume + (1.0 - x) * a.k_molar_volume))


# --- fitting the liquid to the phase diagram ---------------------------------------------
def fit_liquid_parameters(params=None, *, terms: int = 3, window_T: float = 298.15,
                          window=(0.147, 0.703), eutectic_point=(260.55, 0.33),
                          tolerances=(0.005, 1.0)):
    """Least-squares fit of the Redlich–Kister terms to the phase-diagram points [I].

    Minimises Σ((x_model − x_ref)/σ_x)² + ((T_e − T_e,ref)/σ_T)² over the 25 °C liquid window
    (Xue et al. 2018), the eutectic temperature and composition (standard NaK data), with the
    fusion data and the Na2K peritectic of ``params``; rejects parameter sets whose liquid is
    unstable (Φ ≤ 0.05) above the eutectic. Returns ``{"redlich_kister_L0": ..., ...}`` and the
    weighted residuals. ``params=None`` fits with :class:`DefaultAlloy` (solid solubilities
    included): L0 ≈ 2699.6, L1 ≈ 371.0, L2 ≈ 374.7 J/mol, residuals (−0.03, −0.002, 0.004,
    0.014) σ. Without solid solubility the best 3-term fit is L0 ≈ 2837, L1 ≈ 196,
    L2 ≈ 733 J/mol with the K-rich liquidus 0.017 low. Takes a few seconds.
    """
    import dataclasses

    from scipy.optimize import minimize

    if params is None:
        base = DefaultAlloy()
    else:  # optional fields (L2, solidus slopes) absent from params count as 0
        given = alloy_parameters(params)
        base = DefaultAlloy(**{f: getattr(given, f, 0.0)
                               for f in DefaultAlloy.__dataclass_fields__})
    names = ("redlich_kister_L0", "redlich_kister_L1", "redlich_kister_L2")[:terms]
    sx, st = tolerances
    grid = np.linspace(0.001, 0.999, 400)

    def residuals(p):
        a = dataclasses.replace(base, **dict(zip(names, p, strict=True)))
        try:
            te, xe = _eutectic(a)
            if np.min(1.0 + grid * _dln_gamma_na_dx(grid, te, a)) <= 0.05:
                return None
            low, high = _window_scalar(window_T, a)
        except (ParameterError, ValueError, ZeroDivisionError):
            return None
        return np.array([(low - window[0]) / sx, (high - window[1]) / sx,
                         (te - eutectic_point[0]) / st, (xe - eutectic_point[1]) / sx])

    def objective(p):
        r = residuals(p)
        return 1e9 if r is None else float(r @ r)

    best = None
    for start in ([3000.0, 0.0, 0.0], [3600.0, 300.0, 1000.0], [3000.0, 200.0, 700.0]):
        res = minimize(objective, start[:terms], method="Nelder-Mead",
                       options={"xatol": 0.1, "fatol": 1e-8, "maxiter": 3000})
        if best is None or res.fun < best.fun:
            best = res
    return dict(zip(names, (float(v) for v in best.x), strict=True)), residuals(best.x)
