"""Two-phase stepping near the liquidus: the C^2 lever-rule blend (two_phase.ramp) and the
event landing of the adaptive stepper (AdaptiveStepper._predicted_step).

FE-vs-thermo agreement (0.5 mV, 1e-3 in fraction) and the halved-smoothing capacity check
(< 1 %) run with the C^2 default in tests/test_model_two_phase.py."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest

from nakmodel.geometry import Cell
from nakmodel.model import two_phase
from nakmodel.model.simulation import Simulation
from nakmodel.model.stepping import AdaptiveStepper, Event, StepControl
from nakmodel.parameters import load_parameters


def _one_sided_derivatives(f, s0, h):
    """(value, slope, curvature) of f just left and just right of s0 (one-sided 2nd order
    finite differences)."""
    left = [f(s0 - k * h) for k in range(4)]
    right = [f(s0 + k * h) for k in range(4)]

    def d1(v, sign):
        return sign * (-3 * v[0] + 4 * v[1] - v[2]) / (2 * h)

    def d2(v):
        return (2 * v[0] - 5 * v[1] + 4 * v[2] - v[3]) / h**2

    return ((left[0], d1(left, -1), d2(left)), (right[0], d1(right, 1), d2(right)))


@pytest.mark.parametrize("w", [1e-4, 2e-3])
def test_c2_blend_is_continuous_to_the_second_derivative_at_its_edges(w):
    """ramp (value), ramp_slope and ramp_curvature agree with finite differences, and value,
    slope and curvature are continuous at s = -w and s = +w; the C^1 blend is not (its
    curvature jumps by 1/(2w)), so the check can fail."""
    h = w * 1e-3
    for edge in (-w, w):
        lft, rgt = _one_sided_derivatives(lambda s: float(two_phase.ramp(s, w)), edge, h)
        for k, scale in ((0, w), (1, 1.0), (2, 1.0 / w)):
            assert abs(lft[k] - rgt[k]) < 1e-2 * scale, (edge, k, lft, rgt)
        c1 = _one_sided_derivatives(lambda s: float(two_phase.ramp(s, w, "c1")), edge, h)
        assert abs(c1[0][2] - c1[1][2]) == pytest.approx(0.5 / w, rel=1e-2)
    s = np.linspace(-1.5 * w, 1.5 * w, 301)
    ds = s[1] - s[0]
    slope_fd = np.gradient(two_phase.ramp(s, w), ds)
    curv_fd = np.gradient(two_phase.ramp_slope(s, w), ds)
    assert np.max(np.abs(slope_fd - two_phase.ramp_slope(s, w))[1:-1]) < 1e-3
    assert np.max(np.abs(curv_fd - two_phase.ramp_curvature(s, w))[2:-2]) < 2e-2 / w
    # positive part: >= max(s, 0), error 3 w / 16 at s = 0, exact outside the blend
    assert np.all(two_phase.ramp(s, w) >= np.maximum(s, 0.0) - 1e-15)
    assert float(two_phase.ramp(0.0, w)) == pytest.approx(3 * w / 16, rel=1e-12)
    out = np.abs(s) >= w
    assert np.allclose(two_phase.ramp(s, w)[out], np.maximum(s, 0.0)[out], rtol=0, atol=1e-15)


def test_c2_liquid_composition_is_smooth_across_the_liquidus():
    """x_liq(x) of the lever rule: second derivative continuous at both blend edges."""
    ph = two_phase.PhaseFields(0.02, 0.147, 0.9, 0.97, 2e-3)
    assert ph.blend == "c2"
    w = ph._w_lk()
    for edge in (0.147 - w, 0.147 + w):
        lft, rgt = _one_sided_derivatives(lambda x: float(ph.liquid_composition(x)), edge,
                                          w * 1e-3)
        assert abs(lft[1] - rgt[1]) < 1e-2 and abs(lft[2] - rgt[2]) < 1e-2 / w


class _LinearProblem:
    """Stand-in problem whose state moves linearly in time: 'solve' always converges in
    one iteration; the interface composition falls at 1e-3 per second."""

    x_liquidus_k = 0.147

    def __init__(self):
        self.t = self.t_trial = 0.0

    def solve(self, control, dt):
        from types import SimpleNamespace

        self.t_trial = self.t + dt
        return SimpleNamespace(converged=True, iterations=1, reason="", history=[])

    def state_vector(self):
        return np.array([self.t_trial])

    def scales(self):
        return np.array([1e12])

    @property
    def mesh(self):
        from types import SimpleNamespace

        from mpi4py import MPI

        return SimpleNamespace(comm=MPI.COMM_SELF)

    def interface_x_min(self):
        return 0.2 - 1e-3 * self.t

    def accept(self):
        self.t = self.t_trial

    def restore(self):
        self.t_trial = self.t


@pytest.mark.parametrize("landing", [True, False])
def test_event_landing_lands_just_past_the_crossing(landing):
    """g = t - 10.3 s with 1 s, 2 s, 4 s ... steps: with landing the step that crosses is
    predicted and ends within event_tolerance (of the step) past 10.3 s, without any
    rejected step; without landing the secant retry is needed (a rejection)."""
    p = _LinearProblem()
    control = StepControl(dt_initial=1.0, dt_max=4.0, event_landing=landing)
    st = AdaptiveStepper(p, control)
    event = Event("time", lambda prob, dt: prob.t + dt - 10.3)
    t, hit = 0.0, None
    while hit is None:
        t, hit = st.advance(t, lambda t: None, 100.0, [event])
    assert hit == "time"
    last_step = st._prev[1]
    assert 10.3 <= t <= 10.3 + control.event_tolerance * last_step
    assert (st.rejections == 0) if landing else (st.rejections >= 1)
    assert (st.landings >= 1) if landing else (st.landings == 0)


def test_event_landing_shortens_the_step_at_a_liquidus_crossing_that_is_no_event():
    """The interface crosses x_liq,K = 0.147 at t = 53 s: one step lands just past it."""
    p = _LinearProblem()
    st = AdaptiveStepper(p, StepControl(dt_initial=1.0, dt_max=16.0))
    t, times = 0.0, []
    while t < 80.0:
        t, _ = st.advance(t, lambda t: None, 80.0, [])
        times.append(t)
    t_cross = (0.2 - 0.147) / 1e-3
    after = min(x for x in times if x >= t_cross)
    before = max(x for x in times if x < t_cross)
    assert after - t_cross <= 0.5 * StepControl().event_tolerance * (after - before) * 1.01
    assert st.landings >= 1


def test_1d_capacity_to_the_liquidus_agrees_with_landing_off():
    """20 um NaK80 film stripped at 1 mA/cm2 to the liquidus (1D): landing on and off give
    the same capacity within 1e-4 relative, and landing does not cost Newton iterations."""
    p = load_parameters({"alloy.composition": "NaK80"})
    cell = Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="20 um",
                mesh_size="1 um")
    out = {}
    for landing in (False, True):
        control = StepControl.from_parameters(p, event_landing=landing)
        res = Simulation(cell, p, "Strip at 1 mA/cm2 until liquidus",
                         step_control=control).run()
        assert res.termination == "liquidus"
        out[landing] = (res.capacity[-1], res.info["newton_iterations"],
                        res.liquid_window[0] - res.x_interface_min[-1])
    assert out[True][0] == pytest.approx(out[False][0], rel=1e-4)
    assert out[True][1] <= out[False][1] * 1.05
    # landed just past the liquidus: overshoot in x_Na small against the window x_liq,K
    for landing in (False, True):
        assert 0.0 <= out[landing][2] < 1e-3, out
