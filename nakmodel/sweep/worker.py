"""Running one sweep point: the function every executor calls (in a worker process).

Kept free of heavy imports so that a fresh worker can pin its BLAS/OpenMP
threads before numpy is loaded.
"""

from __future__ import annotations

import importlib
import os
import pickle
import shutil
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
_OWN_FILES = {"point.json", "result.json"}


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
    try:
        return importlib.import_module(task.kind_module)
    except ModuleNotFoundError:
        if task.import_root and task.import_root not in sys.path:
            sys.path.insert(0, task.import_root)
            return importlib.import_module(task.kind_module)
        raise


_INPUT_FILES = ("point.json", "parameters.toml", "study.toml", "study.json")
"""Files of a point folder that describe its inputs (kept on a retry)."""


def clear_point_dir(folder: Path) -> None:
    """Remove what an earlier (failed or interrupted) attempt left, keeping the inputs.

    Hidden files (the temporary files of atomic writes, possibly of a concurrent
    sweep writing into the same folder) are left alone.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for child in folder.iterdir():
        if child.name in _INPUT_FILES or child.name.startswith("."):
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def failed_record(point_id: str, error: str, tb: str = "", **extra) -> dict:
    """The record of a point that raised, crashed its worker or timed out."""
    record = {"point_id": point_id, "status": "failed", "outputs": {}, "error": error,
              "traceback": tb, "wall_time_s": None, "cpu_time_s": None}
    record.update(extra)
    return record


def execute_point(task: PointTask, *, clear: bool = True) -> dict:
    """Run ``run_point`` of the task's kind; a record with status ``ok`` or ``failed``.

    Exceptions become ``failed`` records with the error text and traceback;
    a point that does not return every requested output fails too.  The
    record is returned, not written: the scheduling process writes it.
    """
    folder = Path(task.point_dir)
    started = time.time()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    base = {"host": socket.gethostname(), "pid": os.getpid(), "started": started}
    try:
        if clear:
            clear_point_dir(folder)
        module = _import_kind(task)
        study = pickle.loads(task.study_pickle)
        outputs = module.run_point(study, folder)
        if not isinstance(outputs, dict):
            raise TypeError(f"run_point returned {type(outputs).__name__}, not a dict")
        missing = [name for name in task.outputs if name not in outputs]
        if missing:
            raise KeyError(f"run_point did not return the outputs {missing}")
    except (Exception, SystemExit) as exc:  # a failing point must not stop the sweep
        record = failed_record(task.point_id, f"{type(exc).__name__}: {exc}",
                               traceback.format_exc(), **base)
        record["wall_time_s"] = time.perf_counter() - wall0
        record["cpu_time_s"] = time.process_time() - cpu0
        return record
    return dict(base, point_id=task.point_id, status="ok", outputs=dict(outputs), error="",
                traceback="",
                wall_time_s=time.perf_counter() - wall0,
                cpu_time_s=time.process_time() - cpu0)
