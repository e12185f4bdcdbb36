"""Bad input fails before any solve (ParameterError naming the key); solver failure raises
ConvergenceError carrying the state."""

from __future__ import annotations

import pytest

from nakmodel.errors import ConvergenceError, ParameterError
from nakmodel.model.meshes import interval_cell
from nakmodel.model.problem import CoupledProblem, NewtonOptions
from nakmodel.model.simulation import ConstantCurrent, Simulation
from nakmodel.model.stepping import StepControl
from nakmodel.parameters import load_parameters


def test_dt_min_above_dt_max_is_rejected():
    with pytest.raises(ParameterError, match="numerics.dt_min"):
        StepControl(dt_initial=1.0, dt_min=10.0, dt_max=1.0)


def test_dt_min_above_dt_max_from_parameters_fails_before_solving():
    with pytest.raises(ParameterError, match="dt_min"):
        p = load_parameters({"numerics.dt_min": "2 h", "numerics.dt_max": "10 s"})
        Simulation(interval_cell(1e-3, 1e-4, 4, 4), p, ConstantCurrent(1.0, 60.0)).run()


@pytest.mark.parametrize("kwargs, key", [({"rtol": 2.0}, "newton_rtol"),
                                         ({"atol": -1.0}, "newton_atol"),
                                         ({"max_iterations": 0}, "newton_max_iterations")])
def test_nonsensical_newton_options(kwargs, key):
    with pytest.raises(ParameterError, match=key):
        NewtonOptions(**kwargs)


def test_step_without_end_fails_before_meshing():
    sim = Simulation(interval_cell(1e-3, 1e-4, 4, 4), load_parameters(), ConstantCurrent(1.0))
    with pytest.raises(ParameterError, match="duration"):
        sim.run()
    assert sim.problem is None  # nothing was assembled


def test_initial_composition_outside_0_1():
    with pytest.raises(ParameterError, match="alloy.composition"):
        CoupledProblem(interval_cell(1e-3, 1e-4, 4, 4), temperature=298.15, x_initial=1.2)


def test_newton_failure_raises_convergence_error_with_state():
    p = load_parameters({"numerics.newton_max_iterations": 1, "numerics.newton_rtol": 1e-15,
                         "numerics.newton_atol": 1e-30, "numerics.max_retries": 2})
    sim = Simulation(interval_cell(1e-3, 1e-4, 4, 4), p, ConstantCurrent(10.0, 600.0))
    with pytest.raises(ConvergenceError) as info:
        sim.run()
    err = info.value
    assert err.time == 0.0 and err.dt is not None and err.dt < p.numerics.dt_initial
    assert err.history and "voltage" in err.state
    assert err.result.termination.startswith("convergence failure")
    assert len(err.result) == 1  # only the initial state was recorded
