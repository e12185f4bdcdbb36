"""Checkpoints of a :class:`~nakmodel.model.simulation.Simulation` run.

:func:`save_checkpoint` / :func:`load_checkpoint` store and restore the field state of a
:class:`CoupledProblem` (content and potential at every DOF with its coordinates, V, time,
and the history fields: E_gb of :mod:`.grain_boundary_stepping` with grain boundaries, the
contact voltage of :mod:`.contact_stepping` with a sub-grid constriction and the solid-K
nucleation flags of :mod:`.nucleation` with a nucleation barrier).
A *run* checkpoint (:func:`write_run_checkpoint`, read by :func:`read_run_checkpoint`) adds
what a run needs to continue exactly where it stopped: the protocol position (expanded step,
breakpoint segment), that step's start time and start capacity, the cumulative capacities,
the time stepper's step size and extrapolation history, the result rows so far, and a
fingerprint (DOF count, protocol hash, parameters hash) checked on restart.

Files are ``.npz`` written atomically (temporary file + ``os.replace``).  In serial one file
holds everything.  Under MPI nothing is gathered: every rank writes its owned DOFs (with their
coordinates) and owned cells' grain-boundary history (with their midpoints) to its own part
file ``<stem>.part<r>of<n>.npz``, then rank 0 writes the main file (scalars, result rows, the
number of parts and a token that every part repeats, so stale parts are refused).  On loading
each rank reads the parts one at a time and keeps the entries at its own coordinates, so a
checkpoint loads on any number of ranks.  All ranks must call the writers and readers together;
an error on one rank is raised on all (no rank is left waiting in a collective).
"""

from __future__ import annotations

import hashlib
import io as _io
import json
import math
import time as _time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputProblem, ParameterError
from .result import COLUMNS, InterfaceProfile, Result

FORMAT_VERSION = 1


@dataclass(frozen=True)
class CheckpointControl:
    """When a run with ``output_dir`` writes ``output_dir/checkpoint.npz``.

    steps: every this many accepted time steps (None: never by count).
    wall_seconds: when this much wall time [s] has passed since the last checkpoint
        (None: never by wall time; checked after each accepted step).
    step_ends: also at the end of every protocol step.
    """

    steps: int | None = 50
    wall_seconds: float | None = None
    step_ends: bool = True

    def __post_init__(self):
        problems = []
        if self.steps is not None and not (isinstance(self.steps, int)
                                           and not isinstance(self.steps, bool)
                                           and self.steps >= 1):
            problems.append(InputProblem("checkpoint_every.steps", "must be a positive integer or "
                                         "None", self.steps, "integer >= 1 [accepted steps]"))
        if self.wall_seconds is not None and not (
                isinstance(self.wall_seconds, (int, float))
                and not isinstance(self.wall_seconds, bool)
                and math.isfinite(self.wall_seconds) and self.wall_seconds > 0):
            problems.append(InputProblem("checkpoint_every.wall_seconds",
                                         "must be a positive finite "
                                         "number or None", self.wall_seconds, "> 0 [s]"))
        if not isinstance(self.step_ends, bool):
            problems.append(InputProblem("checkpoint_every.step_ends", "must be true or false",
                                         self.step_ends, "a boolean"))
        if problems:
            raise ParameterError(problems)


@dataclass(frozen=True)
class Fingerprint:
    """What a checkpoint must agree on with the run that continues it."""

    dofs: int
    protocol: str  # sha256 of the expanded protocol steps
    parameters: str  # sha256 of the parameters (and electrode overrides)

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class RunState:
    """Position of a run in its protocol and the bookkeeping needed to continue it.

    ``step_index``/``segment`` address the expanded protocol step and its breakpoint segment
    (``segment == 0`` with ``mid_step`` false: the step starts afresh, with the stepper reset);
    ``step_start_time`` [s] and ``step_start_capacity`` [C/m^2] are where that step began,
    ``capacity``/``faradaic_capacity`` [C/m^2] the cumulative values at ``time`` [s]."""

    time: float
    step_index: int
    segment: int
    mid_step: bool
    step_start_time: float
    step_start_capacity: float
    capacity: float
    faradaic_capacity: float
    steps_taken: int
    termination: str
    dt: float
    previous_dt: float | None  # step size of the stepper's extrapolation history
    newton_iterations: int
    rejections: int
    current_density: float = math.nan  # total current density of the last row [A/m^2]


