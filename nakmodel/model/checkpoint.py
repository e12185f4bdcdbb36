"""Checkpoints of a :class:`~nakmodel.model.simulation.Simulation` run.

:func:`save_checkpoint` / :func:`load_checkpoint` store and restore the field state of a
:class:`CoupledProblem` (content and potential at every DOF with its coordinates, V, time,
and with grain boundaries the history field E_gb of :mod:`.grain_boundary_stepping`, with a
sub-grid constriction the contact voltages of :mod:`.contact_stepping`).
A *run* checkpoint (:func:`write_run_checkpoint`, read by :func:`read_run_checkpoint`) adds
what a run needs to continue exactly where it stopped: the protocol position (expanded step,
breakpoint segment), that step's start time and start capacity, the cumulative capacities,
the time stepper's step size and extrapolation history, the result rows so far, and a
fingerprint (DOF count, protocol hash, parameters hash) checked on restart.

Files are ``.npz`` written atomically by rank 0 (temporary file + ``os.replace``); every rank
takes part (the DOFs are gathered), so under MPI all ranks must call the writers together.
"""

from __future__ import annotations

import hashlib
import io as _io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ParameterError, Problem
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
            problems.append(Problem("checkpoint_every.steps", "must be a positive integer or "
                                    "None", self.steps, "integer >= 1 [accepted steps]"))
        if self.wall_seconds is not None and not (
                isinstance(self.wall_seconds, (int, float))
                and not isinstance(self.wall_seconds, bool)
                and math.isfinite(self.wall_seconds) and self.wall_seconds > 0):
            problems.append(Problem("checkpoint_every.wall_seconds", "must be a positive finite "
                                    "number or None", self.wall_seconds, "> 0 [s]"))
        if not isinstance(self.step_ends, bool):
            problems.append(Problem("checkpoint_every.step_ends", "must be true or false",
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


def save_checkpoint(problem, path, time: float, extra: dict | None = None) -> Path:
    """Write the state (content, potential at every DOF with its coordinates, V, time) to
    ``path`` (.npz, atomic, written by rank 0).  Works in serial and under MPI; the file
    can be loaded on any partition of the same mesh.  ``extra``: more arrays to store; a
    callable value is called on rank 0 only (for data gathered just before)."""
    n = problem.n_owned_blocks
    coords = problem.space.tabulate_dof_coordinates()[:n]
    values = problem.u.x.array[: 2 * n].reshape(n, 2)
    parts = problem.mesh.comm.gather((coords, values), root=0)
    history = {**_history_parts(problem), **_contact_parts(problem)}
    path = Path(path)
    if problem.mesh.comm.rank == 0:
        from ..io_utils import atomic_write_bytes

        buf = _io.BytesIO()
        np.savez(buf, coordinates=np.concatenate([c for c, _ in parts]),
                 values=np.concatenate([v for _, v in parts]),
                 voltage=float(problem.voltage.value), time=time,
                 potassium=problem.potassium, **history, **(extra or {}))
        atomic_write_bytes(path, buf.getvalue())
    problem.mesh.comm.barrier()
    return path


def _history_cells(problem):
    """(owned cell indices, their midpoints) of the grain-boundary history (DG0)."""
    from dolfinx.mesh import compute_midpoints

    msh = problem.mesh
    tdim = msh.topology.dim
    cells = np.arange(msh.topology.index_map(tdim).size_local, dtype=np.int32)
    return cells, compute_midpoints(msh, tdim, cells)


def _history_parts(problem) -> dict:
    """The grain-boundary history E_gb of the last accepted state (cell midpoints and
    values, gathered on rank 0) for the checkpoint; {} without grain boundaries."""
    ceramic = getattr(problem, "ceramic", None)
    if ceramic is None or not ceramic.active:
        return {}
    cells, mid = _history_cells(problem)
    gdim = problem.mesh.geometry.dim
    values = ceramic.history.x.array.reshape(-1, gdim)[cells]
    parts = problem.mesh.comm.gather((mid, values), root=0)
    if problem.mesh.comm.rank != 0:
        return {}
    return {"grain_boundary_midpoints": np.concatenate([m for m, _ in parts]),
            "grain_boundary_history": np.concatenate([v for _, v in parts])}


def _restore_history(problem, data, path):
    """Set the grain-boundary history from the checkpoint (cells matched by midpoints);
    refuses a checkpoint without it when the ceramic has grain boundaries."""
    ceramic = getattr(problem, "ceramic", None)
    if ceramic is None or not ceramic.active:
        return
    if "grain_boundary_history" not in data.files:
        raise ParameterError(Problem(
            "restart", "checkpoint has no grain-boundary history (written without "
            "grain-boundary stepping) but the ceramic has grain boundaries", str(path),
            "a checkpoint written with nasicon.bulk_conductivity > 0 by this version"))
    from scipy.spatial import cKDTree

    cells, mid = _history_cells(problem)
    stored = data["grain_boundary_midpoints"]
    dist, idx = cKDTree(stored).query(mid)
    size = float(np.ptp(stored, axis=0).max()) or 1.0
    if problem.mesh.comm.allreduce(int(np.sum(dist > 1e-9 * size))):
        raise ParameterError(Problem("checkpoint", "grain-boundary history does not match "
                                     "this mesh", str(path), "a checkpoint of the same mesh"))
    gdim = problem.mesh.geometry.dim
    values = ceramic.history.x.array.reshape(-1, gdim)
    values[cells] = data["grain_boundary_history"][idx]
    ceramic.history.x.scatter_forward()


def _contact_parts(problem) -> dict:
    """The contact-node history (contact voltage V − φ_c of the last accepted state,
    :mod:`.contact_stepping`; node coordinates and values gathered on rank 0); {} without
    a sub-grid constriction."""
    contact = getattr(problem, "contact_nodes", None)
    if contact is None or not contact.active:
        return {}
    n = contact.space.dofmap.index_map.size_local
    parts = problem.mesh.comm.gather((contact.space.tabulate_dof_coordinates()[:n],
                                      contact.history.x.array[:n]), root=0)
    if problem.mesh.comm.rank != 0:
        return {}
    return {"contact_history_coordinates": np.concatenate([c for c, _ in parts]),
            "contact_history": np.concatenate([v for _, v in parts])}


def _restore_contact(problem, data, path):
    """Set the contact-node history from the checkpoint (nodes matched by coordinates);
    refuses a checkpoint without it when the interface has a sub-grid constriction."""
    contact = getattr(problem, "contact_nodes", None)
    if contact is None or not contact.active:
        return
    if "contact_history" not in data.files:
        raise ParameterError(Problem(
            "restart", "checkpoint has no contact history (written without contact-node "
            "stepping) but the interface has a sub-grid constriction", str(path),
            "a checkpoint written with interface.patch_size > 0 by this version"))
    from scipy.spatial import cKDTree

    coords = contact.space.tabulate_dof_coordinates()
    stored = data["contact_history_coordinates"]
    dist, idx = cKDTree(stored).query(coords)
    size = float(np.ptp(stored, axis=0).max()) or 1.0
    if problem.mesh.comm.allreduce(int(np.sum(dist > 1e-9 * size))):
        raise ParameterError(Problem("checkpoint", "contact history does not match this mesh",
                                     str(path), "a checkpoint of the same mesh"))
    contact.history.x.array[:] = data["contact_history"][idx]
    contact.history.x.scatter_forward()


def _dof_map(problem, data, path):
    """Index into the checkpoint's DOF list of every local DOF (matched by coordinates)."""
    from scipy.spatial import cKDTree

    coords = problem.space.tabulate_dof_coordinates()
    tree = cKDTree(data["coordinates"])
    dist, idx = tree.query(coords)
    size = float(np.ptp(data["coordinates"], axis=0).max()) or 1.0
    bad = problem.mesh.comm.allreduce(int(np.sum(dist > 1e-9 * size)))
    if bad or not np.isclose(float(data["potassium"]), problem.potassium, rtol=1e-12):
        raise ParameterError(Problem("checkpoint", "state does not match this cell/alloy",
                                     str(path), "a checkpoint of the same mesh and composition"))
    return idx


def _open(path):
    path = Path(path)
    if not path.is_file():
        raise ParameterError(Problem("restart", "checkpoint file not found", str(path),
                                     "an existing .npz written by a Simulation run"))
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise ParameterError(Problem("restart", f"not a readable checkpoint ({err})", str(path),
                                     "an .npz written by save_checkpoint")) from err


def load_checkpoint(problem, path) -> float:
    """Restore a state written by :func:`save_checkpoint` into ``problem`` (DOFs matched by
    coordinates, any partition); returns the time.  The mesh must be the same."""
    data = _open(path)
    idx = _dof_map(problem, data, path)
    problem.u.x.array[:] = data["values"][idx].ravel()
    problem.voltage.value = float(data["voltage"])
    problem.accept()
    _restore_history(problem, data, path), _restore_contact(problem, data, path)
    return float(data["time"])


# ---------------------------------------------------------------------- run checkpoints
def _rows_array(result: Result) -> np.ndarray:
    return np.array([result.rows[k] for k in COLUMNS], dtype=float).reshape(len(COLUMNS), -1)


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
    parts = problem.mesh.comm.gather(prev.reshape(n, 2), root=0)
    if problem.mesh.comm.rank == 0:
        profiles = result.profiles
        extra = dict(
            format_version=FORMAT_VERSION,
            run_state=np.array(json.dumps(state.__dict__)),
            fingerprint=np.array(json.dumps(fingerprint.__dict__)),
            rows=_rows_array(result),
            columns=np.array(list(COLUMNS)),
            result_meta=np.array(json.dumps({
                "step_terminations": list(result.step_terminations),
                "liquid_window": list(result.liquid_window),
                "nominal_area": result.nominal_area})),
            profile_times=np.array([p.time for p in profiles], dtype=float),
            profile_sizes=np.array([len(p.x_na) for p in profiles], dtype=int),
            profile_coordinates=np.concatenate([p.coordinate for p in profiles]
                                               ) if profiles else np.zeros(0),
            profile_x_na=np.concatenate([p.x_na for p in profiles]) if profiles else np.zeros(0),
            previous_values=np.concatenate(parts), previous_voltage=prev_v)
    return save_checkpoint(problem, path, state.time, extra=extra)


def read_run_checkpoint(path, problem, fingerprint: Fingerprint):
    """Check ``path`` against ``fingerprint`` (before touching the problem), restore the field
    state into ``problem`` and return ``(RunState, Result so far, previous_state)``.

    Raises :class:`ParameterError` for a missing/foreign file or a checkpoint of another
    mesh, protocol or parameter set."""
    data = _open(path)
    if "run_state" not in data.files or int(data["format_version"]) != FORMAT_VERSION:
        raise ParameterError(Problem("restart", "not a run checkpoint of this version",
                                     str(path), "checkpoint.npz written by Simulation.run "
                                     f"(format {FORMAT_VERSION})"))
    stored = Fingerprint(**json.loads(str(data["fingerprint"])))
    names = {"dofs": "number of degrees of freedom (mesh)", "protocol": "protocol",
             "parameters": "parameters / electrode settings"}
    problems = [Problem("restart", f"checkpoint has a different {names[k]}", str(path),
                        f"a checkpoint of the same {names[k]}")
                for k in names if getattr(stored, k) != getattr(fingerprint, k)]
    if problems:
        raise ParameterError(problems)
    idx = _dof_map(problem, data, path)
    state = RunState(**json.loads(str(data["run_state"])))
    problem.u.x.array[:] = data["values"][idx].ravel()
    problem.voltage.value = float(data["voltage"])
    problem.accept()
    _restore_history(problem, data, path), _restore_contact(problem, data, path)
    previous = None
    if state.previous_dt is not None:
        prev = data["previous_values"][idx].ravel()
        previous = (np.concatenate([prev[problem.active_owned],
                                    [float(data["previous_voltage"])]]), state.previous_dt)
    meta = json.loads(str(data["result_meta"]))
    result = Result(liquid_window=tuple(meta["liquid_window"]),
                    nominal_area=meta["nominal_area"])
    columns = [str(c) for c in data["columns"]]
    for k, row in zip(columns, data["rows"], strict=True):
        result.rows[k] = [float(v) for v in row]
    result.step_terminations = list(meta["step_terminations"])
    offsets = np.concatenate([[0], np.cumsum(data["profile_sizes"])]).astype(int)
    for j, t in enumerate(data["profile_times"]):
        sl = slice(offsets[j], offsets[j + 1])
        result.profiles.append(InterfaceProfile(float(t), data["profile_coordinates"][sl].copy(),
                                                data["profile_x_na"][sl].copy()))
    return state, result, previous
