"""Saved study results (``nakmodel run`` folders and ``nakmodel sweep`` stores), read
without plotting.

:func:`load_study_results` reads a results folder into :class:`StudyResults`: ``rows``
(the CCD table ``ccd_results.csv``, a run's ``summary.csv`` or a sweep's ``results.csv``)
and ``runs`` (label -> folder holding ``timeseries.csv`` and friends);
:func:`read_timeseries` and :func:`read_drt_series` read one run folder.  Shared by
:mod:`.study_plots` and :mod:`.rest_recovery`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputProblem, ParameterError


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


@dataclass
class StudyResults:
    """Rows of the results table and the per-run folders of a results directory."""

    root: Path
    rows: list = field(default_factory=list)
    runs: dict = field(default_factory=dict)
    kind: str = ""


def _read_rows(path: Path) -> list[dict]:
    """Rows of a results CSV keyed by header; every ``name [unit]`` column is also reachable
    by its bare ``name`` unless the file has a separate column of that name (a sweep's
    given value of a swept key next to its SI column)."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    for row in rows:
        for key in list(row):
            bare = key.split(" [")[0]
            if bare != key and bare not in row:
                row[bare] = row[key]
    return rows


def load_study_results(folder) -> StudyResults:
    """Read a results folder written by the ``ccd`` / ``simulation`` study kinds (run or
    sweep).  Raises ParameterError when the folder holds no known results."""
    root = Path(folder)
    if not root.is_dir():
        raise ParameterError(InputProblem("results_dir", "not a folder", str(root),
                                          "a folder written by 'nakmodel run' or 'nakmodel sweep'"))
    out = StudyResults(root)
    for name, kind in (("ccd_results.csv", "ccd"), ("summary.csv", "simulation"),
                       ("results.csv", "sweep")):
        if (root / name).is_file():
            out.rows, out.kind = _read_rows(root / name), kind
            break
    for ts in sorted(root.rglob("timeseries.csv")):
        folder_ = ts.parent
        label = folder_.relative_to(root).as_posix()
        if out.kind == "ccd" and label.startswith("cases/"):
            continue  # the sweep store of the scans: the same runs are in <case> folders
        if out.kind == "sweep":
            label = _sweep_label(folder_, label)
        out.runs[label] = folder_
    if not out.rows and not out.runs:
        raise ParameterError(InputProblem("results_dir", "no study results found", str(root),
                                          "a folder with ccd_results.csv, summary.csv or "
                                          "results.csv and run folders with timeseries.csv"))
    return out


def _sweep_label(folder: Path, default: str) -> str:
    """'key=value, ...' of a sweep point from its point.json overrides."""
    import json

    try:
        point = json.loads((folder / "point.json").read_text())
        overrides = point.get("overrides", {})
        return ", ".join(f"{k.split('.')[-1]}={v}" for k, v in overrides.items()) or default
    except (OSError, ValueError, AttributeError):
        return default


def read_timeseries(folder) -> dict:
    """Columns of ``folder/timeseries.csv`` (names without units) as arrays."""
    path = Path(folder) / "timeseries.csv"
    with open(path) as handle:
        lines = [line for line in handle if not line.startswith("#")]
    header = [h.split(" [")[0].strip() for h in lines[0].strip().split(",")]
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2) if len(lines) > 1 else np.zeros(
        (0, len(header)))
    return {name: data[:, k] for k, name in enumerate(header)}


def read_drt_series(folder, stem: str = "geis"):
    """(x, tau, gamma) of the ``<stem>_<x>_drt.csv`` files of a run folder (x sorted).
    Spectra within a level (``<stem>_<x>_t<time>s_drt.csv``, ccd option ``geis_interval``):
    the latest of each x (the level end, or the last spectrum before the run ended)."""
    latest = {}
    for path in Path(folder).glob(f"{stem}_*_drt.csv"):
        x_text, _, t_text = path.name[len(stem) + 1:-len("_drt.csv")].partition("_t")
        try:
            x, t = float(x_text), float(t_text[:-1]) if t_text.endswith("s") else -1.0
        except ValueError:
            continue
        if x not in latest or t > latest[x][0]:
            latest[x] = (t, path)
    xs, taus, gammas = [], None, []
    for x, (_, path) in latest.items():
        from ..drt.saved import load_drt

        saved = load_drt(path)
        tau, gamma = saved.tau, saved.gamma
        if taus is None:
            taus = tau
        gammas.append(np.interp(np.log(taus), np.log(tau), gamma))
        xs.append(x)
    if not xs:
        return None
    order = np.argsort(xs)
    return np.asarray(xs)[order], taus, np.asarray(gammas)[order]
