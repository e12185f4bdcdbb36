"""Small-signal impedance of the model and its exact relaxation spectrum.

* :func:`impedance` — Z(f) of the FE model linearised at a state (GEIS or PEIS);
* :func:`relaxation_spectrum` — its modes (τ_k, R_k, region): the model's exact DRT;
* :func:`plot_modes` — the modes as lines over a DRT;
* :func:`time_domain_impedance` — the same Z from the transient model (cross-check);
* :class:`LinearizedSystem`, :class:`RelaxationSpectrum` — the generic linear algebra.

The package itself is callable, ``nakmodel.impedance(cell, parameters, frequencies)`` ==
``nakmodel.impedance.impedance(...)``: the top-level name ``nakmodel.impedance`` is this
package as soon as any of its submodules is imported, so a plain function export could not
keep that name reliably.
"""

import sys
import types

from .linear import LinearizedSystem, RelaxationSpectrum, check_frequencies
from .model import Excitation, ModelLinearisation, impedance, linearise
from .modes import ModelRelaxationSpectrum, plot_modes, relaxation_spectrum

__all__ = ["Excitation", "LinearizedSystem", "ModelLinearisation", "ModelRelaxationSpectrum",
           "RelaxationSpectrum", "check_frequencies", "impedance", "linearise", "plot_modes",
           "relaxation_spectrum", "time_domain_impedance"]


class _CallablePackage(types.ModuleType):
    """``nakmodel.impedance(...)`` calls :func:`impedance`."""

    def __call__(self, *args, **kwargs):
        return impedance(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage


def __getattr__(name):
    if name == "time_domain_impedance":
        from .timedomain import time_domain_impedance

        return time_domain_impedance
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
