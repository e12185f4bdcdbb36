"""Run checkpoints and exact restart: an interrupted run resumed from ``checkpoint.npz``
reproduces the uninterrupted run (same protocol position, capacities, stepper state)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nakmodel.errors import ConvergenceError, ParameterError
from nakmodel.geometry import Cell
from nakmodel.model.result import COLUMNS
from nakmodel.model.simulation import CheckpointControl, Simulation
from nakmodel.model.stepping import StepControl
from nakmodel.parameters import load_parameters

MAH_CM2 = 36000.0  # C/m^2 in 1 mAh/cm^2
PROTOCOL = ["Strip at 1 mA/cm2 for 5 min", "Rest for 2 min",
            "Plate at 2 mA/cm2 until 0.1 mAh/cm2"]


@pytest.fixture(scope="module")
def setup():
    return load_parameters(), Cell(geometry="1d", alloy_thickness=20e-6)


# a tight error tolerance keeps the step-size controller (and its history) active
CONTROL = StepControl(dt_initial=1.0, dt_max=600.0, error_tolerance=1e-4)


@pytest.fixture(scope="module")
def whole(setup, tmp_path_factory):
    p, cell = setup
    out = tmp_path_factory.mktemp("whole")
    sim = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=out,
                     checkpoint_every=CheckpointControl(steps=7))
    return sim.run(), out


def _interrupt(setup, out, n_steps):
    """Run with a checkpoint every ``n_steps`` steps and stop after ``n_steps`` steps."""
    p, cell = setup
    sim = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=out, max_steps=n_steps,
                     checkpoint_every=CheckpointControl(steps=n_steps, step_ends=False))
    with pytest.raises(ConvergenceError, match="maximum number of time steps"):
        sim.run()
    return out / "checkpoint.npz"


def _run_state(path):
    with np.load(path) as data:
        return json.loads(str(data["run_state"]))


def _assert_same_run(res, ref):
    assert res.termination == ref.termination
    assert res.step_terminations == ref.step_terminations
    assert len(res) == len(ref)
    for name in COLUMNS:
        np.testing.assert_allclose(res.rows[name], ref.rows[name], rtol=1e-10, atol=1e-300,
                                   err_msg=name)
    assert res.info["steps"] == ref.info["steps"]


def test_uninterrupted_run_writes_a_final_checkpoint(whole):
    res, out = whole
    assert res.step_terminations == ["duration", "duration", "0.1 mAh/cm2"]
    state = _run_state(out / "checkpoint.npz")
    assert state["step_index"] == 3 and not state["mid_step"]
    assert state["time"] == res.time[-1]
    assert state["capacity"] == res.capacity[-1]


@pytest.mark.parametrize("where", ["first step", "capacity-terminated step"])
def test_resume_mid_step_reproduces_the_whole_run(setup, whole, tmp_path, where):
    p, cell = setup
    ref, _ = whole
    # stop inside the first strip step, or inside the last (capacity-terminated) step, a few
    # steps before its end where the step-size controller (error history) sets the steps
    last_row = int(np.flatnonzero(ref.step == (0 if where == "first step" else 2))[-1])
    n = last_row - (4 if where == "first step" else 3)
    path = _interrupt(setup, tmp_path, n)
    state = _run_state(path)
    assert state["mid_step"] and state["time"] == ref.time[n]
    assert state["step_index"] == (0 if where == "first step" else 2)
    if where != "first step":
        # the step started before the checkpoint: capacity counted from its start
        assert state["step_start_time"] < state["time"]
        assert abs(state["capacity"] - state["step_start_capacity"]) > 0
    res = Simulation(cell, p, PROTOCOL, step_control=CONTROL).run(restart=path)
    _assert_same_run(res, ref)
    # the plating step stopped at 0.1 mAh/cm2 counted from its original start
    start = ref.capacity[np.flatnonzero(ref.step == 2)[0] - 1]
    assert abs(res.capacity[-1] - start) == pytest.approx(0.1 * MAH_CM2, rel=0.02)


def test_checkpoint_keeps_the_stepper_history(setup, whole, tmp_path):
    """The extrapolation history stored at step n is the state checkpointed at step n-1."""
    ref, _ = whole
    n = int(np.flatnonzero(ref.step == 0)[-1]) - 4
    with np.load(_interrupt(setup, tmp_path / "a", n - 1)) as before, \
            np.load(_interrupt(setup, tmp_path / "b", n)) as at:
        np.testing.assert_array_equal(at["previous_values"], before["values"])
        assert float(at["previous_voltage"]) == float(before["voltage"])
        assert _run_state(tmp_path / "b" / "checkpoint.npz")["previous_dt"] == pytest.approx(
            ref.time[n] - ref.time[n - 1], rel=1e-12)
        assert not np.array_equal(at["values"], before["values"])


def test_resume_from_a_step_end_checkpoint(setup, whole, tmp_path):
    """Checkpoints at step ends: interrupted in the rest step, resumed from its start."""
    p, cell = setup
    ref, _ = whole
    n = int(np.flatnonzero(ref.step == 1)[0]) + 1  # one step into the rest
    sim = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=tmp_path, max_steps=n,
                     checkpoint_every=CheckpointControl(steps=None))
    with pytest.raises(ConvergenceError):
        sim.run()
    state = _run_state(tmp_path / "checkpoint.npz")
    assert state["step_index"] == 1 and not state["mid_step"]
    res = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=tmp_path).run(
        restart=tmp_path / "checkpoint.npz")
    _assert_same_run(res, ref)


def test_mismatched_checkpoint_is_a_parameter_error(setup, whole):
    p, cell = setup
    _, out = whole
    path = out / "checkpoint.npz"
    other_protocol = PROTOCOL[:2] + ["Plate at 2 mA/cm2 until 0.2 mAh/cm2"]
    with pytest.raises(ParameterError, match="different protocol"):
        Simulation(cell, p, other_protocol).run(restart=path)
    with pytest.raises(ParameterError, match="different parameters"):
        Simulation(cell, load_parameters({"temperature": "30 degC"}), PROTOCOL).run(
            restart=path)
    with pytest.raises(ParameterError, match="number of degrees of freedom"):
        Simulation(Cell(geometry="1d", alloy_thickness=20e-6, mesh_size="0.5 um"), p,
                   PROTOCOL).run(restart=path)
    with pytest.raises(ParameterError, match="not found"):
        Simulation(cell, p, PROTOCOL).run(restart=out / "missing.npz")
    with pytest.raises(ParameterError, match="start_time"):
        Simulation(cell, p, PROTOCOL).run(start_time=10.0, restart=path)
    foreign = out / "foreign.npz"
    np.savez(foreign, values=np.zeros(3))
    with pytest.raises(ParameterError, match="not a run checkpoint"):
        Simulation(cell, p, PROTOCOL).run(restart=foreign)


@pytest.mark.parametrize("kwargs", [{"steps": 0}, {"steps": 2.5}, {"wall_seconds": -1.0},
                                    {"wall_seconds": float("inf")}, {"step_ends": "yes"}])
def test_checkpoint_control_is_validated(kwargs):
    with pytest.raises(ParameterError, match="checkpoint_every"):
        CheckpointControl(**kwargs)


def test_checkpoint_every_must_be_a_control(setup):
    p, cell = setup
    with pytest.raises(ParameterError, match="checkpoint_every"):
        Simulation(cell, p, PROTOCOL, checkpoint_every=50)


def test_outputs_continue_after_a_restart(setup, tmp_path):
    """Profiles before the checkpoint come from the checkpoint, later ones from the resumed
    run; the interrupted run's fields.bp is kept and the resumed run writes its own file."""
    from bp4 import read_bp4 as _read_bp4

    p, cell = setup
    times = [0.0, 100.0, 250.0, 400.0]
    kw = dict(step_control=CONTROL, field_output_times=times)
    ref = Simulation(cell, p, PROTOCOL, **kw).run()
    n = int(np.searchsorted(ref.time, 250.0)) - 1  # last step before the 3rd output
    sim = Simulation(cell, p, PROTOCOL, output_dir=tmp_path, max_steps=n,
                     checkpoint_every=CheckpointControl(steps=n), **kw)
    with pytest.raises(ConvergenceError):
        sim.run()
    t_check = _run_state(tmp_path / "checkpoint.npz")["time"]
    assert 100.0 < t_check < 250.0
    res = Simulation(cell, p, PROTOCOL, output_dir=tmp_path, **kw).run(
        restart=tmp_path / "checkpoint.npz")
    _assert_same_run(res, ref)
    assert [pr.time for pr in res.profiles] == [pr.time for pr in ref.profiles]
    for a, b in zip(res.profiles, ref.profiles, strict=True):
        np.testing.assert_allclose(a.x_na, b.x_na, rtol=1e-10)
    before = [float(s["step"][0]) for s in _read_bp4(tmp_path / "fields.bp")]
    after = [float(s["step"][0]) for s in _read_bp4(tmp_path / f"fields_from_{t_check:.6g}s.bp")]
    assert before == pytest.approx([0.0, 100.0]) and after == pytest.approx([250.0, 400.0])


