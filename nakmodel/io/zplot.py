"""Scribner ZPlot / ZView ``.z`` files.

Layout: ``ZPLOT2 ASCII`` and ``Key: value`` metadata lines, ``Data Points: N``, the
column-name line (``Freq(Hz)  Ampl  Bias  Time(Sec)  Z'(a)  Z''(b)  GD  Err  Range``),
``End Comments``, then tab- (or ``", "``-) separated rows. Z'' carries its sign
(capacitive < 0). A file with fewer rows than ``Data Points`` is reported as truncated.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._common import SpectrumFileError, Table, guess_delimiter, parse_rows, read_text
from .text_table import read_text_table

ZPLOT_COLUMNS = ("Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)", "GD", "Err", "Range")


def read_z_table(path: Path) -> Table:
    """Parse a ZPlot ``.z`` file (falls back to a plain table without the ZPlot header)."""
    text = read_text(path)
    lines = text.splitlines()
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
                try:
                    declared = int(value.strip())
                except ValueError:
                    declared = None
    rows = [(k + 1, line) for k, line in enumerate(lines[start:], start=start) if line.strip()]
    if not rows:
        raise SpectrumFileError(path, "no data rows after the header", line=start,
                                expected="tab-separated rows after 'End Comments'")
    delimiter = guess_delimiter([t for _, t in rows[:20]])
    if delimiter is None and ", " in rows[0][1]:
        delimiter = ","
    names: list[str] = []
    if head is not None:
        names = [n for n in re.split(r"\t|, ", lines[head].strip()) if n]
    else:
        names = list(ZPLOT_COLUMNS)
    ncols = len([f for f in (rows[0][1].split(delimiter) if delimiter else rows[0][1].split())
                 if f.strip()])
    if len(names) != ncols:
        names = names[:ncols] + [f"column {j + 1}" for j in range(len(names), ncols)]
    data, numbers = parse_rows(path, rows, delimiter, names, ncols=ncols)
    if declared is not None and data.shape[0] < declared:
        raise SpectrumFileError(path, f"truncated: header declares {declared} data points, "
                                f"found {data.shape[0]}", line=int(numbers[-1]),
                                expected="as many rows as 'Data Points'")
    area = meta.get("Surface Area")
    if area is not None:
        meta["area_cm2_in_header"] = area
    meta["format"] = "ZPlot z"
    return Table(path, names, data, numbers, meta=meta)
