"""Terminations own their events and margins (issue #15 item 3): one formula per condition,
shared by the live time-stepper events, the margins on a finished run and the CCD criteria;
a user-defined termination ends a real simulation step."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pytest

from nakmodel.protocol import (
    BaseTermination,
    CapacityLimit,
    CurrentLimit,
    Liquidus,
    Protocol,
    SolidCoverage,
    Strip,
    TimeLimit,
    VoltageLimit,
)
from nakmodel.protocol.terminations import StepContext

RUN = SimpleNamespace(
    time=np.array([0.0, 10.0, 20.0, 30.0]),
    voltage=np.array([0.0, 0.2, 0.6, 1.1]),
    capacity=np.array([5.0, 15.0, 25.0, 35.0]),
    current_density=np.array([-4.0, -3.0, -1.0, -0.5]),
    x_interface_min=np.array([0.5, 0.3, 0.2, 0.15]),
    x_interface_max=np.array([0.5, 0.6, 0.7, 0.78]),
    liquid_fraction_interface=np.array([1.0, 0.9, 0.6, 0.2]),
)
WINDOW = (0.147, 0.75)


class FakeProblem:
    """The attributes the built-in events read from a CoupledProblem."""

    def __init__(self, voltage=0.5, x_min=0.3, x_max=0.6, liquid=0.7):
        self.voltage = SimpleNamespace(value=voltage)
        self.x_liquidus_k, self.x_liquidus_na = WINDOW
        self._x_min, self._x_max, self._liquid = x_min, x_max, liquid

    def interface_x_min(self):
        return self._x_min

    def interface_x_max(self):
        return self._x_max

    def functional(self, name):
        return {"liquid_area": self._liquid * 2.0, "area_interface": 2.0}[name]


def test_margins_on_a_run_are_the_conditions():
    np.testing.assert_allclose(VoltageLimit(1.0, "above").margin(RUN, 1.0),
                               [-1.0, -0.8, -0.4, 0.1])
    np.testing.assert_allclose(VoltageLimit(0.1, "below").margin(RUN, 0.0),
                               [0.1, -0.1, -0.5, -1.0])
    np.testing.assert_allclose(CapacityLimit(20.0).margin(RUN, 1.0), [-20, -10, 0, 10])
    np.testing.assert_allclose(TimeLimit(15.0).margin(RUN, 1.0), [-15, -5, 5, 15])
    np.testing.assert_allclose(CurrentLimit(2.0).margin(RUN, 0.0), [-2, -1, 1, 1.5])
    np.testing.assert_allclose(SolidCoverage(0.5).margin(RUN, 1.0), [-0.5, -0.4, -0.1, 0.3])
    strip = Liquidus().margin(RUN, 1.0, WINDOW)
    plate = Liquidus().margin(RUN, -1.0, WINDOW)
    np.testing.assert_allclose(strip, 0.147 - RUN.x_interface_min)
    np.testing.assert_allclose(plate, RUN.x_interface_max - 0.75)
    np.testing.assert_allclose(Liquidus().margin(RUN, 0.0, WINDOW), np.maximum(strip, plate))
    assert Liquidus().margin(RUN, 1.0, WINDOW, tolerance=0.01)[3] == pytest.approx(0.007)


def test_live_events_use_the_same_formulas():
    pb = FakeProblem(voltage=0.5, x_min=0.3, x_max=0.6, liquid=0.7)
    ctx = StepContext(sign=1.0, current_of=lambda p, dt: -3.0,
                      step_capacity_of=lambda p, dt: -12.0)
    (ev,) = VoltageLimit(0.2, "above").events(ctx)
    assert ev.function(pb, 1.0) == pytest.approx(0.3) and ev.defined_at_start is False
    (ev,) = VoltageLimit(-0.2, "below").events(ctx)
    assert ev.function(pb, 1.0) == pytest.approx(-0.7)
    (ev,) = CapacityLimit(10.0).events(ctx)
    assert ev.function(pb, 1.0) == pytest.approx(2.0) and ev.defined_at_start is True
    (ev,) = CurrentLimit(5.0, "below").events(ctx)
    assert ev.function(pb, 1.0) == pytest.approx(2.0) and ev.defined_at_start is False
    (ev,) = SolidCoverage(0.25).events(ctx)
    assert ev.function(pb, 1.0) == pytest.approx(0.05)
    assert TimeLimit(5.0).events(ctx) == [] and TimeLimit(5.0).duration_limit == 5.0
    assert VoltageLimit(1.0, "above").duration_limit == math.inf
    # the liquidus watches the side the step goes to; a rest watches both
    strip_events = Liquidus().events(ctx)
    assert [e.function(pb, 0.0) for e in strip_events] == [pytest.approx(0.147 - 0.3)]
    plate_events = Liquidus().events(StepContext(sign=-1.0))
    assert [e.function(pb, 0.0) for e in plate_events] == [pytest.approx(0.6 - 0.75)]
    assert len(Liquidus().events(StepContext(sign=0.0))) == 2


def test_ccd_criteria_margins_are_the_termination_margins():
    from nakmodel.ccd_extraction import (
        Direction,
        LiquidusCriterion,
        SolidCoverageCriterion,
        VoltageCriterion,
    )

    context = SimpleNamespace(liquid_window=WINDOW)
    for direction in (Direction.STRIP, Direction.PLATE):
        crit = VoltageCriterion(limit=0.5)
        expected = direction.sign * RUN.voltage - 0.5  # |V| >= 0.5 in the scan direction
        np.testing.assert_allclose(crit.margin(RUN, direction, context), expected)
        term = crit.termination(direction)
        assert isinstance(term, VoltageLimit) and term.volts == direction.sign * 0.5
        liq = LiquidusCriterion(tolerance=1e-3).margin(RUN, direction, context)
        if direction is Direction.STRIP:
            np.testing.assert_allclose(liq, 0.148 - RUN.x_interface_min)
        else:
            np.testing.assert_allclose(liq, RUN.x_interface_max - 0.749)
        np.testing.assert_allclose(SolidCoverageCriterion(0.5).margin(RUN, direction, context),
                                   0.5 - RUN.liquid_fraction_interface)


def test_a_non_termination_in_until_is_refused():
    from nakmodel.errors import ParameterError

    with pytest.raises(ParameterError, match=r"Strip\.until\[0\].*not a termination"):
        Strip(10.0, until=("1 V",))


@dataclass(frozen=True)
class MeanCompositionBelow(BaseTermination):
    """A user's termination: the area-mean interface x_Na falls below ``x``."""

    x: float

    def render(self, default_direction=None) -> str:
        return f"mean x_Na below {self.x}"

    def events(self, context):
        return [self._event(str(self), lambda p, dt: self.x - p.functional("x_area")
                            / p.functional("area_interface"))]

    def margin(self, run, sign, liquid_window=None):
        return self.x - np.asarray(run.x_interface_mean, float)


def test_a_user_termination_ends_a_real_step():
    """1D NaK80 cell stripped at 1 mA/cm2: the step ends where the user's condition is met
    (the mean interface composition reaches 0.25, located within the event tolerance),
    long before the 10 h duration."""
    from nakmodel import Cell
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters

    p = load_parameters({"alloy.composition": "NaK80"})
    cell = Cell(geometry="1d", pellet_radius="5 mm", pellet_thickness="1 mm",
                alloy_thickness="100 um")
    step = Strip(10.0, duration=36000.0, until=(MeanCompositionBelow(0.25),))
    run = Simulation(cell, p, Protocol((step,))).run()
    assert run.termination == "mean x_Na below 0.25"
    assert run.x_interface_mean[0] > 0.29 and run.time[-1] < 36000.0
    assert run.x_interface_mean[-1] == pytest.approx(0.25, abs=2e-3)
    assert np.all(run.x_interface_mean[:-1] > 0.25 - 2e-3)
    assert MeanCompositionBelow(0.25).margin(run, 1.0)[-1] == pytest.approx(0.0, abs=2e-3)
