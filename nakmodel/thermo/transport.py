"""Tracer diffusivities and the chemical interdiffusivity of the liquid."""

from __future__ import annotations

import numpy as np

from ..constants import GAS_CONSTANT
from .alloy import _as_T, _as_x, _out, alloy_parameters
from .liquid import _dln_gamma_na_dx


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
