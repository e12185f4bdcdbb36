"""Ivium IviumSoft ``.idf`` files (impedance method).

An ``.idf`` is a short binary prefix followed by INI-like ``key=value`` text blocks
separated by NUL bytes (``Method=Impedance``, ``Technique=Constant E`` or ``Constant
I``, ``starttime=...``). The measured points sit in the ``primary_data`` block: the
block name, the number of columns (3), the number of points N, then N rows of
``Z' Z'' f`` (Ω, Ω, Hz), Z'' with its sign (capacitive < 0). Other blocks
(``osc_data``...) are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, parse_rows

NAMES = ["Z' (ohm)", "Z'' (ohm)", "Freq (Hz)"]


def looks_like_idf(head: bytes) -> bool:
    """Ivium content: INI keys of IviumSoft in a NUL-separated file."""
    return b"Version=" in head and (b"Method=" in head or b"primary_data" in head or
                                    b"I_Frequencies" in head)


def read_idf_table(path: Path) -> Table:
    """Parse the ``primary_data`` block of an Ivium ``.idf`` file."""
    raw = path.read_bytes()
    if not raw.strip(b"\x00 \r\n"):
        raise SpectrumFileError(path, "file is empty", expected="an Ivium .idf file")
    text = raw.replace(b"\x00", b"").decode("latin-1")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict = {"format": "Ivium idf"}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key and key in ("Method", "Technique", "starttime", "serialnumber",
                                   "Title", "E start", "I start", "Current Range"):
            meta.setdefault(key, value.strip())
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("primary_data")),
                 None)
    if start is None:
        raise SpectrumFileError(path, "no 'primary_data' block (not an impedance file, or "
                                "no point measured)", expected="an Ivium impedance .idf file")
    if meta.get("Method", "Impedance") != "Impedance":
        raise SpectrumFileError(path, f"Method={meta['Method']}, not an impedance file",
                                expected="Method=Impedance")
    tokens = lines[start].split()[1:]
    rest = start + 1
    while len(tokens) < 2 and rest < len(lines):
        tokens += lines[rest].split()
        rest += 1
    try:
        ncols, npoints = int(tokens[0]), int(tokens[1])
    except (IndexError, ValueError):
        raise SpectrumFileError(path, "unreadable column/point counts after 'primary_data'",
                                line=start + 1, expected="two integers") from None
    if ncols != 3:
        raise SpectrumFileError(path, f"primary_data has {ncols} columns", line=start + 1,
                                expected="3 columns (Z', Z'', f)")
    rows = [(k + 1, lines[k]) for k in range(rest, min(rest + npoints, len(lines)))]
    numeric = re.compile(r"^\s*[-+0-9.eE]+(\s+[-+0-9.eE]+){2}\s*$")
    rows = [(n, t) for n, t in rows if numeric.match(t)]
    if len(rows) < npoints:
        raise SpectrumFileError(path, f"truncated: primary_data declares {npoints} points, "
                                f"found {len(rows)}", line=start + 1,
                                expected="a completely written .idf file")
    data, numbers = parse_rows(path, rows, None, NAMES, decimal_comma=False, ncols=3)
    technique = meta.get("Technique", "")
    for key, word, meta_key in (("E start", "Constant E", "dc_potential_V"),
                                ("I start", "Constant I", "dc_current_A")):
        if technique == word and key in meta:
            try:
                meta[meta_key] = float(meta[key])
            except ValueError:
                pass
    return Table(path, list(NAMES), np.asarray(data), numbers, meta=meta)