class Checkpointer:
    """Writes the run checkpoint ``path`` when :meth:`due` says so (``control``: a
    :class:`CheckpointControl`; None or no ``path``: never).  :meth:`due` is collective under
    MPI: the wall-time decision is rank 0's, broadcast, so all ranks write together."""

    def __init__(self, control: CheckpointControl | None, path, comm):
        self.control = control if path is not None else None
        self.path = None if path is None else Path(path)
        self.comm = comm
        self._last = _time.monotonic()

    @property
    def active(self) -> bool:
        return self.control is not None

    @property
    def step_ends(self) -> bool:
        """True if a checkpoint is written at the end of every protocol step."""
        return self.active and self.control.step_ends

    def due(self, steps_taken: int) -> bool:
        """True after ``steps_taken`` accepted steps if a checkpoint is due (by count or by
        wall time since the last one)."""
        control = self.control
        if control is None:
            return False
        if control.steps is not None and steps_taken % control.steps == 0:
            return True
        if control.wall_seconds is None:
            return False
        late = _time.monotonic() - self._last >= control.wall_seconds
        return bool(self.comm.bcast(late, root=0))  # the same decision on all ranks

    def write(self, problem, state: RunState, fingerprint: Fingerprint, result: Result,
              previous_state) -> Path | None:
        """:func:`write_run_checkpoint` to :attr:`path` (nothing when inactive)."""
        if self.control is None:
            return None
        path = write_run_checkpoint(self.path, problem, state, fingerprint, result,
                                    previous_state)
        self._last = _time.monotonic()
        return path


def _part_path(path: Path, rank: int, size: int) -> Path:
    return path.with_name(f"{path.stem}.part{rank}of{size}.npz")


def _collective(comm, fn):
    """``fn()`` on every rank; if it raises on any rank it raises on all (the failing rank
    its own error, the others a ParameterError naming it), so no rank waits in a later
    collective for one that has failed."""
    try:
        out, err = fn(), None
    except Exception as exc:  # noqa: BLE001  (re-raised below, on every rank)
        out, err = None, exc
    failed = comm.allreduce(comm.rank if err is not None else comm.size, op=_mpi_min())
    if err is not None:
        raise err
    if failed < comm.size:
        raise ParameterError(InputProblem("checkpoint", f"failed on rank {failed}", "MPI",
                                          "see that rank's error"))
    return out


def _mpi_min():
    from mpi4py import MPI

    return MPI.MIN


def _history_cells(problem):
    """(owned cell indices, their midpoints) of the grain-boundary history (DG0)."""
    from dolfinx.mesh import compute_midpoints

    msh = problem.mesh
    tdim = msh.topology.dim
    cells = np.arange(msh.topology.index_map(tdim).size_local, dtype=np.int32)
    return cells, compute_midpoints(msh, tdim, cells)


def _owned_fields(problem, dof_extra) -> dict:
    """This rank's owned DOFs (coordinates, values, ``dof_extra``) and, with grain boundaries,
    its owned cells' history E_gb (midpoints, values): what a part file holds."""
    n = problem.n_owned_blocks
    fields = {"coordinates": problem.space.tabulate_dof_coordinates()[:n],
              "values": problem.u.x.array[: 2 * n].reshape(n, 2), **(dof_extra or {})}
    ceramic = getattr(problem, "ceramic", None)
    if ceramic is not None and ceramic.active:
        cells, mid = _history_cells(problem)
        gdim = problem.mesh.geometry.dim
        fields["grain_boundary_midpoints"] = mid
        fields["grain_boundary_history"] = ceramic.history.x.array.reshape(-1, gdim)[cells]
    contact = getattr(problem, "contact_nodes", None)
    if contact is not None and contact.active:  # contact voltage V - φ_c (.contact_stepping)
        m = contact.space.dofmap.index_map.size_local
        fields["contact_history_coordinates"] = contact.space.tabulate_dof_coordinates()[:m]
        fields["contact_history"] = contact.history.x.array[:m]
    nucleation = getattr(problem, "nucleation", None)
    if nucleation is not None and nucleation.active:  # solid-K flags (.nucleation)
        fields["nucleation_coordinates"], fields["solid_k_nucleated"] = nucleation.nodes()
    return fields


