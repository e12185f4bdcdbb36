"""The liquid solution: Redlich–Kister excess Gibbs energy, activities, chemical potentials."""

from __future__ import annotations

import numpy as np

from ..constants import GAS_CONSTANT
from .alloy import _as_T, _as_x, _out, alloy_parameters


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
