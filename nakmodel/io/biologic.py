"""BioLogic EC-Lab files: the text export ``.mpt`` and the binary ``.mpr``.

``.mpt``: line 1 ``EC-Lab ASCII FILE``, line 2 ``Nb header lines : N``; line N holds the
tab-separated column names (``freq/Hz``, ``Re(Z)/Ohm``, ``-Im(Z)/Ohm``, ``|Z|/Ohm``,
``Phase(Z)/deg``, ``cycle number``...), data follow (decimal commas in some locales).
``Key : value`` header lines are kept in ``meta``.

``.mpr``: read with the optional dependency ``galvani`` (GPL-3, imported lazily only
here; ``pip install nakmodel[mpr]``). Both give ``-Im(Z)``, which is negated to the
Z'' < 0 convention; ``cycle number`` / ``z cycle`` split an operando series.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, parse_rows, read_text, split_fields
from .text_table import read_text_table

MPT_MAGIC = "EC-Lab ASCII FILE"
MPR_MAGIC = b"BIO-LOGIC MODULAR FILE"


def read_mpt_table(path: Path) -> Table:
    """Parse an EC-Lab ``.mpt`` text export."""
    text = read_text(path)
    lines = text.splitlines()
    if not lines or not lines[0].strip().startswith(MPT_MAGIC):
        # a plain tab-separated export without the EC-Lab header
        return read_text_table(path, delimiter="\t")
    header_count = None
    count_line = 2
    for number, line in enumerate(lines[:5], start=1):
        m = re.match(r"\s*Nb header lines\s*:\s*(\d+)", line)
        if m:
            header_count, count_line = int(m.group(1)), number
            break
    if header_count is None:
        raise SpectrumFileError(path, "EC-Lab header without 'Nb header lines : N'", line=2,
                                expected="the line 'Nb header lines : N' of an EC-Lab export")
    if header_count < 3 or header_count > len(lines):
        raise SpectrumFileError(path, f"'Nb header lines : {header_count}' but the file has "
                                f"{len(lines)} lines", line=count_line,
                                expected="a header count within the file")
    meta: dict = {}
    for line in lines[2: header_count - 1]:
        key, sep, value = line.partition(" : ")
        if sep and key.strip():
            meta[key.strip()] = value.strip()
    names = split_fields(lines[header_count - 1], "\t")
    while names and names[-1] == "":
        names.pop()
    if not any("freq" in n.lower() for n in names):
        raise SpectrumFileError(path, "no column names on the last header line "
                                f"(found {lines[header_count - 1][:60]!r})",
                                line=header_count, expected="tab-separated names such as "
                                "'freq/Hz\\tRe(Z)/Ohm\\t-Im(Z)/Ohm'")
    rows = [(number, line) for number, line in enumerate(lines[header_count:],
                                                          start=header_count + 1)
            if line.strip()]
    if not rows:
        raise SpectrumFileError(path, "no data rows after the header", line=header_count,
                                expected="data lines after the column names")
    data, numbers = parse_rows(path, rows, "\t", names, ncols=len(names))
    meta.update(_area_meta(meta))
    return Table(path, names, data, numbers, meta=meta)


def _area_meta(meta: dict) -> dict:
    """Record the electrode area of the header (not applied: EC-Lab Z is absolute)."""
    for key, value in meta.items():
        if "surface area" in key.lower():
            return {"electrode_surface_area": value}
    return {}


def read_mpr_table(path: Path) -> Table:
    """Read a BioLogic ``.mpr`` with galvani (lazy GPL import)."""
    raw = path.read_bytes()
    if not raw:
        raise SpectrumFileError(path, "file is empty", expected="a BioLogic .mpr file")
    if not raw.startswith(MPR_MAGIC):
        raise SpectrumFileError(path, "not a BioLogic .mpr file (missing the "
                                "'BIO-LOGIC MODULAR FILE' signature)", line=1, where="byte",
                                expected="an EC-Lab binary .mpr file")
    try:
        from galvani import BioLogic
    except ImportError as exc:  # pragma: no cover - galvani is a test dependency
        raise ImportError("reading BioLogic .mpr files needs the optional dependency galvani: "
                          "pip install nakmodel[mpr]") from exc
    try:
        mpr = BioLogic.MPRfile(str(path))
    except Exception as exc:  # galvani raises many types on corrupt files
        raise SpectrumFileError(path, f"galvani could not read it ({exc.__class__.__name__}: "
                                f"{exc})", expected="an intact EC-Lab .mpr file") from None
    records = mpr.data
    names = list(records.dtype.names or ())
    if not names or len(records) == 0:
        raise SpectrumFileError(path, "no data records", expected="an impedance technique")
    columns = []
    for name in names:
        values = np.asarray(records[name])
        columns.append(values.astype(float) if values.dtype.kind in "biuf" else
                       np.full(len(records), np.nan))
    data = np.column_stack(columns)
    meta = {"timestamp": str(getattr(mpr, "timestamp", "")), "format": "BioLogic mpr"}
    return Table(path, names, data, np.arange(1, len(records) + 1), meta=meta, where="row")
