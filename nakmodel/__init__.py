"""nakmodel: NaK liquid-alloy anodes on NASICON, by the finite-element method.

Stages (PyBaMM-like): parameters (:func:`load_parameters`), geometry
(:class:`Cell`), protocol, simulation, analysis.  Heavy modules (dolfinx) are
imported lazily, so ``import nakmodel`` is fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

from .composition import Composition, parse_composition  # noqa: E402
from .errors import (  # noqa: E402
    ConvergenceError,
    InputProblem,  # noqa: F401  (the old name of InputProblem, not in __all__)
    NakmodelError,
    ParameterError,
)
from .parameters import Parameters, load_parameters  # noqa: E402

# name -> module providing it; resolved on first access (PEP 562)
_LAZY = {
    "thermo": "nakmodel.thermo",
    "protocol": "nakmodel.protocol",
    "analysis": "nakmodel.analysis",
    "ccd": "nakmodel.ccd_extraction",
    "geometry": "nakmodel.geometry",
    "impedance": "nakmodel.impedance",  # a callable module: nakmodel.impedance(cell, ...)
    "spectrum": "nakmodel.spectrum",
    "cnls_fit": "nakmodel.cnls_fit",
    "composition": "nakmodel.composition",
    "sweep": "nakmodel.sweep",
    "mechanics": "nakmodel.mechanics",
    "drt": "nakmodel.drt",
    "io": "nakmodel.io",
    "validation": "nakmodel.validation_framework",
}
_LAZY_ATTRS: dict[str, tuple[str, str]] = {
    # geometry
    "Cell": ("nakmodel.geometry", "Cell"),
    "FullContact": ("nakmodel.geometry", "FullContact"),
    "ContactSpots": ("nakmodel.geometry", "ContactSpots"),
    "BlockedPatches": ("nakmodel.geometry", "BlockedPatches"),
    "SurfaceFlaw": ("nakmodel.geometry", "SurfaceFlaw"),
    "PorousHost": ("nakmodel.geometry", "PorousHost"),
    "CellMesh": ("nakmodel.geometry", "CellMesh"),
    "electrolyte_resistance": ("nakmodel.analysis", "electrolyte_resistance"),
    # simulation
    "Simulation": ("nakmodel.model.simulation", "Simulation"),
    "Result": ("nakmodel.model.result", "Result"),
    "StepControl": ("nakmodel.model", "StepControl"),
    "CheckpointControl": ("nakmodel.model.checkpoint", "CheckpointControl"),
    "ButlerVolmer": ("nakmodel.model", "ButlerVolmer"),
    "Linear": ("nakmodel.model", "Linear"),
    "Tafel": ("nakmodel.model", "Tafel"),
    # protocols
    "Protocol": ("nakmodel.protocol", "Protocol"),
    "Strip": ("nakmodel.protocol", "Strip"),
    "Plate": ("nakmodel.protocol", "Plate"),
    "Rest": ("nakmodel.protocol", "Rest"),
    "Hold": ("nakmodel.protocol", "Hold"),
    "Ramp": ("nakmodel.protocol", "Ramp"),
    "Staircase": ("nakmodel.protocol", "Staircase"),
    "PulseTrain": ("nakmodel.protocol", "PulseTrain"),
    "VoltageLimit": ("nakmodel.protocol", "VoltageLimit"),
    "CapacityLimit": ("nakmodel.protocol", "CapacityLimit"),
    "TimeLimit": ("nakmodel.protocol", "TimeLimit"),
    "Liquidus": ("nakmodel.protocol", "Liquidus"),
    "SolidCoverage": ("nakmodel.protocol", "SolidCoverage"),
    "CurrentLimit": ("nakmodel.protocol", "CurrentLimit"),
    # spectra, readers, Kramers-Kronig, DRT, fitting
    "Spectrum": ("nakmodel.spectrum", "Spectrum"),
    "read_spectrum": ("nakmodel.io", "read_spectrum"),
    "write_spectrum": ("nakmodel.io", "write_spectrum"),
    "kramers_kronig": ("nakmodel.drt", "kramers_kronig"),
    "fit": ("nakmodel.cnls_fit", "fit"),
    "fit_model": ("nakmodel.fe_model_fit", "fit_model"),
    "ModelFitResult": ("nakmodel.fe_model_fit", "ModelFitResult"),
    "IdentifiabilityWarning": ("nakmodel.fe_model_fit", "IdentifiabilityWarning"),
    # impedance
    "relaxation_spectrum": ("nakmodel.impedance", "relaxation_spectrum"),
    "plot_modes": ("nakmodel.impedance", "plot_modes"),
    # mechanics
    "stress_intensity": ("nakmodel.mechanics", "stress_intensity"),
    "critical_pressure": ("nakmodel.mechanics", "critical_pressure"),
    "flaw_size_sweep": ("nakmodel.mechanics", "flaw_size_sweep"),
    # critical current density
    "extract_ccd": ("nakmodel.ccd_extraction", "extract_ccd"),
    "CCDResult": ("nakmodel.ccd_extraction", "CCDResult"),
    "VoltageCriterion": ("nakmodel.ccd_extraction", "VoltageCriterion"),
    "LiquidusCriterion": ("nakmodel.ccd_extraction", "LiquidusCriterion"),
    "SolidCoverageCriterion": ("nakmodel.ccd_extraction", "SolidCoverageCriterion"),
    "CrackCriterion": ("nakmodel.ccd_extraction", "CrackCriterion"),
    # sweeps
    "run_sweep": ("nakmodel.sweep", "run_sweep"),
    "load_sweep": ("nakmodel.sweep", "load_sweep"),
}


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(_LAZY[name])
    if name in _LAZY_ATTRS:
        module, attr = _LAZY_ATTRS[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'nakmodel' has no attribute {name!r}")


__all__ = [
    "BlockedPatches",
    "Cell",
    "Composition",
    "CellMesh",
    "ContactSpots",
    "FullContact",
    "PorousHost",
    "Protocol",
    "Result",
    "Simulation",
    "CheckpointControl",
    "Strip",
    "Plate",
    "Rest",
    "Hold",
    "Ramp",
    "Staircase",
    "PulseTrain",
    "VoltageLimit",
    "CapacityLimit",
    "TimeLimit",
    "Liquidus",
    "SolidCoverage",
    "CurrentLimit",
    "Spectrum",
    "SurfaceFlaw",
    "fit",
    "fit_model",
    "kramers_kronig",
    "critical_pressure",
    "extract_ccd",
    "electrolyte_resistance",
    "flaw_size_sweep",
    "load_sweep",
    "stress_intensity",
    "plot_modes",
    "read_spectrum",
    "relaxation_spectrum",
    "run_sweep",
    "write_spectrum",
    "ConvergenceError",
    "NakmodelError",
    "ParameterError",
    "InputProblem",
    "Parameters",
    "__version__",
    "load_parameters",
    "parse_composition",
]
