"""Plain CSV tables with units in the headers, and their metadata sidecars.

Every CSV file nakmodel writes has one header line ``name [unit],...`` (``[-]`` for a
dimensionless number, no brackets for a text column such as ``composition``) followed by
data rows: no comment lines, so ``pandas.read_csv`` and spreadsheets read it as is.
Values are SI (see :mod:`nakmodel.display_units` for the display units of summaries and
figures).  Metadata that is not a column (termination reason, electrode area, label...)
goes into the JSON *sidecar* ``<stem>.meta.json`` next to the CSV.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from pathlib import Path

from .atomic_write import atomic_write_text
from .display_units import header, split_header

TEXT = None
"""Unit of a text column (no brackets in the header)."""


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) or (
        hasattr(value, "dtype") and getattr(value, "shape", None) == ())


def format_cell(value) -> str:
    """One CSV cell: floats with 12 significant digits (no binary noise), text as is."""
    if isinstance(value, bool):
        return str(value).lower()
    if _is_number(value):
        value = float(value)
        if not math.isfinite(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return f"{value:.12g}"
    return "" if value is None else str(value)


def write_rows(path, rows: list[Mapping], units: Mapping[str, str | None]) -> Path:
    """Write ``rows`` (dicts with the same keys) as CSV with ``name [unit]`` headers.

    ``units`` maps a column name to its SI unit (``""`` or ``"-"``: dimensionless,
    None: a text column).  A column that holds numbers but has no entry in ``units`` is a
    programming error (ValueError): every number written carries its unit.
    """
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    heads = []
    for name in columns:
        if name in units:
            heads.append(header(name, units[name]))
            continue
        if split_header(name)[1] is not None:  # already "name [unit]"
            heads.append(name)
            continue
        if any(_is_number(r.get(name)) for r in rows):
            raise ValueError(f"column {name!r} holds numbers but has no unit")
        heads.append(name)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(heads)
    for row in rows:
        writer.writerow([format_cell(row.get(name)) for name in columns])
    return atomic_write_text(path, buffer.getvalue())


def sidecar_path(csv_path) -> Path:
    """``folder/name.csv`` -> ``folder/name.meta.json``."""
    path = Path(csv_path)
    return path.with_name(path.stem + ".meta.json")


def write_sidecar(csv_path, meta: Mapping) -> Path:
    """Write ``meta`` (JSON-able; numpy scalars and arrays are converted) next to the CSV."""
    return atomic_write_text(sidecar_path(csv_path),
                             json.dumps(_jsonable(meta), indent=2, allow_nan=True) + "\n")


def read_sidecar(csv_path) -> dict:
    """The sidecar of a CSV file ({} when there is none)."""
    path = sidecar_path(csv_path)
    if not path.is_file():
        return {}
    return json.loads(path.read_text())


def _jsonable(value):
    import numpy as np

    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)


def _cell(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def read_table(path) -> tuple[list[dict], dict[str, str | None]]:
    """Rows of a CSV written by nakmodel as dicts keyed by the column *name* (without the
    unit; numbers as floats, text as str) and the ``{name: unit}`` of the header.  Old
    files (``#`` comment lines, headers without units) are read too."""
    with open(path, newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.reader(lines)
    try:
        heads = next(reader)
    except StopIteration:
        return [], {}
    parsed = [split_header(h) for h in heads]
    names = [name for name, _ in parsed]
    units = dict(parsed)
    rows = [{name: _cell(text) for name, text in zip(names, values, strict=False)}
            for values in reader if values]
    return rows, units
