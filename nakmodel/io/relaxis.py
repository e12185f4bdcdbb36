"""RelaxIS spectrum exports (``RelaxIS 3.0 Spectrum export``, tab-separated).

Line 1 names the program, line 2 the export date, line 3 the columns (``Data:
Frequency``, ``Data: Z'``, ``Data: Z''``, ``Data: |Z|``, ``Data: Theta (Z)``). Each
spectrum starts with an information row (``DC=-0.080042, TM=33.74, J=-5E-6, FV2=1``,
the model name and the spectrum name) followed by its data rows. ``DC`` is the DC
potential [V] (``meta["dc_potential_V"]``); Z'' carries its sign (capacitive < 0).
Several spectra in one export become a series.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, is_number, parse_rows, read_text


def looks_like_relaxis(text: str) -> bool:
    """RelaxIS content: the first line names RelaxIS and a ``Data: Frequency`` column."""
    return text.lstrip("\ufeff").startswith("RelaxIS") and "Data: Frequency" in text[:2000]


def read_relaxis_table(path: Path) -> Table:
    """Parse a RelaxIS export with one or more spectra."""
    lines = read_text(path).splitlines()
    head = next((i for i, line in enumerate(lines[:20]) if line.startswith("Data:")), None)
    if head is None:
        raise SpectrumFileError(path, "no 'Data: ...' column line", expected="a RelaxIS "
                                "spectrum export")
    names = [n.strip().removeprefix("Data:").strip() for n in lines[head].split("\t")]
    names = ["Theta (deg)" if n.startswith("Theta") else n for n in names if n]
    meta: dict = {"format": "RelaxIS export", "title": lines[0].strip()}
    if head > 1 and lines[1].startswith("Date:"):
        meta["export_date"] = lines[1][5:].strip()
    blocks: list[tuple[dict, list]] = []
    for number, line in enumerate(lines[head + 1:], start=head + 2):
        fields = [f for f in line.split("\t") if f.strip()]
        if not fields:
            continue
        if all(is_number(f) for f in fields):
            if not blocks:
                blocks.append(({}, []))
            blocks[-1][1].append((number, line))
        else:
            info = dict(re.findall(r"([A-Za-z0-9]+)=([-+0-9.eE]+)", fields[0]))
            info["spectrum"] = fields[-1].strip()
            blocks.append((info, []))
    blocks = [b for b in blocks if b[1]]
    if not blocks:
        raise SpectrumFileError(path, "no data rows", line=head + 1,
                                expected="rows of frequency and impedance values")
    tables, numbers = [], []
    for k, (info, rows) in enumerate(blocks):
        data, lines_of = parse_rows(path, rows, "\t", names, ncols=len(names))
        dc = float(info["DC"]) if "DC" in info else np.nan
        tables.append(np.column_stack([data, np.full(len(data), k + 1.0),
                                       np.full(len(data), dc)]))
        numbers.append(lines_of)
    meta["spectra"] = [info for info, _ in blocks]
    table_names = names + ["spectrum number", "DC potential (V)"]
    if len(blocks) == 1:
        meta.update({f"relaxis_{key}": value for key, value in blocks[0][0].items()})
    data = np.vstack(tables)
    if np.all(np.isnan(data[:, -1])):
        data, table_names = data[:, :-1], table_names[:-1]
    return Table(path, table_names, data, np.concatenate(numbers), meta=meta)