def test_wall_time_checkpoints(setup, whole, tmp_path):
    """With a (tiny) wall-time interval every accepted step is checkpointed."""
    p, cell = setup
    ref, _ = whole
    sim = Simulation(cell, p, PROTOCOL, step_control=CONTROL, output_dir=tmp_path, max_steps=9,
                     checkpoint_every=CheckpointControl(steps=None, wall_seconds=1e-9,
                                                        step_ends=False))
    with pytest.raises(ConvergenceError):
        sim.run()
    state = _run_state(tmp_path / "checkpoint.npz")
    assert state["steps_taken"] == 9 and state["time"] == ref.time[9]


def test_resume_inside_a_staircase_ramp_segment(setup, tmp_path):
    """A staircase ramp: the checkpoint records the breakpoint segment (current level)."""
    p, cell = setup
    ramp = ["Ramp stripping from 0.5 to 1.5 mA/cm2 at 0.5 mA/cm2 per 60 s until 0.04 mAh/cm2"]
    ref = Simulation(cell, p, ramp, step_control=CONTROL).run()
    n = int(np.searchsorted(ref.time, 90.0)) + 2  # inside the second level
    sim = Simulation(cell, p, ramp, step_control=CONTROL, output_dir=tmp_path, max_steps=n,
                     checkpoint_every=CheckpointControl(steps=n))
    with pytest.raises(ConvergenceError):
        sim.run()
    state = _run_state(tmp_path / "checkpoint.npz")
    assert state["segment"] == 1 and state["mid_step"] and 60.0 < state["time"] < 120.0
    res = Simulation(cell, p, ramp, step_control=CONTROL).run(restart=tmp_path / "checkpoint.npz")
    _assert_same_run(res, ref)
    assert res.current_density[-1] == pytest.approx(15.0, rel=1e-6)
