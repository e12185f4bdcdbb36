"""Bad input fails before any solve (ParameterError naming the key); solver failure raises
ConvergenceError carrying the state."""

from __future__ import annotations

import numpy as np
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


@pytest.mark.parametrize("text, token", [("Strip at 1 mA/cm2 until -1 V", "-1 V"),
                                         ("Plate at 1 mA/cm2 until 1 V", "1 V")])
def test_contradictory_voltage_limit_fails_before_meshing(text, token):
    """Issue #3: these ran to 36 V / max_steps and ended in a ConvergenceError."""
    with pytest.raises(ParameterError) as info:
        Simulation(interval_cell(1e-3, 1e-4, 4, 4), load_parameters(), text)
    message = str(info.value)
    assert "never triggers" in message
    shown, carets = message.splitlines()[-2:]
    start = carets.index("^")
    assert shown[start:len(carets)] == token


def _already_met_run(protocol):
    return Simulation(interval_cell(1e-3, 1e-4, 4, 8), load_parameters(), protocol).run()


def test_voltage_limit_already_met_ends_the_step_after_its_first_time_step():
    """A voltage limit already satisfied when its step starts ends that step with its name
    after the step's first accepted time step (the voltage at a step's start still belongs
    to the previous step: it jumps with the current), instead of never firing (the crossing
    test g_old < 0 <= g_new)."""
    params = load_parameters()
    res = _already_met_run(["Strip at 1 mA/cm2 for 60 s",
                            "Rest for 60 s or until below 0.5 V",  # V ~ 25 mV < 0.5 V
                            "Strip at 1 mA/cm2 for 60 s or until above 1 mV",  # V > 1 mV
                            "Rest for 30 s"])
    assert res.step_terminations == ["duration", "below 500 mV", "above 1 mV", "duration"]
    v_strip = res.voltage[res.step == 0][-1]
    assert 1e-3 < v_strip < 0.5  # both limits were indeed met at their step's start
    first_dt = params.numerics.dt_initial
    ends = [res.time[np.flatnonzero(res.step == k)[-1]] for k in (0, 1, 2)]
    assert ends[0] == pytest.approx(60.0)
    assert 0 < ends[1] - ends[0] <= first_dt + 1e-9  # one time step each
    assert 0 < ends[2] - ends[1] <= first_dt + 1e-9
    assert res.time[-1] == pytest.approx(ends[2] + 30.0)
    step2 = (ends[2] - ends[1]) * 10.0
    assert res.capacity[-1] == pytest.approx(10.0 * 60.0 + step2, rel=1e-9)


def test_liquidus_already_reached_ends_the_next_strip_at_once():
    """'until liquidus' after a short rest at the liquidus: the second strip ends by the
    liquidus at once (already met, or re-crossed within its first tiny step when the rest
    relaxed the interface back into the liquid), negligible extra capacity.  Since issue #11
    the rest refills the interface node from the liquid behind it (x 0.146836 -> 0.146845,
    liquidus 0.146838), so the re-crossing falls inside the double-layer transient of the
    current jump (RC ~ 50 us): a few steps of ~0.1 ms, not one."""
    res = Simulation(interval_cell(1e-3, 1e-5, 4, 8), load_parameters(),
                     ["Strip at 1 mA/cm2 until liquidus", "Rest for 1 s",
                      "Strip at 1 mA/cm2 until liquidus"]).run()
    assert res.step_terminations == ["liquidus", "duration", "liquidus"]
    rows = np.flatnonzero(res.step == 2)
    assert 1 <= len(rows) <= 10
    assert res.time[rows[-1]] - res.time[rows[0] - 1] < 0.01
    first = res.capacity[rows[0] - 1]
    assert 0 <= res.capacity[rows[0]] - first < 1e-4 * first


def test_current_limit_of_a_hold_is_not_met_by_the_previous_step():
    """At the start of a hold the current is still the rest's 0 A/m^2: a 'current below'
    limit must wait for the hold's own current (which stays far above 1e-6 mA/cm2)."""
    res = _already_met_run(["Rest for 10 s",
                            "Hold at 30 mV for 60 s or until current below 1e-6 mA/cm2"])
    assert res.step_terminations == ["duration", "duration"]
    assert res.time[-1] == pytest.approx(70.0)
    assert np.all(np.abs(res.current_density[res.step == 1]) > 1e-5)
