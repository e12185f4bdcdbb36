"""Measured-spectrum analysis: Kramers-Kronig validation and the distribution of relaxation times.

- :func:`kramers_kronig` (Lin-KK, Schönleber et al. 2014) → :class:`KKResult`;
- :data:`DEFAULT_SETTINGS` (a :class:`DRTSettings`, ``settings.py``): the one set of DRT
  defaults of the API, ``nakmodel drt``, ``nakmodel compare`` and the study plots;
- :func:`compute` (DRT inversion, ``inversion.py``) and :func:`compare` (model vs
  measurement, ``compare.py``) and the other DRT helpers are imported lazily on first use,
  so ``import nakmodel.drt`` stays light.
"""

from __future__ import annotations

import importlib

from .kramers_kronig import KKResult, KramersKronigWarning, kramers_kronig

# names provided by the DRT modules, loaded on first access (PEP 562)
_LAZY = {
    "compute": "inversion",
    "DRT": "inversion",
    "compare": "compare",
    "plot_comparison": "compare",
    "drt_series": "series",
    "plot_drt_heatmap": "series",
    "Peak": "peaks",
    "find_peaks": "peaks",
    "largest_in_band": "peaks",
    "band_resistance": "peaks",
    "choose_lambda": "regularization",
    "DRTSeries": "series",
    "LambdaBoundWarning": "regularization",
    "DRTSettings": "settings",
    "DEFAULT_SETTINGS": "settings",
    "load_drt": "saved",
    "SavedDRT": "saved",
}
_SEARCH = ("inversion", "result", "settings", "compare", "series", "peaks", "regularization",
           "uncertainty", "basis", "analytic")

__all__ = ["KKResult", "KramersKronigWarning", "kramers_kronig", *_LAZY]


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    modules = [_LAZY[name]] if name in _LAZY else []
    modules += [m for m in _SEARCH if m not in modules]
    for module_name in modules:
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module_name}":
                raise
            continue
        if hasattr(module, name):
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