def save_checkpoint(problem, path, time: float, extra: dict | None = None,
                    dof_extra: dict | None = None) -> Path:
    """Write the state (content, potential at every DOF with its coordinates, V, time; the
    grain-boundary history) to ``path`` (.npz, atomic; under MPI one part file per rank and
    no gather, see the module docstring).  Loads on any partition of the same mesh.
    ``extra``: more arrays for the main file (a callable value is called on rank 0 only);
    ``dof_extra``: more arrays of shape (owned DOF blocks, 2), stored like the values.
    Collective: every rank must call it."""
    from ..atomic_write import atomic_write_bytes

    comm = problem.mesh.comm
    path = Path(path)
    fields = _owned_fields(problem, dof_extra)
    main = {}
    if comm.size == 1:
        main.update(fields)
    else:
        import secrets

        token = comm.bcast(secrets.token_hex(8) if comm.rank == 0 else None, root=0)

        def write_part():
            buf = _io.BytesIO()
            np.savez(buf, token=token, **fields)
            atomic_write_bytes(_part_path(path, comm.rank, comm.size), buf.getvalue())

        _collective(comm, write_part)  # all parts exist before the main file names them
        main.update(parts=comm.size, token=token)

    def write_main():
        if comm.rank != 0:
            return
        values = {k: (v() if callable(v) else v) for k, v in (extra or {}).items()}
        buf = _io.BytesIO()
        np.savez(buf, voltage=float(problem.voltage.value), time=time,
                 potassium=problem.potassium, **main, **values)
        atomic_write_bytes(path, buf.getvalue())

    _collective(comm, write_main)
    return path


def _bad_checkpoint(path, what="state does not match this cell/alloy"):
    return ParameterError(InputProblem("checkpoint", what, str(path),
                                       "a checkpoint of the same mesh and composition"))


def _sources(data, path):
    """The arrays of a checkpoint: the file itself (serial) or its parts, one at a time."""
    if "parts" not in data.files:
        yield data
        return
    parts = int(data["parts"])
    for r in range(parts):
        part = _open(_part_path(Path(path), r, parts))
        if str(part["token"]) != str(data["token"]):
            raise ParameterError(InputProblem("restart", "checkpoint parts are from another write",
                                              str(path), "the parts written with this checkpoint"))
        yield part


def _matched(problem, data, path, points, key, names) -> dict:
    """The checkpoint's arrays ``names`` at ``points`` (this rank's DOF coordinates or cell
    midpoints), matched to the stored ``key`` coordinates within 1e-9 of the mesh size; the
    parts are read one at a time and nothing is communicated but two small reductions."""
    from mpi4py import MPI
    from scipy.spatial import cKDTree

    comm = problem.mesh.comm
    low = np.full(3, np.inf) if not points.size else points.min(axis=0)
    high = np.full(3, -np.inf) if not points.size else points.max(axis=0)
    comm.Allreduce(MPI.IN_PLACE, low, op=MPI.MIN)
    comm.Allreduce(MPI.IN_PLACE, high, op=MPI.MAX)
    span = high - low
    tol = 1e-9 * ((float(np.max(span)) if np.all(np.isfinite(span)) else 0.0) or 1.0)

    def read():
        out, found = {}, np.zeros(points.shape[0], dtype=bool)
        for part in _sources(data, path):
            if key not in part.files:
                raise _bad_checkpoint(path, f"checkpoint has no {key}")
            if not len(part[key]):
                continue
            dist, idx = cKDTree(part[key]).query(points, distance_upper_bound=tol)
            hit = np.isfinite(dist)
            for name in names:
                stored = part[name]
                if name not in out:
                    out[name] = np.full((points.shape[0],) + stored.shape[1:], np.nan)
                out[name][hit] = stored[idx[hit]]
            found |= hit
        return out, int(np.sum(~found))

    out, missing = _collective(comm, read)
    if comm.allreduce(missing):
        raise _bad_checkpoint(path)
    return out


