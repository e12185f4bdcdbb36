"""The open-circuit potential of the NaK electrode vs Na(s)."""

from __future__ import annotations

import math

import numpy as np

from ..constants import FARADAY, GAS_CONSTANT
from .alloy import X_NA_NA2K, _as_T, _as_x, _out, alloy_parameters
from .liquid import _ln_gamma
from .phase_diagram import _solute_gibbs_energies, phase_boundaries


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
