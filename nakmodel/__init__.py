"""nakmodel: NaK liquid-alloy anodes on NASICON, by the finite-element method."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import ConvergenceError, NakmodelError, ParameterError  # noqa: E402

__all__ = ["ConvergenceError", "NakmodelError", "ParameterError", "__version__"]