def _restore_history(problem, data, path):
    """Set the grain-boundary history from the checkpoint (cells matched by midpoints);
    refuses a checkpoint without it when the ceramic has grain boundaries."""
    ceramic = getattr(problem, "ceramic", None)
    if ceramic is None or not ceramic.active:
        return
    has = ("grain_boundary_history" in data.files
           or "parts" in data.files and "grain_boundary_history" in _open(
               _part_path(Path(path), 0, int(data["parts"]))).files)
    if not has:
        raise ParameterError(InputProblem(
            "restart", "checkpoint has no grain-boundary history (written without "
            "grain-boundary stepping) but the ceramic has grain boundaries", str(path),
            "a checkpoint written with nasicon.bulk_conductivity > 0 by this version"))
    cells, mid = _history_cells(problem)
    stored = _matched(problem, data, path, mid, "grain_boundary_midpoints",
                      ["grain_boundary_history"])["grain_boundary_history"]
    gdim = problem.mesh.geometry.dim
    ceramic.history.x.array.reshape(-1, gdim)[cells] = stored
    ceramic.history.x.scatter_forward()


def _nodal_history(problem, data, path, key, space, missing, expected):
    """The checkpoint's nodal history ``key`` at every local node of ``space`` (matched by
    the node coordinates stored with it, :func:`_owned_fields`); refuses a checkpoint
    without it (``missing``: why it is needed, ``expected``: what to give)."""
    has = (key in data.files
           or "parts" in data.files and key in _open(
               _part_path(Path(path), 0, int(data["parts"]))).files)
    if not has:
        raise ParameterError(InputProblem("restart", missing, str(path), expected))
    coordinates = {"contact_history": "contact_history_coordinates",
                   "solid_k_nucleated": "nucleation_coordinates"}[key]
    return _matched(problem, data, path, space.tabulate_dof_coordinates(), coordinates,
                    [key])[key]


def _restore_contact(problem, data, path):
    """Set the contact-node history from the checkpoint (nodes matched by coordinates);
    refuses a checkpoint without it when the interface has a sub-grid constriction."""
    contact = getattr(problem, "contact_nodes", None)
    if contact is None or not contact.active:
        return
    contact.history.x.array[:] = _nodal_history(
        problem, data, path, "contact_history", contact.space,
        "checkpoint has no contact history (written without contact-node stepping) but the "
        "interface has a sub-grid constriction",
        "a checkpoint written with interface.patch_size > 0 by this version")
    contact.history.x.scatter_forward()


def _restore_nucleation(problem, data, path):
    """Set the solid-K nucleation flags from the checkpoint (nodes matched by coordinates);
    refuses a checkpoint without them when the alloy has a nucleation barrier."""
    nucleation = getattr(problem, "nucleation", None)
    if nucleation is None or not nucleation.active:
        return
    nucleation.restore(_nodal_history(
        problem, data, path, "solid_k_nucleated", nucleation.space,
        "checkpoint has no solid-K nucleation flags (written without a nucleation barrier) "
        "but alloy.solid_k_nucleation_supersaturation > 0",
        "a checkpoint written with alloy.solid_k_nucleation_supersaturation > 0"))


def _dof_fields(problem, data, path, names) -> dict:
    """The checkpoint's arrays ``names`` at every local DOF (owned + ghost), by coordinates."""
    if not np.isclose(float(data["potassium"]), problem.potassium, rtol=1e-12):
        raise _bad_checkpoint(path)
    return _matched(problem, data, path, problem.space.tabulate_dof_coordinates(),
                    "coordinates", names)


def _open(path):
    path = Path(path)
    if not path.is_file():
        raise ParameterError(InputProblem("restart", "checkpoint file not found", str(path),
                                          "an existing .npz written by a Simulation run"))
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise ParameterError(InputProblem("restart", f"not a readable checkpoint ({err})",
                                          str(path),
                                          "an .npz written by save_checkpoint")) from err


def load_checkpoint(problem, path) -> float:
    """Restore a state written by :func:`save_checkpoint` into ``problem`` (DOFs matched by
    coordinates, any partition); returns the time.  The mesh must be the same."""
    data = _open(path)
    problem.u.x.array[:] = _dof_fields(problem, data, path, ["values"])["values"].ravel()
    problem.voltage.value = float(data["voltage"])
    problem.accept()
    _restore_history(problem, data, path)
    _restore_contact(problem, data, path)
    _restore_nucleation(problem, data, path)
    return float(data["time"])


# ---------------------------------------------------------------------- run checkpoints
def _rows_array(result: Result) -> np.ndarray:
    units = result.units
    return np.array([result.rows[k] for k in units], dtype=float).reshape(len(units), -1)


