"""Restart checks shared by the tests of stepped histories (grain boundaries, contact nodes)."""

from __future__ import annotations

from nakmodel.model.checkpoint import load_checkpoint, save_checkpoint
from nakmodel.model.problem import CurrentControl


def step_after_restart(pb, make_problem, reset_history, path, time, current, dt):
    """Checkpoint ``pb`` at ``time`` [s], take one more step of ``dt`` [s] at ``current``
    [A/m²]; then load the checkpoint into a fresh ``make_problem()`` and take the same step,
    once as loaded and once with the history reset by ``reset_history(problem)`` (what a
    restart that forgot the history would give).  Returns (V expected, V restarted,
    V restarted without the history) [V]."""
    path = save_checkpoint(pb, path, time=time)
    pb.solve_or_raise(CurrentControl(current), dt)
    expected = float(pb.voltage.value)
    voltages = []
    for forget in (False, True):
        other = make_problem()
        load_checkpoint(other, path)
        if forget:
            reset_history(other)
        other.solve_or_raise(CurrentControl(current), dt)
        voltages.append(float(other.voltage.value))
    return expected, voltages[0], voltages[1]
