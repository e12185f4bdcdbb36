"""The mutable state of a running :class:`~nakmodel.model.simulation.Simulation`.

:class:`Run` is where a run is: time, protocol position (expanded step, breakpoint segment),
the step's start time and capacity, cumulative capacities, steps taken, the result so far;
:meth:`Run.state` is its serialised form (:class:`~nakmodel.model.checkpoint.RunState`, what a
run checkpoint stores).  :class:`RunOutputs` owns what is written per result row besides the
columns: interface profiles, field exports and the observers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .checkpoint import RunState
from .result import InterfaceProfile, Result


@dataclass
class Run:
    """Where a run is (SI: times [s], capacities [C/m^2], current density [A/m^2])."""

    problem: object
    stepper: object
    result: Result
    time: float
    step_index: int = 0
    segment: int = 0
    step_start_time: float = 0.0
    step_start_capacity: float = 0.0
    capacity: float = 0.0
    faradaic_capacity: float = 0.0
    steps_taken: int = 0
    termination: str = "completed"
    current_density: float = 0.0  # of the last result row
    resume_mid_step: bool = False  # the first protocol step continues a checkpoint's step
    steps_this_call: int = 0
    last_dt: float = math.nan

    @classmethod
    def restored(cls, problem, stepper, state: RunState, result: Result, previous) -> Run:
        """The run a checkpoint's ``state`` describes; sets the stepper's state too."""
        stepper.dt = state.dt
        stepper._prev = previous
        stepper.newton_iterations = state.newton_iterations
        stepper.rejections = state.rejections
        current = state.current_density
        if not math.isfinite(current):  # a checkpoint of an older version
            current = result.rows.get("current_density", [math.nan])[-1]
        return cls(problem, stepper, result, state.time, step_index=state.step_index,
                   segment=state.segment, step_start_time=state.step_start_time,
                   step_start_capacity=state.step_start_capacity, capacity=state.capacity,
                   faradaic_capacity=state.faradaic_capacity, steps_taken=state.steps_taken,
                   termination=state.termination, current_density=current,
                   resume_mid_step=state.mid_step)

    def state(self, mid_step: bool) -> RunState:
        """The serialised form (``mid_step``: the checkpoint is inside the current step)."""
        prev = self.stepper._prev
        return RunState(
            time=self.time, step_index=self.step_index, segment=self.segment,
            mid_step=mid_step, step_start_time=self.step_start_time,
            step_start_capacity=self.step_start_capacity, capacity=self.capacity,
            faradaic_capacity=self.faradaic_capacity, steps_taken=self.steps_taken,
            termination=self.termination, dt=self.stepper.dt,
            previous_dt=None if prev is None else float(prev[1]),
            newton_iterations=self.stepper.newton_iterations,
            rejections=self.stepper.rejections, current_density=self.current_density)

    # what the terminations' events evaluate on a trial state
    def current_of(self, p, dt) -> float:
        """Total WE current density of the trial state: faradaic + double layer."""
        if dt <= 0:
            return self.current_density
        return p.total_current(dt) / self.problem.area_nominal

    def step_capacity_of(self, p, dt) -> float:
        """Capacity passed in the current protocol step at the trial state."""
        q = self.capacity - self.step_start_capacity
        return q if dt <= 0 else q + self.current_of(p, dt) * dt


class RunOutputs:
    """Interface profiles (at ``profile_times`` or every row), field exports (at their times
    or every N steps) and observers, for each result row of a run starting at ``t_first``.

    A restarted run skips outputs up to the checkpoint time (the interrupted run wrote them)
    and opens its field files under their restart names."""

    def __init__(self, sim, problem, t_first: float, restarted: bool):
        tol = 1e-9 * max(1.0, t_first)

        def pending(times):
            if restarted:
                return [t for t in times if t > t_first + tol]
            return [t for t in times if t >= t_first * (1 - 1e-12)]

        self.problem = problem
        self.observers = sim.observers
        self.profiles_every_step = sim.profiles_every_step
        self.profiles = pending(sim.profile_times)
        self.fields = []  # [export or None (only lands the stepper on the times), pending]
        try:
            for export in sim.field_exports():
                if export is not None:
                    export.open(problem, sim.output_dir, t_first if restarted else None)
                self.fields.append([export, pending(export.times if export is not None
                                                    else sim.field_output_times)])
        except BaseException:
            self.close()
            raise

    def stop_time(self, t: float, t_stop: float) -> float:
        """The next time after ``t`` the stepper must land on (at most ``t_stop``)."""
        due = [s for s in self.profiles if s > t]
        for _, times in self.fields:
            due += [s for s in times if s > t]
        return min([t_stop] + due)

    def emit(self, result: Result, t: float, steps_taken: int):
        """Outputs due at ``t`` (after ``steps_taken`` accepted steps), then the observers."""
        tol = 1e-9 * max(1.0, t)
        profiled = False
        while self.profiles and self.profiles[0] <= t + tol:
            self._profile(result, t)
            profiled = True
            self.profiles.pop(0)
        if self.profiles_every_step and not profiled:
            self._profile(result, t)
        for export, times in self.fields:
            written = False
            while times and times[0] <= t + tol:
                if export is not None:
                    export.write(t)
                    written = True
                times.pop(0)
            if export is not None and export.every and not written \
                    and steps_taken % export.every == 0:
                export.write(t)
        for observer in self.observers:
            observer(self.problem, t, result)

    def _profile(self, result, t):
        from .profiles import interface_profile

        coord, x = interface_profile(self.problem)  # no field gather (binned along x in 3D)
        result.profiles.append(InterfaceProfile(t, coord, x))

    def close(self):
        for export, _ in self.fields:
            if export is not None:
                export.close()