def write_run_checkpoint(path, problem, state: RunState, fingerprint: Fingerprint,
                         result: Result, previous_state) -> Path:
    """Write a run checkpoint: the field state plus ``state``, ``fingerprint``, the result so
    far and the stepper's previous state ``previous_state`` (``(X_{n-1}, dt)`` of
    :class:`AdaptiveStepper` or None).  Collective under MPI (see the module docstring)."""
    n = problem.n_owned_blocks
    extra = {}
    prev = np.zeros(2 * n)
    prev_v = math.nan
    if previous_state is not None:
        X_old, _ = previous_state
        full = problem.u.x.array.copy()  # inactive DOFs: fixed values, as in the state
        full[problem.active_owned] = X_old[:-1]
        prev = full[: 2 * n]
        prev_v = float(X_old[-1])
    if problem.mesh.comm.rank == 0:
        profiles = result.profiles
        extra = dict(
            format_version=FORMAT_VERSION,
            run_state=np.array(json.dumps(state.__dict__)),
            fingerprint=np.array(json.dumps(fingerprint.__dict__)),
            rows=_rows_array(result),
            columns=np.array(list(result.units)),
            result_meta=np.array(json.dumps({
                "step_terminations": list(result.step_terminations),
                "liquid_window": list(result.liquid_window),
                "nominal_area": result.nominal_area, "units": dict(result.units)})),
            profile_times=np.array([p.time for p in profiles], dtype=float),
            profile_sizes=np.array([len(p.x_na) for p in profiles], dtype=int),
            profile_coordinates=np.concatenate([p.coordinate for p in profiles]
                                               ) if profiles else np.zeros(0),
            profile_x_na=np.concatenate([p.x_na for p in profiles]) if profiles else np.zeros(0),
            previous_voltage=prev_v)
    return save_checkpoint(problem, path, state.time, extra=extra,
                           dof_extra={"previous_values": prev.reshape(n, 2)})


def read_run_checkpoint(path, problem, fingerprint: Fingerprint):
    """Check ``path`` against ``fingerprint`` (before touching the problem), restore the field
    state into ``problem`` and return ``(RunState, Result so far, previous_state)``.

    Raises :class:`ParameterError` for a missing/foreign file or a checkpoint of another
    mesh, protocol or parameter set."""
    data = _open(path)
    if "run_state" not in data.files or int(data["format_version"]) != FORMAT_VERSION:
        raise ParameterError(InputProblem("restart", "not a run checkpoint of this version",
                                          str(path), "checkpoint.npz written by Simulation.run "
                                          f"(format {FORMAT_VERSION})"))
    stored = Fingerprint(**json.loads(str(data["fingerprint"])))
    names = {"dofs": "number of degrees of freedom (mesh)", "protocol": "protocol",
             "parameters": "parameters / electrode settings"}
    problems = [InputProblem("restart", f"checkpoint has a different {names[k]}", str(path),
                             f"a checkpoint of the same {names[k]}")
                for k in names if getattr(stored, k) != getattr(fingerprint, k)]
    if problems:
        raise ParameterError(problems)
    fields = _dof_fields(problem, data, path, ["values", "previous_values"])
    state = RunState(**json.loads(str(data["run_state"])))
    problem.u.x.array[:] = fields["values"].ravel()
    problem.voltage.value = float(data["voltage"])
    problem.accept()
    _restore_history(problem, data, path)
    _restore_contact(problem, data, path)
    _restore_nucleation(problem, data, path)
    previous = None
    if state.previous_dt is not None:
        prev = fields["previous_values"].ravel()
        previous = (np.concatenate([prev[problem.active_owned],
                                    [float(data["previous_voltage"])]]), state.previous_dt)
    meta = json.loads(str(data["result_meta"]))
    columns = [str(c) for c in data["columns"]]
    units = meta.get("units") or {k: COLUMNS.get(k, "-") for k in columns}
    result = Result(liquid_window=tuple(meta["liquid_window"]),
                    nominal_area=meta["nominal_area"], units=units)
    for k, row in zip(columns, data["rows"], strict=True):
        result.rows[k] = [float(v) for v in row]
    result.step_terminations = list(meta["step_terminations"])
    offsets = np.concatenate([[0], np.cumsum(data["profile_sizes"])]).astype(int)
    for j, t in enumerate(data["profile_times"]):
        sl = slice(offsets[j], offsets[j + 1])
        result.profiles.append(InterfaceProfile(float(t), data["profile_coordinates"][sl].copy(),
                                                data["profile_x_na"][sl].copy()))
    return state, result, previous
