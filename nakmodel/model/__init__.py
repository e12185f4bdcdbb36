"""The coupled electrochemical finite-element model (dolfinx).

``Simulation(cell, parameters, protocol).run()`` -> :class:`Result`.

Modules: :mod:`thermo_ufl` (thermodynamics for UFL and numpy), :mod:`materials`
(validated properties), :mod:`interface` (kinetics strategies ``ButlerVolmer``, ``Linear``,
``Tafel``), :mod:`meshes` (simple tagged meshes), :mod:`problem` (assembly + Newton,
scipy or PETSc/MPI), :mod:`controls` (controls, Newton options and reports),
:mod:`solvers` (linear-solver presets), :mod:`snes` (PETSc SNES driver), :mod:`stepping`
(adaptive time steps), :mod:`simulation` (protocol driver, checkpoints), :mod:`result`
(time series, CSV, plots), :mod:`verification` (MMS).
Names are imported lazily (dolfinx is only loaded when used).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Simulation": "simulation", "ConstantCurrent": "simulation",
    "save_checkpoint": "simulation", "load_checkpoint": "simulation",
    "Result": "result", "InterfaceProfile": "result",
    "CoupledProblem": "problem", "CurrentControl": "controls", "VoltageControl": "controls",
    "NewtonOptions": "controls", "NewtonReport": "controls",
    "StepControl": "stepping", "AdaptiveStepper": "stepping", "Event": "stepping",
    "ButlerVolmer": "interface", "Linear": "interface", "Tafel": "interface",
    "ActivityExchangeCurrent": "interface", "ConstantExchangeCurrent": "interface",
    "AlloyProperties": "materials", "NasiconProperties": "materials",
    "ElectrodeInterface": "materials",
    "interval_cell": "meshes", "rectangle_cell": "meshes", "box_cell": "meshes",
    "TaggedCellMesh": "meshes",
    "CheckpointControl": "checkpoint",
    "LinearSolver": "solvers", "DIRECT": "solvers", "ITERATIVE": "solvers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
