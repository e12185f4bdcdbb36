"""Running one sweep point: the function every executor calls (in a worker process).

Kept free of heavy imports so that a fresh worker can pin its BLAS/OpenMP
threads before numpy is loaded.
"""

from __future__ import annotations

import importlib
import os
import pickle
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclass(frozen=True)
class PointTask:
    """Everything a worker needs to run one point (picklable).

    The study travels pickled (``study_pickle``) and is unpickled after the
    kind module is imported, so a worker whose ``sys.path`` lacks the kind's
    folder (a Dask worker) can still read it: ``import_root`` is added first.
    """

    point_id: str
    kind_module: str
    study_pickle: bytes
    point_dir: str
    outputs: tuple[str, ...]
    import_root: str | None = None  # folder to put on sys.path if the kind is not importable

    @classmethod
    def make(cls, point_id: str, kind_module: str, study: Any, point_dir, outputs,
             import_root: str | None = None) -> PointTask:
        return cls(point_id, kind_module, pickle.dumps(study), str(point_dir), tuple(outputs),
                   import_root)


def pin_threads(n: int = 1) -> None:
    """Limit BLAS/OpenMP threads (effective only before numpy/scipy are imported)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(n)


def import_root_of(module_name: str) -> str | None:
    """The sys.path entry a module was imported from (so that workers can import it too)."""
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    path = getattr(module, "__file__", None)
    if not path:
        return None
    root = Path(path).resolve().parent
    if Path(path).name == "__init__.py":
        root = root.parent
    for _ in range(module_name.count(".")):
        root = root.parent
    return str(root)


def _import_kind(task: PointTask):
    return import_kind(task.kind_module, task.import_root)


def import_kind(kind_module: str, import_root: str | None = None):
    """Import a study kind's module, from ``import_root`` if it is not on ``sys.path``."""
    try:
        return importlib.import_module(kind_module)
    except ModuleNotFoundError:
        if import_root and import_root not in sys.path:
            sys.path.insert(0, import_root)
            return importlib.import_module(kind_module)
        raise


def warm_up(kind_module: str, import_root: str | None = None) -> None:
    """Import a kind and what its points need (its ``warm_up()``), before any point arrives.

    A pool process does this while the scheduling process is still sampling a design or
    setting up the store, so the worker's start-up (importing dolfinx and the model, about
    1 s) overlaps that work instead of adding to the first point.  Errors are ignored here:
    the point that needs the module reports them.
    """
    try:
        module = import_kind(kind_module, import_root)
        hook = getattr(module, "warm_up", None)
        if callable(hook):
            hook()
    except Exception:  # noqa: BLE001  (reported by the first point instead)
        pass


def failed_record(point_id: str, error: str, tb: str = "", **extra) -> dict:
    """The record of a point that raised, crashed its worker or timed out."""
    record = {"point_id": point_id, "status": "failed", "outputs": {}, "error": error,
              "traceback": tb, "wall_time_s": None, "cpu_time_s": None}
    record.update(extra)
    return record


def execute_point(task: PointTask, *, attempt: str | None = None, commit: bool = True,
                  extra: dict | None = None) -> dict:
    """Run ``run_point`` of the task's kind in a private attempt folder and commit the result.

    A point that already has a stored result is not rerun: its stored record
    is returned (``reused=True``) — e.g. when Dask reruns a task whose result
    lived on a worker that died.  Otherwise the point runs in a fresh attempt
    folder (``attempt`` names a shared one for collective MPI runs) and the
    record (status ``ok`` or ``failed``, with error text and traceback) is
    committed write-once (:func:`~nakmodel.sweep.commit.commit_result`): if
    another attempt finished first, its record is returned instead and ours
    is dropped.  ``commit=False`` returns the record without writing it;
    ``extra`` entries (e.g. the MPI rank) are added to the record.
    """
    from .commit import commit_result, new_attempt_dir, read_result
    from .store import _json_value

    folder = Path(task.point_dir)
    if commit:
        stored = read_result(folder)
        if stored is not None:
            return dict(stored, reused=True)
    started = time.time()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    base = {"host": socket.gethostname(), "pid": os.getpid(), "started": started,
            **(extra or {})}
    workdir = None
    try:
        workdir = new_attempt_dir(folder, attempt)
        module = _import_kind(task)
        study = pickle.loads(task.study_pickle)
        outputs = module.run_point(study, workdir)
        if not isinstance(outputs, dict):
            raise TypeError(f"run_point returned {type(outputs).__name__}, not a dict")
        missing = [name for name in task.outputs if name not in outputs]
        if missing:
            raise KeyError(f"run_point did not return the outputs {missing}")
        record = dict(base, point_id=task.point_id, status="ok", outputs=dict(outputs),
                      error="", traceback="")
    except (Exception, SystemExit) as exc:  # a failing point must not stop the sweep
        record = failed_record(task.point_id, _error_text(exc), traceback.format_exc(), **base)
    record["wall_time_s"] = time.perf_counter() - wall0
    record["cpu_time_s"] = time.process_time() - cpu0
    if not commit:
        return record
    try:
        stored, _won = commit_result(folder, record, workdir, json_value=_json_value)
    except OSError as exc:  # the store is not writable: the scheduling process reports it
        return dict(record, status="failed", outputs={},
                    error=f"result not stored: {_error_text(exc)}", uncommitted=True)
    return stored


def _error_text(exc: BaseException) -> str:
    """``Type: message`` on one line (the first line of a multi-line message, + a count)."""
    text = str(exc).strip()
    lines = text.splitlines()
    if len(lines) > 1:
        text = f"{lines[0]} (+{len(lines) - 1} more problem(s): {'; '.join(lines[1:])})"
    return f"{type(exc).__name__}: {text}"
