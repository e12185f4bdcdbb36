"""Molar mass, molar volume and the exchangeable Na inventory of an alloy."""

from __future__ import annotations

import numpy as np

from ..constants import FARADAY
from ..errors import InputProblem, ParameterError
from .alloy import MOLAR_MASS_K, MOLAR_MASS_NA, _alloy_key, _as_T, _as_x, _out, alloy_parameters
from .phase_diagram import _window_constants, liquid_window


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
        from ..composition import x_na as _composition_x_na

        alloy_or_x_na = _composition_x_na(alloy_or_x_na)
    x0 = getattr(alloy_or_x_na, "x_na", alloy_or_x_na)
    x = _as_x(x0, key="alloy_or_x_na")
    t = _as_T(T)
    if to not in _INVENTORY_TARGETS:
        raise ParameterError(InputProblem("to", "unknown target", to,
                                          "'K-liquidus' or 'Na-liquidus'"))
    a = alloy_parameters(params)
    low, high = (np.asarray(v, dtype=float) for v in liquid_window(t, a))
    if np.any(np.isnan(low)):
        te = _window_constants(_alloy_key(a))[1]
        raise ParameterError(
            InputProblem("T", "no liquid exists at this temperature (below the eutectic)",
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
    from ..units import to_si

    h = np.asarray(thickness, dtype=float) if not isinstance(thickness, str) else to_si(
        thickness, "m", key="thickness")
    if np.any(~np.isfinite(h)) or np.any(h <= 0):
        raise ParameterError(InputProblem("thickness", "must be positive and finite", thickness,
                                          "layer thickness in m, > 0"))
    return _out(q * h / (x * a.na_molar_volume + (1.0 - x) * a.k_molar_volume))
