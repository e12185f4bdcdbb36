"""Gamry Framework ``.DTA`` files: the ``ZCURVE`` table of EIS (``TAG EISPOT`` / ``GALVEIS``).

Layout: header lines ``KEY<TAB>TYPE<TAB>VALUE<TAB>description`` (kept in ``meta``), then
``ZCURVE<TAB>TABLE``, a tab-indented line of column names (``Pt Time Freq Zreal Zimag Zsig
Zmod Zphz Idc Vdc IERange``), a line of units, and tab-indented data rows. Gamry writes
Z'' with its sign (capacitive < 0). Several ``ZCURVE`` tables in one file become a series
(an added ``cycle`` column numbers them). The header ``AREA`` is recorded, not applied:
Gamry's Zreal/Zimag are absolute impedances. Other tables (``OCVCURVE`` before, the
``FRACURVE`` of an aborted run after the ZCURVE) are skipped; ``EXPERIMENTABORTED T``
is kept as ``meta["aborted"]`` with a warning. UTF-8 and ISO-8859-1 files are read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, parse_rows, read_text, warn_file


def read_dta_table(path: Path) -> Table:
    """Parse a Gamry ``.DTA`` file."""
    text = read_text(path)
    lines = text.splitlines()
    meta: dict = {}
    tables: list[tuple[list[str], np.ndarray, np.ndarray]] = []
    i = 0
    n = len(lines)
    names: list[str] = []
    while i < n:
        line = lines[i]
        fields = line.split("\t")
        if len(fields) >= 2 and fields[1].strip() == "TABLE" and \
                fields[0].strip().upper().startswith("ZCURVE"):
            if i + 2 >= n:
                raise SpectrumFileError(path, "ZCURVE table without column names and units",
                                        line=i + 1, expected="two header lines after "
                                        "'ZCURVE\\tTABLE'")
            names = [f.strip() for f in lines[i + 1].split("\t")[1:]]
            units = [f.strip() for f in lines[i + 2].split("\t")[1:]]
            while names and names[-1] == "":
                names.pop()
            labelled = [_with_unit(name, units[j] if j < len(units) else "")
                        for j, name in enumerate(names)]
            rows = []
            j = i + 3
            while j < n and lines[j].startswith(("\t", " ")) and lines[j].strip():
                rows.append((j + 1, lines[j][1:]))
                j += 1
            if not rows:
                raise SpectrumFileError(path, "ZCURVE table has no data rows", line=i + 3,
                                        expected="tab-indented data rows")
            data, numbers = parse_rows(path, rows, "\t", labelled, ncols=len(names))
            tables.append((labelled, data, numbers))
            i = j
            continue
        if len(fields) >= 2 and fields[0].strip() and fields[0].strip().isupper():
            meta[fields[0].strip()] = fields[2 if len(fields) >= 3 else 1].strip()
        i += 1
    if not tables:
        raise SpectrumFileError(path, "no ZCURVE table (not an EIS file?)",
                                expected="a Gamry EIS .DTA with a 'ZCURVE\\tTABLE' section")
    names = tables[0][0]
    if len(tables) == 1:
        _, data, numbers = tables[0]
    else:
        if any(t[0] != names for t in tables):
            raise SpectrumFileError(path, "ZCURVE tables with different columns",
                                    expected="identical columns in every ZCURVE table")
        data = np.vstack([np.column_stack([t[1], np.full(len(t[1]), k + 1.0)])
                          for k, t in enumerate(tables)])
        numbers = np.concatenate([t[2] for t in tables])
        names = names + ["cycle"]
    if "AREA" in meta:
        meta["area_cm2_in_header"] = meta["AREA"]
    if meta.get("EXPERIMENTABORTED", "F").strip().upper() == "T":
        meta["aborted"] = True
        warn_file(path, f"the experiment was aborted (EXPERIMENTABORTED T): read the "
                  f"{len(numbers)} points measured before")
    if "TAG" in meta:
        meta["technique"] = meta["TAG"]
    for key, meta_key in (("VDC", "dc_potential_V"), ("IDC", "dc_current_A")):
        try:
            meta[meta_key] = float(meta[key].replace(",", "."))
        except (KeyError, ValueError):
            pass
    meta["format"] = "Gamry DTA"
    return Table(path, names, data, numbers, meta=meta)


def _with_unit(name: str, unit: str) -> str:
    unit = unit.strip()
    if not unit or unit == "#" or "\ufffd" in unit:
        return name
    if unit in ("°", "deg"):
        return f"{name} (deg)"
    return f"{name} ({unit})"
