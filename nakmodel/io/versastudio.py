"""Princeton Applied Research VersaStudio ``.par`` files.

INI/XML-like sections (``<Application>``, ``<Action1>``, ``<Segment1>``...). Each
``<SegmentN>`` holds ``Definition=`` with the comma-separated column names (``Segment #,
Point #, E(V), I(A), ..., Frequency(Hz), ..., Z Real, Z Imag, ...``; a trailing name
without data is ignored) and comma-separated data rows until ``</SegmentN>``. Z'' carries
its sign (capacitive < 0). ``E(V)`` and ``I(A)`` give the DC potential and current.
Several segments are a series (the ``Segment #`` column numbers them).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, parse_rows, read_text


def looks_like_par(text: str) -> bool:
    """VersaStudio content: ``<Application>`` / ``<SegmentN>`` sections with Definition=."""
    return ("<Segment" in text and "Definition=" in text) or (
        text.lstrip().startswith("<Application>") and "VersaStudio" in text)


def read_par_table(path: Path) -> Table:
    """Parse every ``<SegmentN>`` of a VersaStudio ``.par`` file."""
    text = read_text(path)
    lines = text.splitlines()
    meta: dict = {"format": "VersaStudio par"}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key in ("Name", "Amplitude (mV RMS)", "Start Frequency (Hz)",
                           "End Frequency (Hz)") and key not in meta:
            meta[key] = value.strip()
    blocks = []
    i = 0
    while i < len(lines):
        m = re.match(r"^<Segment(\d+)>\s*$", lines[i].strip())
        if not m:
            i += 1
            continue
        end_tag = f"</Segment{m.group(1)}>"
        names: list[str] = []
        rows = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != end_tag:
            line = lines[j]
            if line.startswith("Definition="):
                names = [n.strip() for n in line[len("Definition="):].split(",")]
            elif names and line.strip() and "=" not in line:
                rows.append((j + 1, line))
            j += 1
        if j >= len(lines):
            raise SpectrumFileError(path, f"<Segment{m.group(1)}> is not closed (truncated "
                                    "file?)", line=i + 1, expected=end_tag)
        if names and rows:
            blocks.append((names, rows))
        i = j + 1
    if not blocks:
        raise SpectrumFileError(path, "no <SegmentN> section with data rows",
                                expected="a VersaStudio .par file of an impedance run")
    names = blocks[0][0]
    tables, numbers = [], []
    ncols = len(blocks[0][1][0][1].split(","))
    for block_names, rows in blocks:
        if block_names != names:
            raise SpectrumFileError(path, "segments with different columns",
                                    line=rows[0][0], expected="the same Definition= in "
                                    "every segment")
        data, lines_of = parse_rows(path, rows, ",", names, decimal_comma=False, ncols=ncols)
        tables.append(data)
        numbers.append(lines_of)
    names = names[:ncols] + [f"column {k + 1}" for k in range(len(names), ncols)]
    return Table(path, names, np.vstack(tables), np.concatenate(numbers), meta=meta)
