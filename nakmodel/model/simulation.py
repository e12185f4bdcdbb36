"""Run a cycling protocol on a cell: ``Simulation(cell, parameters, protocol).run()``.

Builds the mesh (a :class:`nakmodel.geometry.Cell`, an already meshed ``CellMesh`` or one of
the simple meshes of :mod:`nakmodel.model.meshes`), the :class:`CoupledProblem` from the
parameters, and drives it through the protocol steps (``mode``, ``value(t)``, ``duration``,
``breakpoints()``, ``until``) with the :class:`AdaptiveStepper`.  Terminations
(``VoltageLimit``, ``CapacityLimit``, ``TimeLimit``, ``Liquidus``, ``SolidCoverage``,
``CurrentLimit``) become events located to within ``event_tolerance`` of a step.

Per-step observers (public API): ``Simulation(..., observers=[f])`` or ``sim.add_observer(f)``
call ``f(problem, t, result)`` after the initial state and after every accepted step, e.g.
``nakmodel.study.ccd.FlawStateRecorder`` (flaw state for the crack criterion) or
``nakmodel.study.simulation.GEISRecorder`` (operando impedance);
``profiles_every_step=True`` stores an interface profile at every step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ConvergenceError, InputProblem, ParameterError, StepLimitError
from .checkpoint import (  # noqa: F401  (save/load_checkpoint, RunState: public here too)
    CheckpointControl,
    Checkpointer,
    Fingerprint,
    RunState,
    load_checkpoint,
    read_run_checkpoint,
    save_checkpoint,
)
from .exports import CURRENT_WEIGHT_FLOOR, RowContext, VTXFields, default_exports  # noqa: F401
from .exports.base import column_units, split_exports
from .materials import AlloyProperties, ElectrodeInterface, NasiconProperties
from .problem import CoupledProblem, CurrentControl, NewtonOptions, VoltageControl
from .result import Result
from .run_state import Run, RunOutputs
from .stepping import AdaptiveStepper, StepControl

DEFAULT_CHECKPOINTS = CheckpointControl()


@dataclass(frozen=True)
class ConstantCurrent:
    """Minimal galvanostatic step (used when no :mod:`nakmodel.protocol` step is given)."""

    current_density: float
    duration: float = math.inf
    until: tuple = ()
    mode = "current"

    def value(self, t):
        return self.current_density

    def breakpoints(self):
        return ()


def _steps(protocol):
    if protocol is None:
        raise ParameterError(InputProblem("protocol", "a protocol is required", None,
                                          "nakmodel.Protocol, a step, or a protocol string"))
    if isinstance(protocol, (str, list, tuple)) and (isinstance(protocol, str) or (
            protocol and isinstance(protocol[0], str))):
        from ..protocol import Protocol

        protocol = Protocol.parse(protocol)
    if hasattr(protocol, "mode"):
        return [protocol]
    try:
        steps = list(getattr(protocol, "steps", protocol))
    except TypeError:  # a number, None-like objects...
        raise ParameterError(InputProblem("protocol", f"not a protocol ({type(protocol).__name__})",
                                          protocol, "nakmodel.Protocol, a step, or a protocol "
                                          "string such as 'Strip at 1 mA/cm2 for 1 h'")) from None
    if not steps:
        raise ParameterError(InputProblem("protocol", "has no steps", protocol,
                                          "at least one step, e.g. 'Rest for 10 min'"))
    if any(not hasattr(s, "mode") for s in steps):
        raise ParameterError(InputProblem("protocol", "steps must have mode/value/duration",
                                          protocol,
                                          "nakmodel.Protocol"))
    return steps


def _expand(step):
    """Sub-steps of composite steps (e.g. a current ramp with ``levels``) or the step itself."""
    if hasattr(step, "expand"):
        return list(step.expand())
    return [step]


class Simulation:
    """A cell + parameters + protocol; :meth:`run` returns a :class:`Result`.

    Parameters
    ----------
    cell: ``nakmodel.Cell`` (meshed here), a ``CellMesh`` or a ``TaggedCellMesh``.
    parameters: ``nakmodel.Parameters`` (default: ``load_parameters()``).
    protocol: ``nakmodel.Protocol``, a single step, or protocol text.
    x_initial: initial Na mole fraction (default: ``parameters.alloy.composition``).
    kinetics_we / kinetics_ce: kinetics strategies (default Butler-Volmer).
    step_control: :class:`StepControl` (default from ``parameters.numerics``).
    output_dir: where VTX field output (``fields.bp``; a restarted run writes
        ``fields_from_<t>s.bp``) and the run checkpoint (``checkpoint.npz``, see
        ``checkpoint_every``) go (optional).
    checkpoint_every: :class:`CheckpointControl` (default: every 50 accepted steps and at the
        end of every protocol step; ``CheckpointControl(steps=None, wall_seconds=600)``: every
        10 min of wall time); None: no checkpoints.  Only used with ``output_dir``.
    working / counter: :class:`ElectrodeInterface` overriding ``parameters.interface`` /
        ``parameters.counter_electrode`` (e.g. to set ``blocking_exponent``).
    linear_solver: Newton linear-solver preset passed to :class:`CoupledProblem` (``"auto"``,
        ``"direct"``, ``"iterative"`` or a ``LinearSolver``; default
        ``parameters.numerics.linear_solver``).
    field_output_times: times [s] at which fields are written (VTX) and interface profiles
        stored in the result.
    observers: callables ``observer(problem, t, result)`` called once per row of the result:
        after the initial state is recorded and after every accepted time step (never for
        rejected or event-bisection trials), with the solved :class:`CoupledProblem`, the
        time [s] and the :class:`Result` so far (``result.info`` may be used to store what
        they collect).  More can be added with :meth:`add_observer`.
    profiles_every_step: store an interface profile (:class:`InterfaceProfile`) at every
        accepted step as well (default: only at ``profile_times``).
    exports: the outputs (:mod:`nakmodel.model.exports`): time-series column exports (the
        result's columns after ``time`` and ``step``, in this order) and field exports
        (e.g. ``VTXFields("out.bp", fields=["c", "phi"], every=10)``, relative paths in
        ``output_dir``).  Default :func:`~nakmodel.model.exports.default_exports` (all
        columns of :data:`~nakmodel.model.result.COLUMNS`); a list without column exports
        keeps that default set, e.g. ``default_exports() + [MyColumn()]`` adds a column.

    Checkpoint and restart::

        sim = Simulation(cell, params, "Strip at 1 mA/cm2 until 2 mAh/cm2",
                         output_dir="run1", checkpoint_every=CheckpointControl(steps=20))
        sim.run()                      # interrupted (killed, max_steps, ConvergenceError...)
        res = Simulation(cell, params, "Strip at 1 mA/cm2 until 2 mAh/cm2",
                         output_dir="run1").run(restart="run1/checkpoint.npz")

    continues from the last checkpoint as if never stopped (same protocol position,
    capacities, step-start time and capacity, stepper state, result rows); a checkpoint of a
    different mesh, protocol or parameter set is a :class:`ParameterError`.
    """

    def __init__(self, cell=None, parameters=None, protocol=None, *, x_initial=None,
                 kinetics_we=None, kinetics_ce=None, step_control: StepControl | None = None,
                 output_dir=None, field_output_times=(), profile_times=None,
                 max_steps: int = 100000, working: ElectrodeInterface | None = None,
                 counter: ElectrodeInterface | None = None, observers=(),
                 profiles_every_step: bool = False, linear_solver=None,
                 checkpoint_every: CheckpointControl | None = DEFAULT_CHECKPOINTS,
                 exports=None):
        from ..parameters import Parameters, load_parameters

        if parameters is None or isinstance(parameters, dict | str | Path):
            parameters = load_parameters(parameters)  # a dict of overrides or a TOML path
        elif not isinstance(parameters, Parameters):
            raise ParameterError(InputProblem("parameters", "not a parameter set "
                                              f"({type(parameters).__name__})", parameters,
                                              "nakmodel.Parameters, a dict of overrides or a TOML "
                                              "path"))
        if isinstance(max_steps, bool) or not isinstance(max_steps, int | float) \
                or not max_steps >= 1 or int(max_steps) != max_steps:
            raise ParameterError(InputProblem("max_steps", "must be an integer >= 1", max_steps,
                                              "an integer >= 1 (time steps per run() call)"))
        self.parameters = parameters
        self.steps = _steps(protocol)
        self.step_control = step_control or StepControl.from_parameters(parameters)
        num = getattr(parameters, "numerics", None)
        self.newton = NewtonOptions(
            rtol=getattr(num, "newton_rtol", 1e-9), atol=getattr(num, "newton_atol", 1e-12),
            max_iterations=int(getattr(num, "newton_max_iterations", 25)),
            method=getattr(num, "newton_method", "builtin"))
        # None: numerics.linear_solver ("auto": direct in 1D/2D, iterative in 3D)
        self.linear_solver = (linear_solver if linear_solver is not None
                              else getattr(num, "linear_solver", "auto"))
        if x_initial is None:
            x_initial = parameters.alloy.composition.x_na
        self.x_initial = x_initial
        self.cell = cell
        self.kinetics_we, self.kinetics_ce = kinetics_we, kinetics_ce
        self.working, self.counter = working, counter
        self.output_dir = None if output_dir is None else Path(output_dir)
        self.field_output_times = sorted(float(t) for t in field_output_times)
        self.profile_times = sorted(float(t) for t in (profile_times if profile_times is not None
                                                       else field_output_times))
        self.max_steps = int(max_steps)
        self.observers = []
        for observer in observers:
            self.add_observer(observer)
        if not isinstance(profiles_every_step, bool):
            raise ParameterError(InputProblem("profiles_every_step", "must be true or false",
                                              profiles_every_step, "a boolean"))
        self.profiles_every_step = profiles_every_step
        if checkpoint_every is not None and not isinstance(checkpoint_every,
                                                           CheckpointControl):
            raise ParameterError(InputProblem("checkpoint_every", "must be a CheckpointControl or "
                                              "None", checkpoint_every,
                                              "CheckpointControl(steps=..., wall_seconds=...)"))
        self.checkpoint_every = checkpoint_every
        columns, fields = split_exports(default_exports() if exports is None else exports)
        self._column_exports = columns or default_exports()
        self._field_exports = fields
        self.problem = None

    def add_observer(self, observer):
        """Call ``observer(problem, t, result)`` after the initial state and after every
        accepted step (see the class docstring); returns ``observer``."""
        if not callable(observer):
            raise ParameterError(InputProblem("observers", "an observer must be callable",
                                              observer, "a callable observer(problem, t, result)"))
        self.observers.append(observer)
        return observer

    # ------------------------------------------------------------------ setup
    def _mesh(self):
        cell = self.cell
        if cell is None:
            from ..geometry import Cell

            cell = Cell.from_parameters(self.parameters)
        if hasattr(cell, "build_mesh"):
            return cell.build_mesh()
        return cell

    def build(self) -> CoupledProblem:
        """Mesh the cell and assemble the problem (done by :meth:`run` if needed)."""
        p = self.parameters
        cm = self._mesh()
        self.problem = CoupledProblem(
            cm, temperature=p.temperature, alloy=AlloyProperties.from_parameters(p),
            nasicon=NasiconProperties.from_parameters(p),
            working=self.working or ElectrodeInterface.from_parameters(p, "interface"),
            counter=self.counter or ElectrodeInterface.from_parameters(p, "counter_electrode"),
            kinetics_we=self.kinetics_we, kinetics_ce=self.kinetics_ce,
            x_initial=self.x_initial, newton=self.newton, parameters=p,
            linear_solver=self.linear_solver)
        return self.problem

    # ------------------------------------------------------------------ recording
    def field_exports(self) -> list:
        """The field exports of a run: ``exports``' ones, and for ``field_output_times``
        ``fields.bp`` in ``output_dir`` (without ``output_dir`` the stepper still lands on
        those times: None)."""
        legacy = []
        if self.field_output_times:
            legacy = [None if self.output_dir is None else
                      VTXFields("fields.bp", fields=["x_Na", "phi"],
                                times=self.field_output_times)]
        return legacy + list(self._field_exports)

    def _record(self, run: Run, row: RowContext | None = None):
        """Append a result row: time, step and every column export's values."""
        pb = run.problem
        row = row or RowContext(pb, run.step_index, run.current_density, run.capacity,
                                run.faradaic_capacity)
        values = {"time": run.time, "step": row.step}
        for export in self._column_exports:
            values.update(export.values(pb, run.time, row))
        run.result.append(**values)

    # ------------------------------------------------------------------ events
    def _events(self, step, current_of, step_capacity_of):
        """Events of the step's terminations (each termination builds its own,
        :meth:`nakmodel.protocol.BaseTermination.events`); ``current_of(p, dt)`` is the total
        current density of a trial step, ``step_capacity_of(p, dt)`` the capacity passed in
        the step."""
        from ..protocol import step_sign
        from ..protocol.terminations import BaseTermination, StepContext

        sign = 0.0
        if step.mode == "current":  # the step's direction (a ramp may start at 0 A/m^2)
            sign = step_sign(step) or float(np.sign(step.value(0.0)))
        context = StepContext(sign=sign, current_of=current_of,
                              step_capacity_of=step_capacity_of)
        events = []
        for term in getattr(step, "until", ()) or ():
            if not isinstance(term, BaseTermination):
                raise ParameterError(InputProblem("protocol.until", "unknown termination",
                                                  type(term).__name__,
                                                  "a nakmodel.protocol termination (VoltageLimit, "
                                                  "CapacityLimit, TimeLimit, Liquidus, "
                                                  "SolidCoverage, CurrentLimit)"))
            events += term.events(context)
        return events

    @staticmethod
    def _step_duration(step) -> float:
        duration = step.duration if step.duration is not None else math.inf
        for term in getattr(step, "until", ()) or ():
            duration = min(duration, getattr(term, "duration_limit", math.inf))
        if not math.isfinite(duration) and not getattr(step, "until", ()):
            raise ParameterError(InputProblem("protocol", "a step needs a duration or an until "
                                              "condition", str(step), "finite duration or until"))
        return duration

    # ------------------------------------------------------------------ run
    def fingerprint(self, steps=None) -> Fingerprint:
        """What a restart checkpoint must share with this simulation: the number of DOFs
        (mesh), a hash of the expanded protocol steps and of the parameters / electrode
        overrides (the problem is built if needed)."""
        pb = self.problem or self.build()
        steps = steps if steps is not None else [s for st in self.steps for s in _expand(st)]
        params = self.parameters
        text = params.to_toml() if hasattr(params, "to_toml") else repr(params)
        return Fingerprint(
            # global number of unknowns (owned active DOFs of all ranks + V): any partition
            dofs=int(pb.mesh.comm.allreduce(len(pb.active_owned))) + 1,
            protocol=Fingerprint.digest("\n".join(repr(s) for s in steps)),
            parameters=Fingerprint.digest("\n".join([text, repr(self.working),
                                                      repr(self.counter)])))

    @property
    def checkpoint_path(self) -> Path | None:
        """``output_dir/checkpoint.npz`` (None without ``output_dir``)."""
        return None if self.output_dir is None else self.output_dir / "checkpoint.npz"

    def run(self, start_time: float = 0.0, *, restart=None) -> Result:
        """Run all protocol steps; returns the :class:`Result`.

        The run starts from the problem's current state: the initial state after
        :meth:`build` (done here if needed), or a state restored with :func:`load_checkpoint`
        (pass its time as ``start_time`` to continue the clock; the protocol then starts
        from its first step).

        ``restart``: path of a run checkpoint (``output_dir/checkpoint.npz`` of an earlier
        run of the same cell, parameters and protocol) to continue exactly where it was
        written: same protocol step and breakpoint segment, capacities, step-start time and
        capacity (so ``for 1 h`` / ``until 2 mAh/cm2`` count from the original step start),
        stepper state and result rows (observers' ``result.info`` is not restored).  A
        checkpoint of another mesh/protocol/parameter set raises :class:`ParameterError`
        before any solve.  ``max_steps`` counts the steps of this call.

        Raises :class:`ConvergenceError` (its ``result`` attribute holds the partial result)
        if the time stepper gives up."""
        steps = [s for st in self.steps for s in _expand(st)]
        durations = [self._step_duration(s) for s in steps]  # validates before solving
        if restart is not None and start_time != 0.0:
            raise ParameterError(InputProblem("start_time", "a restart continues the checkpoint's "
                                              "clock", start_time, "0 [s] (default) with restart"))
        pb = self.problem or self.build()
        stepper = AdaptiveStepper(pb, self.step_control)
        fingerprint = self.fingerprint(steps)
        units = column_units(self._column_exports)
        if restart is not None:
            state, result, previous = read_run_checkpoint(restart, pb, fingerprint)
            if list(result.units) != list(units):
                raise ParameterError(InputProblem("restart", "checkpoint has other result columns "
                                                  "(exports)", str(restart), "the exports of the "
                                                  "run that wrote it: " + ", ".join(result.units)))
            run = Run.restored(pb, stepper, state, result, previous)
        else:
            result = Result(liquid_window=(pb.x_liquidus_k, pb.x_liquidus_na),
                            nominal_area=pb.area_nominal, units=units)
            t0 = float(start_time)
            run = Run(pb, stepper, result, t0, step_start_time=t0)
        checkpointer = Checkpointer(self.checkpoint_every, self.checkpoint_path, pb.mesh.comm)
        if restart is None:
            self._record(run)
        outputs = RunOutputs(self, pb, run.time, restarted=restart is not None)
        try:
            if restart is None:
                outputs.emit(result, run.time, run.steps_taken)
            for k in range(run.step_index, len(steps)):
                self._run_step(run, k, steps[k], durations[k], outputs, checkpointer,
                               fingerprint)
        except ConvergenceError as err:
            err.result = result
            result.termination = (f"stopped: {err.reason}" if isinstance(err, StepLimitError)
                                  else f"convergence failure: {err.reason}")
            raise
        finally:
            outputs.close()
        result.termination = run.termination
        result.info.update(newton_iterations=stepper.newton_iterations,
                           rejections=stepper.rejections, steps=run.steps_taken,
                           dofs=pb.n_c + pb.n_phi + 1)
        return result

    def _run_step(self, run: Run, k: int, step, duration: float, outputs: RunOutputs,
                  checkpointer: Checkpointer, fingerprint: Fingerprint):
        """Run expanded protocol step ``k`` (its breakpoint segments) to its duration or a
        termination; checkpoints when due and at the step end."""
        stepper = run.stepper
        resume = run.resume_mid_step  # continue the checkpoint's step where it stopped
        run.resume_mid_step = False
        if not resume:
            run.step_start_time = run.time
            run.step_start_capacity = run.capacity
        t0 = run.step_start_time
        run.step_index = k
        breaks = sorted(b for b in step.breakpoints() if 0 < b < duration)
        stops = [t0 + b for b in breaks] + [t0 + duration]

        def control_at(tt):
            val = step.value(tt - t0)
            return CurrentControl(val) if step.mode == "current" else VoltageControl(val)

        events = self._events(step, run.current_of, run.step_capacity_of)
        hit = None
        first_segment = run.segment if resume else 0
        for j in range(first_segment, len(stops)):
            t_stop = stops[j]
            run.segment = j
            if not (resume and j == first_segment):
                stepper.reset_history()
                if k or j:
                    stepper.dt = self.step_control.dt_initial
            margin = 1e-12 * max(1.0, t_stop) if math.isfinite(t_stop) else 0.0
            while run.time < t_stop - margin and hit is None:
                hit = self.advance(run, control_at, outputs.stop_time(run.time, t_stop),
                                   events, outputs)
                if hit is None and checkpointer.due(run.steps_taken):
                    checkpointer.write(run.problem, run.state(mid_step=True), fingerprint,
                                       run.result, stepper._prev)
                if run.steps_this_call >= self.max_steps:
                    raise StepLimitError(self.max_steps, run.time, run.last_dt)
            if hit is not None:
                break
        run.result.step_terminations.append(hit or "duration")
        run.termination = hit or "completed"
        if checkpointer.step_ends:
            run.step_index, run.segment = k + 1, 0
            checkpointer.write(run.problem, run.state(mid_step=False), fingerprint,
                               run.result, stepper._prev)

    def advance(self, run: Run, control_at, t_end: float, events, outputs: RunOutputs):
        """One accepted time step of ``run`` towards ``t_end`` [s] under ``control_at(t)``,
        located on the first of ``events``: integrates the capacities (q += i dt, i the
        total current density), records the row and emits the outputs.  Returns the
        termination hit (or None)."""
        pb = run.problem
        area = pb.area_nominal
        t = run.time
        q_dl = pb.double_layer_charge()
        t_new, hit = run.stepper.advance(t, control_at, t_end, events)
        dt = t_new - t
        i_tot = pb.total_current(dt, q_dl) / area
        row = RowContext(pb, run.step_index, i_tot, 0.0, 0.0)
        run.time, run.last_dt, run.current_density = t_new, dt, i_tot
        run.capacity += i_tot * dt
        run.faradaic_capacity += row.functional("current_we") / area * dt
        row.capacity, row.faradaic_capacity = run.capacity, run.faradaic_capacity
        self._record(run, row)
        outputs.emit(run.result, t_new, run.steps_taken + 1)
        run.steps_taken += 1
        run.steps_this_call += 1
        return hit
