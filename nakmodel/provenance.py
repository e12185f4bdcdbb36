"""Provenance of every output folder: what produced these files, from which inputs.

:meth:`nakmodel.study.Study.run` and :func:`nakmodel.sweep.run_sweep` write into their
output folder

* ``provenance.json``: nakmodel, dolfinx, PETSc, petsc4py and numpy versions, the git commit
  of the nakmodel source (when it is a git checkout; ``git_dirty`` when it has local
  changes), the command line, start and end time (UTC, ISO 8601), host, MPI size, the study
  file and the parameter file (path and SHA-256);
* ``parameters.toml``: the fully resolved parameter set with the source and tag of every
  value (``nakmodel.load_parameters("parameters.toml")`` reads it back; ``--params
  parameters.toml`` reruns the study on it);
* ``study.toml``: a byte copy of the study file (``study.json`` for a study given as a dict),
  and of its ``[parameters] file`` when that is a relative path inside the study folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .atomic_write import atomic_write_bytes, atomic_write_text

PROVENANCE_FILE = "provenance.json"
PARAMETERS_FILE = "parameters.toml"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dist_version(*names: str) -> str | None:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def versions() -> dict:
    """Versions of nakmodel and the numerical stack (modules already imported are asked
    directly; others through their installed distribution, without importing them)."""
    from . import __version__

    out = {"nakmodel": __version__, "python": platform.python_version(),
           "numpy": _dist_version("numpy"), "scipy": _dist_version("scipy"),
           "petsc4py": _dist_version("petsc4py"),
           "dolfinx": _dist_version("fenics-dolfinx", "dolfinx", "dolfinx-solver-real")}
    dolfinx = sys.modules.get("dolfinx")
    if dolfinx is not None:
        out["dolfinx"] = getattr(dolfinx, "__version__", out["dolfinx"])
    try:  # the package only (its PETSc extension needs the dolfinx runtime first)
        import petsc4py

        out["petsc4py"] = out["petsc4py"] or petsc4py.__version__
    except ImportError:
        pass
    petsc = sys.modules.get("petsc4py.PETSc")
    out["petsc"] = None
    if petsc is not None:
        try:
            out["petsc"] = ".".join(str(v) for v in petsc.Sys.getVersion())
        except Exception:  # noqa: BLE001 - provenance must never fail a run
            out["petsc"] = None
    if out["petsc"] is None and out["petsc4py"]:  # petsc4py x.y.z is built for PETSc x.y
        out["petsc"] = f"{out['petsc4py']} (version of petsc4py; PETSc not loaded by this run)"
    return out


def git_state(path=None) -> dict:
    """``{"git_commit": sha or None, "git_dirty": bool or None}`` of the nakmodel source."""
    where = Path(path) if path else Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=5)
        if commit.returncode != 0:
            return {"git_commit": None, "git_dirty": None}
        status = subprocess.run(["git", "-C", str(where), "status", "--porcelain",
                                 "--untracked-files=no"], capture_output=True, text=True,
                                timeout=5)
        return {"git_commit": commit.stdout.strip(), "git_dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"git_commit": None, "git_dirty": None}


def mpi_size() -> int:
    """Number of MPI ranks of this run (1 without MPI)."""
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is not None:
        try:
            return int(mpi.COMM_WORLD.Get_size())
        except Exception:  # noqa: BLE001
            pass
    for var in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MPI_LOCALNRANKS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return 1


def _file_record(path) -> dict | None:
    if path is None:
        return None
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = None
    return {"path": str(path.resolve()), "sha256": digest}


@dataclass
class Provenance:
    """What :func:`write_inputs` / :meth:`finish` record for one run or sweep."""

    kind: str
    name: str
    command: list = field(default_factory=list)
    started: str = ""
    study_file: dict | None = None
    parameter_file: dict | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def start(cls, study, command=None, **extra) -> Provenance:
        """Begin a record for ``study`` (a :class:`~nakmodel.study.Study`) now."""
        return cls(kind=study.kind, name=study.name,
                   command=list(sys.argv if command is None else command), started=_now(),
                   study_file=_file_record(study.path),
                   parameter_file=_file_record(study.parameter_file), extra=dict(extra))

    def write_inputs(self, outdir, study, parameters=None) -> list[Path]:
        """``parameters.toml`` (resolved, with sources) and the study copy into ``outdir``."""
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        params = study.parameters if parameters is None else parameters
        header = (f"# resolved parameters of study '{study.name}' ({study.kind}), {_now()}\n"
                  "# rerun: nakmodel run study.toml --params parameters.toml\n")
        written = [atomic_write_text(outdir / PARAMETERS_FILE, header + params.to_toml())]
        if study.path is not None and Path(study.path).is_file():
            written.append(atomic_write_bytes(outdir / "study.toml",
                                              Path(study.path).read_bytes()))
        elif study.source is not None:
            written.append(atomic_write_text(outdir / "study.json", json.dumps(
                study.source, indent=2, default=str) + "\n"))
        named = ((study.source or {}).get("parameters") or {}).get("file")
        if (isinstance(named, str) and study.parameter_file is not None
                and not Path(named).is_absolute() and ".." not in Path(named).parts
                and Path(study.parameter_file).is_file()):
            # the study copy's `file = ...` resolves inside the output folder too
            written.append(atomic_write_bytes(outdir / named,
                                              Path(study.parameter_file).read_bytes()))
        return written

    def as_dict(self, finished: str | None = None) -> dict:
        return {"kind": self.kind, "name": self.name, **versions(), **git_state(),
                "command": self.command, "cwd": os.getcwd(), "start_time": self.started,
                "end_time": finished, "host": socket.gethostname(),
                "platform": platform.platform(), "mpi_size": mpi_size(),
                "study_file": self.study_file, "parameter_file": self.parameter_file,
                **self.extra}

    def finish(self, outdir, **extra) -> Path:
        """Write ``provenance.json`` with the end time now."""
        self.extra.update(extra)
        data = self.as_dict(finished=_now())
        return atomic_write_text(Path(outdir) / PROVENANCE_FILE,
                                 json.dumps(data, indent=2, default=str) + "\n")


def read_provenance(folder) -> dict:
    """The ``provenance.json`` of an output folder."""
    return json.loads((Path(folder) / PROVENANCE_FILE).read_text())
