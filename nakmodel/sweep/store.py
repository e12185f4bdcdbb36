"""Resumable on-disk store of a sweep.

Layout of ``OUT``::

    OUT/sweep.json                 the sweep (swept keys, outputs, point ids in order)
    OUT/points/<point_id>/point.json   inputs of the point (overrides, SI values, full parameters)
    OUT/points/<point_id>/result.json  status, outputs, error + traceback, timing (written LAST)
    OUT/points/<point_id>/*        files the point function wrote (time series, spectra...)
    OUT/results.csv                one row per point, rebuilt from the store (a derived file)

Every file is written atomically (temporary file + ``os.replace``) and each
point has its own folder, so concurrent writers never corrupt anything and a
point is finished iff its ``result.json`` exists: a ``kill -9`` loses at most
the points in flight.  ``result.json`` is written once, by the first attempt
that finishes (see :mod:`.commit`); attempts run in hidden
``.attempt-*`` subfolders until then.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from ..atomic_write import atomic_write_text
from .commit import POINT_FILE, RESULT_FILE, commit_result, discard_failed, read_result
from .spec import Point, SweepSpec, _display, canonical


def _json_value(value):
    """Outputs to JSON: floats stay floats (non-finite as null), numpy scalars unwrapped."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


class PointStore:
    """The store under ``root`` (see the module docstring)."""

    def __init__(self, root):
        self.root = Path(root)
        self.points_dir = self.root / "points"

    def create(self, spec: SweepSpec) -> None:
        """Create the folders and write ``sweep.json`` and every missing ``point.json``."""
        self.points_dir.mkdir(parents=True, exist_ok=True)
        meta = {"name": spec.name, "kind": spec.base.kind, "mode": spec.mode,
                "swept": list(spec.swept), "units": dict(spec.units),
                "outputs": list(spec.outputs),
                "points": [p.point_id for p in spec.points]}
        atomic_write_text(self.root / "sweep.json", json.dumps(meta, indent=1))
        for point in spec.points:
            path = self.point_dir(point.point_id) / POINT_FILE
            if not path.exists():
                atomic_write_text(path, json.dumps(self.inputs_record(point), indent=1))

    @staticmethod
    def inputs_record(point: Point) -> dict:
        study = point.study
        return {"point_id": point.point_id, "kind": study.kind,
                "overrides": {k: canonical(v) for k, v in point.overrides.items()},
                "si": {k: _json_value(v) for k, v in point.si.items()},
                "parameters": canonical(study.parameters.to_dict()),
                "options": canonical(study.options)}

    def point_dir(self, point_id: str) -> Path:
        return self.points_dir / point_id

    def result_path(self, point_id: str) -> Path:
        return self.point_dir(point_id) / RESULT_FILE

    def load_result(self, point_id: str) -> dict | None:
        """The finished record of a point, or None (not run, in flight, or unreadable)."""
        return read_result(self.point_dir(point_id))

    def write_result(self, record: dict) -> dict:
        """Commit a record made by the scheduling process (a worker died or timed out).

        Write-once: returns the stored record, which is an earlier attempt's
        if one finished first.
        """
        stored, _won = commit_result(self.point_dir(record["point_id"]), record,
                                     json_value=_json_value)
        return stored

    def discard_failed(self, point_id: str) -> bool:
        """Remove a failed result before a retry (an ``ok`` result is never removed)."""
        return discard_failed(self.point_dir(point_id))

    def rows(self, spec: SweepSpec, records: dict[str, dict] | None = None) -> list[dict]:
        """One row per point of ``spec``: id, swept inputs (given and SI), status, outputs."""
        rows = []
        for point in spec.points:
            record = (records or {}).get(point.point_id) or self.load_result(point.point_id)
            row: dict = {"point_id": point.point_id}
            for key in spec.swept:
                value = point.overrides.get(key)
                row[key] = "" if value is None else _display(value)
                unit = spec.units.get(key, "")
                row[f"{key} [{unit or '-'}]"] = point.si.get(key)
            row["status"] = record["status"] if record else "pending"
            outputs = (record or {}).get("outputs") or {}
            for name in spec.outputs:
                row[name] = outputs.get(name)
            row["wall_time_s"] = (record or {}).get("wall_time_s")
            row["error"] = (record or {}).get("error") or ""
            rows.append(row)
        return rows

    def write_csv(self, spec: SweepSpec, records: dict[str, dict] | None = None) -> Path:
        """Rebuild ``results.csv`` atomically from the store (output headers with the
        kind's ``OUTPUT_UNITS``: ``ccd [A/m^2]``)."""
        return write_rows_csv(self.root / "results.csv", self.rows(spec, records),
                              output_units(spec))


def output_units(spec) -> dict:
    """Header units of a sweep table: the kind's ``OUTPUT_UNITS`` plus the wall time."""
    import importlib

    module = importlib.import_module(spec.kind_module)
    units = {name: unit for name, unit in getattr(module, "OUTPUT_UNITS", {}).items()
             if unit is not None}
    units["wall_time_s"] = "s"
    return units


def rows_to_csv_text(rows: list[dict], units: dict | None = None) -> str:
    """CSV text of ``rows``; a column named in ``units`` gets the header ``name [unit]``."""
    from ..display_units import header

    buffer = io.StringIO()
    if rows:
        names = list(rows[0])
        units = units or {}
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([header(k, units[k]) if k in units else k for k in names])
        for row in rows:
            writer.writerow(["" if row.get(k) is None else row.get(k) for k in names])
    return buffer.getvalue()


def write_rows_csv(path, rows: list[dict], units: dict | None = None) -> Path:
    return atomic_write_text(path, rows_to_csv_text(rows, units))


def write_point_table(point_dir, name: str, columns: dict) -> Path:
    """Save a per-point time series or spectrum as ``point_dir/name`` (CSV, atomically).

    ``columns`` maps a header (with its unit, e.g. ``"t [s]"``) to a sequence of
    numbers; all columns must have the same length.  For ``run_point``
    functions: the file is listed in the point's ``result.json``.
    """
    from ..errors import InputProblem, ParameterError

    lengths = {key: len(values) for key, values in columns.items()}
    if not columns or len(set(lengths.values())) != 1:
        raise ParameterError(InputProblem(name, "columns must be non-empty and of equal length",
                                          lengths, "equal-length sequences"))
    n = next(iter(lengths.values()))
    rows = [{key: _json_value(values[i]) for key, values in columns.items()} for i in range(n)]
    return write_rows_csv(Path(point_dir) / name, rows)
