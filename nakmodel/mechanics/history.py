"""K_I(t)/K_IC of a flaw over a run, by superposition of one FE solve per load type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputProblem, ParameterError
from .fracture import (
    MeshOptions,
    _build_crack,
    _material,
    _parameters,
    flaw_geometry,
    stress_intensity,
)
from .loading import FlawLoadingModel, FlawState, flaw_pressure


@dataclass
class KRatioHistory:
    """Flaw pressure, K_I and K_I/K_IC along a run (arrays over ``x``: time [s] or current)."""

    x: np.ndarray
    pressure: np.ndarray
    K_I: np.ndarray
    fracture_toughness: float
    x_label: str = "time [s]"

    @property
    def k_ratio(self) -> np.ndarray:
        return self.K_I / self.fracture_toughness

    def first_onset(self) -> float | None:
        """First x where K_I >= K_IC, or None."""
        hit = np.nonzero(self.k_ratio >= 1.0)[0]
        return float(self.x[hit[0]]) if hit.size else None


def k_ratio_history(cell, parameters, states: Sequence[FlawState], x, *,
                    x_label: str = "time [s]", loading: FlawLoadingModel | None = None,
                    mesh_options: MeshOptions | None = None) -> KRatioHistory:
    """K_I(t)/K_IC for a sequence of flaw states.

    Linear elasticity: K_I(t) = k p(t) with k = K_I per unit face pressure
    from one FE solve and p(t) from :func:`~nakmodel.mechanics.loading.flaw_pressure`
    (stack pressure is not included here).  All states are validated (and
    converted to pressures) before the solve.
    """
    parameters = _parameters(parameters)
    x = np.asarray(x, dtype=float)
    if len(states) != len(x):
        raise ParameterError(InputProblem("states", "states and x differ in length",
                                          (len(states), len(x)), "one state per x value"))
    g = flaw_geometry(cell, parameters)
    loading = loading or FlawLoadingModel.from_parameters(parameters)
    pressures = np.array([flaw_pressure(s, g, loading) for s in states])
    mat = _material(parameters, None)
    options = mesh_options or MeshOptions()
    unit = stress_intensity(g, parameters, pressure=1.0, material=mat, stack_pressure=0.0,
                            mesh_options=options, crack=_build_crack(g, options))
    return KRatioHistory(x, pressures, unit.K_I * pressures, mat.fracture_toughness, x_label)


def flaw_states(overpotential, liquid_fraction=1.0, plating_current_density=0.0,
                metal_fraction=1.0) -> list[FlawState]:
    """FlawStates from arrays (broadcast) of a run: eta [V], f_L [-], i [A/m^2], metal fraction."""
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (
        overpotential, liquid_fraction, plating_current_density, metal_fraction)))
    return [FlawState(float(e), float(f), float(i), float(m)) for e, f, i, m in zip(*arrays,
                                                                                    strict=True)]


class FlawMonitor:
    """Collects the flaw state of a coupled electrochemical run, step by step.

    Call :meth:`record` after each accepted time step (``problem`` is a
    :class:`nakmodel.model.problem.CoupledProblem` whose cell has a flaw, or pass
    ``flaw``), e.g. as a simulation observer ``lambda pb, t, res: monitor.record(pb, t)``;
    :meth:`history` then gives K_I(t)/K_IC with one FE solve.
    """

    def __init__(self, flaw=None):
        from .coupling import FlawStateTracker

        self.times: list[float] = []
        self.states: list[FlawState] = []
        self.tracker = FlawStateTracker(flaw)

    def record(self, problem, time: float) -> FlawState:
        """Average the flaw faces of ``problem`` now, with the solid Na deposit grown since
        the previous record (:class:`~nakmodel.mechanics.coupling.FlawStateTracker`)."""
        state, _ = self.tracker.update(problem, time)
        self.times.append(float(time))
        self.states.append(state)
        return state

    def history(self, cell, parameters=None, **kwargs) -> KRatioHistory:
        """K_I(t)/K_IC of the recorded states (see :func:`k_ratio_history`)."""
        if not self.states:
            raise ParameterError(InputProblem("flaw_monitor", "nothing recorded", 0,
                                              "record(problem, time) at least once"))
        return k_ratio_history(cell, parameters, self.states, self.times, **kwargs)
