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
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ConvergenceError, ParameterError, Problem, StepLimitError
from .checkpoint import (  # noqa: F401  (save/load_checkpoint: public here too)
    CheckpointControl,
    Fingerprint,
    RunState,
    load_checkpoint,
    read_run_checkpoint,
    save_checkpoint,
    write_run_checkpoint,
)
from .materials import AlloyProperties, ElectrodeInterface, NasiconProperties
from .problem import CoupledProblem, CurrentControl, NewtonOptions, VoltageControl
from .result import InterfaceProfile, Result
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
        raise ParameterError(Problem("protocol", "a protocol is required", None,
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
        raise ParameterError(Problem("protocol", f"not a protocol ({type(protocol).__name__})",
                                     protocol, "nakmodel.Protocol, a step, or a protocol "
                                     "string such as 'Strip at 1 mA/cm2 for 1 h'")) from None
    if not steps:
        raise ParameterError(Problem("protocol", "has no steps", protocol,
                                     "at least one step, e.g. 'Rest for 10 min'"))
    if any(not hasattr(s, "mode") for s in steps):
        raise ParameterError(Problem("protocol", "steps must have mode/value/duration", protocol,
                                     "nakmodel.Protocol"))
    return steps


def _expand(step):
    """Sub-steps of composite steps (e.g. a current ramp with ``levels``) or the step itself."""
    if hasattr(step, "expand"):
        return list(step.expand())
    return [step]


#: faradaic current density, as a fraction of the exchange current density, below which the
#: overpotential columns of a result are area means instead of current-weighted means
CURRENT_WEIGHT_FLOOR = 1e-3


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
                 checkpoint_every: CheckpointControl | None = DEFAULT_CHECKPOINTS):
        from ..parameters import Parameters, load_parameters

        if parameters is None or isinstance(parameters, dict | str | Path):
            parameters = load_parameters(parameters)  # a dict of overrides or a TOML path
        elif not isinstance(parameters, Parameters):
            raise ParameterError(Problem("parameters", "not a parameter set "
                                         f"({type(parameters).__name__})", parameters,
                                         "nakmodel.Parameters, a dict of overrides or a TOML "
                                         "path"))
        if isinstance(max_steps, bool) or not isinstance(max_steps, int | float) \
                or not max_steps >= 1 or int(max_steps) != max_steps:
            raise ParameterError(Problem("max_steps", "must be an integer >= 1", max_steps,
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
            raise ParameterError(Problem("profiles_every_step", "must be true or false",
                                         profiles_every_step, "a boolean"))
        self.profiles_every_step = profiles_every_step
        if checkpoint_every is not None and not isinstance(checkpoint_every,
                                                           CheckpointControl):
            raise ParameterError(Problem("checkpoint_every", "must be a CheckpointControl or "
                                         "None", checkpoint_every,
                                         "CheckpointControl(steps=..., wall_seconds=...)"))
        self.checkpoint_every = checkpoint_every
        self.problem = None

    def add_observer(self, observer):
        """Call ``observer(problem, t, result)`` after the initial state and after every
        accepted step (see the class docstring); returns ``observer``."""
        if not callable(observer):
            raise ParameterError(Problem("observers", "an observer must be callable",
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
    def _record(self, result, t, k_step, current, capacity, faradaic_capacity):
        pb = self.problem
        area = pb.area_nominal
        V = float(pb.voltage.value)
        i_f = pb.functional("current_we")
        active = pb.functional("active_area")
        ocv = pb.functional("ocv_area") / active if active > 0 else math.nan
        i_ce = pb.functional("current_ce")
        # current-weighted means int(i eta)/int(i) while the faradaic current is a real
        # current; below CURRENT_WEIGHT_FLOOR x i0 x area (e.g. the tail of a rest) that ratio
        # divides two round-off-sized integrals, which differ between partitions (serial vs
        # MPI up to 5e-4 relative): the area mean is used there instead
        if abs(i_f) > CURRENT_WEIGHT_FLOOR * pb.working.exchange_current_density * area:
            eta_we = pb.functional("eta_we_i") / i_f
        else:
            eta_we = pb.functional("eta_we_area") / active
        if abs(i_ce) > CURRENT_WEIGHT_FLOOR * pb.counter.exchange_current_density * area:
            eta_ce = pb.functional("eta_ce_i") / i_ce
        else:
            eta_ce = 0.0
        ce_term = -eta_ce
        vol0 = pb.functional("alloy_volume")
        result.append(
            time=t, step=k_step, voltage=V, current_density=current, capacity=capacity,
            faradaic_capacity=faradaic_capacity, ocv=ocv, we_overpotential=eta_we,
            ce_overpotential=ce_term, ohmic=V - ocv - eta_we - ce_term,
            x_interface_min=pb.interface_x_min(), x_interface_max=pb.interface_x_max(),
            x_interface_mean=pb.functional("x_area") / pb.functional("area_interface"),
            liquid_fraction_interface=pb.functional("liquid_area") / pb.functional(
                "area_interface"),
            contact_fraction=pb.contact * pb.area_contact / area, active_fraction=active / area,
            liquid_fraction_volume=pb.functional("liquid_volume") / pb.functional(
                "alloy_volume_actual"),
            inventory=pb.functional("inventory"),
            alloy_thickness=pb.functional("alloy_volume_actual") / area if vol0 > 0 else 0.0)

    def _profile(self, result, t):
        from .profiles import interface_profile

        coord, x = interface_profile(self.problem)  # no field gather (binned along x in 3D)
        result.profiles.append(InterfaceProfile(t, coord, x))

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
                raise ParameterError(Problem("protocol.until", "unknown termination",
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
            raise ParameterError(Problem("protocol", "a step needs a duration or an until "
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
            raise ParameterError(Problem("start_time", "a restart continues the checkpoint's "
                                         "clock", start_time, "0 [s] (default) with restart"))
        pb = self.problem or self.build()
        stepper = AdaptiveStepper(pb, self.step_control)
        area = pb.area_nominal
        if restart is not None:
            state, result, previous = read_run_checkpoint(restart, pb, self.fingerprint(steps))
            stepper.dt = state.dt
            stepper._prev = previous
            stepper.newton_iterations = state.newton_iterations
            stepper.rejections = state.rejections
        else:
            result = Result(liquid_window=(pb.x_liquidus_k, pb.x_liquidus_na),
                            nominal_area=pb.area_nominal)
            state = RunState(time=float(start_time), step_index=0, segment=0, mid_step=False,
                             step_start_time=float(start_time), step_start_capacity=0.0,
                             capacity=0.0, faradaic_capacity=0.0, steps_taken=0,
                             termination="completed", dt=stepper.dt, previous_dt=None,
                             newton_iterations=0, rejections=0)
        track = {"t": state.time, "capacity": state.capacity,
                 "faradaic": state.faradaic_capacity, "q0": state.step_start_capacity}
        position = {"k": state.step_index, "segment": state.segment, "t0": state.step_start_time}
        fingerprint = self.fingerprint(steps)
        checkpoints = self.checkpoint_every if self.output_dir is not None else None
        wall = {"last": time.monotonic()}

        def checkpoint(mid_step, termination):
            if checkpoints is None:
                return
            prev = stepper._prev
            write_run_checkpoint(
                self.checkpoint_path, pb, RunState(
                    time=track["t"], step_index=position["k"], segment=position["segment"],
                    mid_step=mid_step, step_start_time=position["t0"],
                    step_start_capacity=track["q0"], capacity=track["capacity"],
                    faradaic_capacity=track["faradaic"], steps_taken=n_steps,
                    termination=termination, dt=stepper.dt,
                    previous_dt=None if prev is None else float(prev[1]),
                    newton_iterations=stepper.newton_iterations,
                    rejections=stepper.rejections),
                fingerprint, result, prev)
            wall["last"] = time.monotonic()

        def checkpoint_due(n_steps):
            if checkpoints is None:
                return False
            if checkpoints.steps is not None and n_steps % checkpoints.steps == 0:
                return True
            if checkpoints.wall_seconds is None:
                return False
            late = time.monotonic() - wall["last"] >= checkpoints.wall_seconds
            return bool(pb.mesh.comm.bcast(late, root=0))  # the same decision on all ranks

        def current_of(p, dt):
            """Total WE current density of the trial state: faradaic + double layer."""
            if dt <= 0:
                return result.rows["current_density"][-1]
            return p.total_current(dt) / area

        def step_capacity_of(p, dt):
            q = track["capacity"] - track["q0"]
            return q if dt <= 0 else q + current_of(p, dt) * dt

        if restart is None:
            self._record(result, track["t"], 0, 0.0, 0.0, 0.0)
        t_first = track["t"]
        tol = 1e-9 * max(1.0, t_first)
        if restart is None:
            pending_profiles = [t for t in self.profile_times if t >= t_first * (1 - 1e-12)]
            pending_fields = [t for t in self.field_output_times if t >= t_first * (1 - 1e-12)]
        else:  # outputs up to the checkpoint time were written by the interrupted run
            pending_profiles = [t for t in self.profile_times if t > t_first + tol]
            pending_fields = [t for t in self.field_output_times if t > t_first + tol]
        # a restarted run keeps the interrupted run's fields.bp and continues in a new file
        writer = self._field_writer("fields.bp" if restart is None
                                    else f"fields_from_{t_first:.6g}s.bp")
        n_steps = state.steps_taken
        n_this_call = 0
        termination = state.termination
        try:
            if restart is None:
                self._outputs(result, track["t"], pending_profiles, pending_fields, writer)
            for k in range(state.step_index, len(steps)):
                step, duration = steps[k], durations[k]
                resuming = restart is not None and k == state.step_index
                if not (resuming and state.mid_step):
                    position["t0"] = track["t"]
                    track["q0"] = track["capacity"]
                t0 = position["t0"]
                position["k"] = k
                breaks = sorted(b for b in step.breakpoints() if 0 < b < duration)
                stops = [t0 + b for b in breaks] + [t0 + duration]

                def control_at(tt, step=step, t0=t0):
                    val = step.value(tt - t0)
                    return CurrentControl(val) if step.mode == "current" else VoltageControl(val)

                events = self._events(step, current_of, step_capacity_of)
                hit = None
                first_segment = state.segment if resuming else 0
                for j in range(first_segment, len(stops)):
                    t_stop = stops[j]
                    position["segment"] = j
                    if not (resuming and state.mid_step and j == first_segment):
                        stepper.reset_history()
                        if k or j:
                            stepper.dt = self.step_control.dt_initial
                    margin = 1e-12 * max(1.0, t_stop) if math.isfinite(t_stop) else 0.0
                    while track["t"] < t_stop - margin and hit is None:
                        t = track["t"]
                        t_end = min([t_stop] + [s for s in pending_profiles + pending_fields
                                                if s > t])
                        q_dl = pb.double_layer_charge()
                        t_new, hit = stepper.advance(t, control_at, t_end, events)
                        dt = t_new - t
                        i_tot = pb.total_current(dt, q_dl) / area
                        track["t"] = t_new
                        track["capacity"] += i_tot * dt
                        track["faradaic"] += pb.functional("current_we") / area * dt
                        self._record(result, t_new, k, i_tot, track["capacity"],
                                     track["faradaic"])
                        self._outputs(result, t_new, pending_profiles, pending_fields, writer)
                        n_steps += 1
                        n_this_call += 1
                        if hit is None and checkpoint_due(n_steps):
                            checkpoint(True, termination)
                        if n_this_call >= self.max_steps:
                            raise StepLimitError(self.max_steps, t_new, dt)
                    if hit is not None:
                        break
                result.step_terminations.append(hit or "duration")
                termination = hit or "completed"
                if checkpoints is not None and checkpoints.step_ends:
                    position.update(k=k + 1, segment=0)
                    checkpoint(False, termination)
        except ConvergenceError as err:
            err.result = result
            result.termination = (f"stopped: {err.reason}" if isinstance(err, StepLimitError)
                                  else f"convergence failure: {err.reason}")
            raise
        finally:
            if writer is not None:
                writer.close()
        result.termination = termination
        result.info.update(newton_iterations=stepper.newton_iterations,
                           rejections=stepper.rejections, steps=n_steps,
                           dofs=pb.n_c + pb.n_phi + 1)
        return result

    def _outputs(self, result, t, pending_profiles, pending_fields, writer):
        """Per-row outputs: profiles and fields due at ``t``, then the observers."""
        tol = 1e-9 * max(1.0, t)
        profiled = False
        while pending_profiles and pending_profiles[0] <= t + tol:
            self._profile(result, t)
            profiled = True
            pending_profiles.pop(0)
        if self.profiles_every_step and not profiled:
            self._profile(result, t)
        while pending_fields and pending_fields[0] <= t + tol:
            if writer is not None:
                writer(t)
            pending_fields.pop(0)
        for observer in self.observers:
            observer(self.problem, t, result)

    # ------------------------------------------------------------------ fields / checkpoints
    def _field_writer(self, name: str = "fields.bp"):
        if not self.field_output_times or self.output_dir is None:
            return None
        return _VTXFields(self.problem, self.output_dir / name)


class _VTXFields:
    """VTX (ADIOS2) output of x_Na in the alloy and phi in NASICON at chosen times."""

    def __init__(self, problem, path: Path):
        import dolfinx_solver  # noqa: F401

        from dolfinx import fem, io

        path.parent.mkdir(parents=True, exist_ok=True)
        self.problem = problem
        V1 = fem.functionspace(problem.mesh, ("Lagrange", 1))
        self.x = fem.Function(V1, name="x_Na")
        self.phi = fem.Function(V1, name="phi")
        self._x_expr = fem.Expression(problem.expr["x"], V1.element.interpolation_points)
        self.writer = io.VTXWriter(problem.mesh.comm, str(path),
                                   [self.x, self.phi], engine="BP4")

    def __call__(self, t):
        pb = self.problem
        self.x.interpolate(self._x_expr)
        self.phi.x.array[:] = pb.u.x.array[1::2]
        self.writer.write(t)

    def close(self):
        self.writer.close()
