"""Scribner ZPlot / ZView ``.z`` files in both layouts, and the Z60W variant.

``ZPLOT2 ASCII`` layout: ``Key: value`` metadata lines (``Data Points: N``), the
column-name line (``Freq(Hz)  Ampl  Bias  Time(Sec)  Z'(a)  Z''(b)  GD  Err  Range``),
``End Comments``, then tab- (or ``", "``-) separated rows.

Older ``"ZPlotW Data File: Version 3.2c"`` layout, also written by Z60W (``"Z60W Data
File: Version 1.1"``, UTF-8 with BOM): quoted header lines, a settings line, a line
holding the number of points, the quoted column-name line, then comma-separated rows.

Z'' carries its sign (capacitive < 0). A file with fewer rows than the header declares
is read as far as it goes, with a warning giving both counts. In a control-voltage
sweep the ``Bias`` column is the DC potential (``meta["dc_potential_V"]``); in a
control-current sweep it is the DC current.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, guess_delimiter, parse_rows, read_text, warn_file
from .text_table import read_text_table

ZPLOT_COLUMNS = ("Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)", "GD", "Err", "Range")
_QUOTED_MAGIC = re.compile(r'^\s*"(ZPlotW|Z60W|ZView)[^"]*Data File', re.IGNORECASE)


def is_quoted_layout(first_line: str) -> bool:
    """True for the ``"ZPlotW Data File"`` / ``"Z60W Data File"`` layout."""
    return bool(_QUOTED_MAGIC.match(first_line.lstrip("\ufeff")))


def read_z_table(path: Path) -> Table:
    """Parse a ZPlot/ZView/Z60W ``.z`` file (a bare table of ZPlot rows also works)."""
    text = read_text(path)
    lines = text.splitlines()
    if lines and is_quoted_layout(lines[0]):
        return _quoted_layout(path, lines)
    end = next((i for i, line in enumerate(lines) if line.strip() == "End Comments"), None)
    head = next((i for i, line in enumerate(lines) if line.strip().startswith("Freq(Hz)")),
                None)
    if end is None and head is None:
        table = read_text_table(path)
        if not table.has_header and table.data.shape[1] >= 6:  # bare ZPlot rows
            table.names = list(ZPLOT_COLUMNS[: table.data.shape[1]])
            table.names += [f"column {j + 1}" for j in range(len(table.names),
                                                             table.data.shape[1])]
            table.has_header = True
        return table
    start = (end if end is not None else head) + 1
    meta: dict = {}
    declared = None
    for line in lines[: start - 1]:
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip()] = value.strip()
            if key.strip() == "Data Points":
                declared = _int(value)
    rows = [(k + 1, line) for k, line in enumerate(lines[start:], start=start) if line.strip()]
    if not rows:
        raise SpectrumFileError(path, "no data rows after the header", line=start,
                                expected="tab-separated rows after 'End Comments'")
    delimiter = guess_delimiter([t for _, t in rows[:20]])
    if delimiter is None and ", " in rows[0][1]:
        delimiter = ","
    names = ([n for n in re.split(r"\t|, ", lines[head].strip()) if n] if head is not None
             else list(ZPLOT_COLUMNS))
    return _finish(path, rows, delimiter, names, declared, meta,
                   meta.get("Experiment Type", ""))


def _quoted_layout(path: Path, lines: list[str]) -> Table:
    head = next((i for i, line in enumerate(lines)
                 if line.strip().startswith('"') and "Freq" in line and "Z'" in line), None)
    if head is None:
        raise SpectrumFileError(path, "no quoted column-name line (\"  Freq(Hz)  Ampl ...\")",
                                expected="a ZPlotW/Z60W data file")
    meta: dict = {"title": lines[0].lstrip("\ufeff").strip().strip('"')}
    declared = _int(lines[head - 1]) if head > 0 else None
    experiment = ""
    for line in lines[1:head]:
        body = line.strip().strip('"').strip()
        if body.lower().startswith("sweep frequency"):
            experiment = body
        key, sep, value = body.partition(":")
        if sep and key.strip() and value.strip():
            meta[key.strip()] = value.strip()
    rows = [(k + 1, line) for k, line in enumerate(lines[head + 1:], start=head + 1)
            if line.strip()]
    if not rows:
        raise SpectrumFileError(path, "no data rows after the column names", line=head + 1,
                                expected="comma-separated rows")
    names = [n for n in re.split(r"\s{2,}", lines[head].strip().strip('"').strip()) if n]
    return _finish(path, rows, ",", names, declared, meta, experiment)


def _finish(path, rows, delimiter, names, declared, meta, experiment) -> Table:
    ncols = len([f for f in (rows[0][1].split(delimiter) if delimiter else rows[0][1].split())
                 if f.strip()])
    if ncols == len(ZPLOT_COLUMNS):
        names = list(ZPLOT_COLUMNS)  # canonical names (some files write "Freq (Hz)")
    elif len(names) != ncols:
        names = names[:ncols] + [f"column {j + 1}" for j in range(len(names), ncols)]
    data, numbers = parse_rows(path, rows, delimiter, names, ncols=ncols)
    if declared is not None and data.shape[0] < declared:
        warn_file(path, f"the header declares {declared} data points but only "
                  f"{data.shape[0]} are present (a truncated sweep): reading those "
                  f"{data.shape[0]}")
        meta["declared_points"] = declared
    if "Surface Area" in meta:
        meta["area_cm2_in_header"] = meta["Surface Area"]
    if "Bias" in names:
        bias = float(np.mean(data[:, names.index("Bias")]))
        if "control voltage" in experiment.lower():
            meta["dc_potential_V"] = bias
        elif "control current" in experiment.lower():
            meta["dc_current_A"] = bias
    meta["format"] = "ZPlot z"
    return Table(path, names, data, numbers, meta=meta)


def _int(text: str) -> int | None:
    try:
        return int(text.strip().strip('"'))
    except ValueError:
        return None
