"""nakmodel: NaK liquid-alloy anodes on NASICON, by the finite-element method.

Stages (PyBaMM-like): parameters (:func:`load_parameters`), geometry
(:class:`Cell`), protocol, simulation, analysis.  Heavy modules (dolfinx) are
imported lazily, so ``import nakmodel`` is fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

from .composition import Composition, parse_composition  # noqa: E402
from .errors import ConvergenceError, NakmodelError, ParameterError, Problem  # noqa: E402
from .parameters import Parameters, load_parameters  # noqa: E402

# name -> module providing it; resolved on first access (PEP 562)
_LAZY = {
    "thermo": "nakmodel.thermo",
    "protocol": "nakmodel.protocol",
    "analysis": "nakmodel.analysis",
    "mechanics": "nakmodel.mechanics",
    "drt": "nakmodel.drt",
    "io": "nakmodel.io",
    "validation": "nakmodel.validation",
}
_LAZY_ATTRS: dict[str, tuple[str, str]] = {}


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(_LAZY[name])
    if name in _LAZY_ATTRS:
        module, attr = _LAZY_ATTRS[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'nakmodel' has no attribute {name!r}")


__all__ = [
    "Composition",
    "ConvergenceError",
    "NakmodelError",
    "ParameterError",
    "Parameters",
    "Problem",
    "__version__",
    "load_parameters",
    "parse_composition",
]
