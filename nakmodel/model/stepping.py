"""Adaptive time stepping for the coupled model: error- and event-driven, with retries.

Backward Euler steps of :class:`~nakmodel.model.problem.CoupledProblem`.  The local error is
estimated from the difference between the solution and the linear extrapolation of the two
previous states (for BE, LTE ~ dt/(dt + dt_prev) |u - u_pred|), in the scaled norm of the
problem (content / c_K0, potentials / (RT/F)).  A Newton failure halves dt; too large an
error shrinks it; events (terminations) crossed inside a step are located by secant
iteration on the step size.  Event landing (``StepControl.event_landing``): before a step,
each event g and the distance of the interface composition from the K-rich liquidus are
extrapolated linearly from the last two accepted steps; a crossing predicted inside the
trial step shortens it to land just past the crossing, instead of letting Newton fail on
the kink and halving repeatedly (benchmarks/bench_liquidus.py).  After ``max_retries``
consecutive rejections a :class:`~nakmodel.errors.ConvergenceError` carrying the state is
raised.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConvergenceError, InputProblem, ParameterError


@dataclass(frozen=True)
class StepControl:
    """Time-step settings [s]; ``error_tolerance`` is the scaled local error per step."""

    dt_initial: float = 1.0
    dt_min: float = 1e-6
    dt_max: float = 600.0
    max_retries: int = 8
    error_tolerance: float = 5e-3
    event_tolerance: float = 1e-2  # overshoot past an event, fraction of the last step
    # predict event / liquidus crossings from the last two steps and shorten the step to
    # land just past them (AdaptiveStepper._predicted_step); False: the earlier stepper
    event_landing: bool = True

    def __post_init__(self):
        problems = []
        for name in ("dt_initial", "dt_min", "dt_max", "error_tolerance", "event_tolerance"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                problems.append(InputProblem(f"numerics.{name}", "must be a positive finite number",
                                             v, "> 0" + (" [s]" if name.startswith("dt") else "")))
        if not (isinstance(self.max_retries, int) and self.max_retries >= 0):
            problems.append(InputProblem("numerics.max_retries", "must be an integer >= 0",
                                         self.max_retries, "integer >= 0"))
        if not problems:
            if self.dt_min > self.dt_max:
                problems.append(InputProblem("numerics.dt_min", "must not exceed numerics.dt_max",
                                             self.dt_min, f"[s] <= dt_max = {self.dt_max:g} s"))
            if not (self.dt_min <= self.dt_initial <= self.dt_max):
                problems.append(InputProblem("numerics.dt_initial", "must lie in [dt_min, dt_max]",
                                             self.dt_initial,
                                             f"[s] in [{self.dt_min:g}, {self.dt_max:g}]"))
        if problems:
            raise ParameterError(problems)

    @classmethod
    def from_parameters(cls, params, **override) -> StepControl:
        num = getattr(params, "numerics", params)
        values = {k: getattr(num, k) for k in ("dt_initial", "dt_min", "dt_max", "max_retries")
                  if hasattr(num, k)}
        values.update(override)
        return cls(**values)


@dataclass
class Event:
    """A scalar g(problem, dt) that ends the protocol step when it becomes >= 0.

    ``dt`` is the trial step size (0 for the state at the start of the step).  The step ends
    when g crosses 0 inside a time step (located by secant) or, if g >= 0 already at the
    start of :meth:`AdaptiveStepper.advance`, at once (a termination already met, e.g. a
    voltage limit the cell voltage is already beyond after a rest).  ``defined_at_start=False``
    marks a g whose value at the start of a protocol step still describes the previous step
    (the current of a potentiostatic hold): it is checked for "already met" only after the
    first accepted time step with this event."""

    name: str
    function: Callable
    defined_at_start: bool = True
    stepped: bool = field(default=False, init=False, repr=False)


class AdaptiveStepper:
    """Advances a :class:`CoupledProblem` in time (see module docstring)."""

    def __init__(self, problem, control: StepControl | None = None):
        self.problem = problem
        self.control = control or StepControl()
        self.dt = self.control.dt_initial
        self._prev = None  # (X_{n-1}, dt_prev)
        self.rejections = 0
        self.newton_iterations = 0
        self.landings = 0
        self._landing_prev = None  # landing signals at the start of the previous step

    def _landing_signals(self, g_start):
        """Signals whose zero crossing the step should land on: the events' g, with a
        nucleation barrier the nucleation threshold (upwards, :mod:`.nucleation`), and
        x_liq,K - min interface x (> 0 once the interface enters the K-side mush)."""
        p = self.problem
        out = list(g_start)
        nucleation = getattr(p, "nucleation", None)
        if nucleation is not None and nucleation.active:
            out.append(nucleation.landing_signal())
        x_lk = getattr(p, "x_liquidus_k", None)
        if x_lk is not None and hasattr(p, "interface_x_min"):
            out.append(float(x_lk) - p.interface_x_min())
        return out

    def _predicted_step(self, dt, signals):
        """Step size that lands just past the first crossing predicted by linear
        extrapolation of ``signals`` from the previous step start; ``dt`` if none."""
        c = self.control
        prev = self._landing_prev
        if not c.event_landing or prev is None or self._prev is None or len(prev) != len(signals):
            return dt
        dt_prev = self._prev[1]
        best = dt
        for k, (g0, g1) in enumerate(zip(prev, signals, strict=True)):
            slope = (g1 - g0) / dt_prev
            # events cross upwards (g < 0 -> g >= 0); the liquidus signal either way
            upward_only = k < len(signals) - 1 or not hasattr(self.problem, "interface_x_min")
            if g1 == 0.0 or slope == 0.0 or (upward_only and (g1 >= 0.0 or slope <= 0.0)):
                continue
            if g1 * slope > 0.0:  # moving away from zero
                continue
            t_cross = -g1 / slope
            if t_cross < dt:
                best = min(best, t_cross * (1.0 + 0.5 * c.event_tolerance))
        return max(c.dt_min, best)

    def reset_history(self):
        """Forget the extrapolation history (after a setpoint jump)."""
        self._prev = None
        self._landing_prev = None

    def _error(self, X, Xn, dt):
        if self._prev is None:
            return 0.0
        X_old, dt_prev = self._prev
        X_pred = Xn + dt * (Xn - X_old) / dt_prev
        from mpi4py import MPI

        scale = self.problem.scales()
        local = float(np.max(np.abs(X - X_pred) / scale))
        return float(dt / (dt + dt_prev)
                     * self.problem.mesh.comm.allreduce(local, op=MPI.MAX))

    def _fail(self, t, dt, reason, history):
        p = self.problem
        p.restore()
        raise ConvergenceError(
            reason, time=t, dt=dt, history=list(history),
            state={"voltage": float(p.voltage_n),
                   "x_interface_min": p.interface_x_min(),
                   "rejections": self.rejections})

    def advance(self, t: float, control_at: Callable, t_end: float,
                events: Sequence[Event] = ()) -> tuple[float, str | None]:
        """One accepted step from t (<= t_end).  ``control_at(t)`` gives the control at t.

        Returns (new time, name of the event hit or None); (t, name) without a step when an
        event is already met at t (g >= 0, see :class:`Event`)."""
        p, c = self.problem, self.control
        g_old = [ev.function(p, 0.0) for ev in events]
        for ev, g in zip(events, g_old, strict=True):
            if g >= 0 and (ev.defined_at_start or ev.stepped):
                return t, ev.name
        Xn = p.state_vector()
        dt = min(self.dt, c.dt_max, t_end - t)
        signals = self._landing_signals(g_old) if c.event_landing else None
        dt_planned, landed = dt, False
        if signals is not None:
            dt = self._predicted_step(dt, signals)
            landed = dt < dt_planned
            self.landings += int(landed)
        failures = 0
        event_dt = None  # secant estimate of the step that lands on the next event
        hit = None
        while True:
            rep = p.solve(control_at(t + dt), dt)
            self.newton_iterations += rep.iterations
            if not rep.converged:
                landed = False
                self.rejections += 1
                failures += 1
                if failures > c.max_retries or dt <= c.dt_min * 1.0001:
                    self._fail(t, dt, rep.reason, rep.history)
                dt = max(c.dt_min, 0.5 * dt)
                continue
            X = p.state_vector()
            err = self._error(X, Xn, dt)
            if err > c.error_tolerance and dt > c.dt_min * 1.0001 and event_dt is None:
                p.restore()
                landed = False
                self.rejections += 1
                dt = max(c.dt_min, dt * max(0.2, 0.9 * math.sqrt(c.error_tolerance / err)))
                continue
            crossing = None
            for k, ev in enumerate(events):
                g_new = ev.function(p, dt)
                if g_old[k] < 0 <= g_new:
                    frac = g_old[k] / (g_old[k] - g_new)
                    if crossing is None or frac < crossing[1]:
                        crossing = (k, frac)
            if crossing is None:
                break
            k, frac = crossing
            if (1.0 - frac) <= c.event_tolerance or dt <= c.dt_min * 1.0001:
                hit = events[k].name
                break
            # land just past the event: secant on the step size, then retry
            self.rejections += 1
            landed = False
            p.restore()
            event_dt = dt * frac
            dt = max(c.dt_min, event_dt * (1.0 + 0.5 * c.event_tolerance))
        p.accept()
        for ev in events:
            ev.stepped = True
        self._prev = (Xn, dt)
        self._landing_prev = signals
        factor = 2.0 if err <= 0 else min(2.0, max(0.5, 0.9 * math.sqrt(c.error_tolerance / err)))
        if event_dt is not None and hit is None:
            # the event lies a little further: aim the next step just past it
            self.dt = max(c.dt_min, min(c.dt_max, dt * factor))
        elif hit is None:
            self.dt = min(c.dt_max, max(c.dt_min, dt * factor))
            if landed:
                # a step shortened only to land on a crossing: resume the planned size
                self.dt = min(c.dt_max, max(self.dt, dt_planned))
        return t + dt, hit
