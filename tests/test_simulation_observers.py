"""Public per-step observer API of Simulation (observers=, add_observer, profiles_every_step)
and its users TrackingSimulation / GEISRecorder."""

from __future__ import annotations

import numpy as np
import pytest

from nakmodel.errors import ParameterError
from nakmodel.geometry import Cell
from nakmodel.model.simulation import Simulation
from nakmodel.parameters import load_parameters
from nakmodel.protocol import Protocol

FARADAY = 96485.33212331001


class Log:
    """Observer that records what it is given at every call."""

    def __init__(self):
        self.calls = []

    def __call__(self, problem, t, result):
        self.calls.append((problem, t, len(result), result.capacity[-1],
                           problem.functional("inventory")))


@pytest.fixture(scope="module")
def observed():
    p = load_parameters()
    first, second = Log(), Log()
    sim = Simulation(Cell(geometry="1d", alloy_thickness=20e-6), p,
                     Protocol.parse(["Strip at 1 mA/cm2 for 5 min", "Rest for 2 min"]),
                     observers=[first], profiles_every_step=True)
    assert sim.add_observer(second) is second
    return sim, sim.run(), first, second


def test_observers_are_called_once_per_row_in_order(observed):
    sim, result, first, second = observed
    assert len(first.calls) == len(result) == len(second.calls)
    times = [c[1] for c in first.calls]
    np.testing.assert_allclose(times, result.time, rtol=0, atol=0)
    # the call for row k sees the result up to and including row k
    assert [c[2] for c in first.calls] == list(range(1, len(result) + 1))
    np.testing.assert_allclose([c[3] for c in first.calls], result.capacity)
    assert all(c[0] is sim.problem for c in first.calls + second.calls)


def test_observed_state_is_the_accepted_one(observed):
    """The problem an observer reads holds the accepted state of its row (the Na inventory
    it sees is the recorded one, not that of a rejected or bisection trial)."""
    _, result, first, _ = observed
    np.testing.assert_allclose([c[4] for c in first.calls], result.inventory, rtol=1e-12)
    assert result.capacity[-1] == pytest.approx(10.0 * 300.0, rel=1e-6)  # 1 mA/cm2, 5 min
    removed = (result.inventory[0] - result.inventory[-1]) * FARADAY / result.nominal_area
    assert removed == pytest.approx(result.faradaic_capacity[-1], rel=1e-8)


def test_profiles_every_step(observed):
    _, result, _, _ = observed
    assert len(result.profiles) == len(result)
    np.testing.assert_allclose([p.time for p in result.profiles], result.time)


def test_tracking_simulation_thins_profiles_and_calls_hooks():
    from nakmodel.study.simulation import TrackingSimulation

    log = Log()
    sim = TrackingSimulation(Cell(geometry="1d", alloy_thickness=20e-6), load_parameters(),
                             ["Strip at 1 mA/cm2 for 3 min"], profiles=3, hooks=[log])
    result = sim.run()
    assert isinstance(sim, Simulation)
    assert len(log.calls) == len(result) > 3
    # one profile per step, thinned to the steps nearest to 0, t_end/2, t_end
    nearest = result.time[np.argmin(np.abs(result.time - result.time[-1] / 2))]
    assert [p.time for p in result.profiles] == [0.0, nearest, result.time[-1]]


@pytest.mark.parametrize("kwargs", [{"observers": [42]}, {"profiles_every_step": "yes"}])
def test_bad_observer_options_raise_before_solving(kwargs):
    with pytest.raises(ParameterError):
        Simulation(Cell(geometry="1d", alloy_thickness=20e-6), load_parameters(),
                   "Strip at 1 mA/cm2 for 1 min", **kwargs)
