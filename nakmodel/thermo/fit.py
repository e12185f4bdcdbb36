"""Fitting the liquid Redlich–Kister terms to the phase diagram."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .alloy import DefaultAlloy, alloy_parameters
from .liquid import _dln_gamma_na_dx
from .phase_diagram import _eutectic, _window_scalar


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
