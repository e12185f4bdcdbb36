"""BioLogic EC-Lab text export ``.mpt`` (any EC-Lab version; also saved as ``.txt``).

Line 1 ``EC-Lab ASCII FILE``, line 2 ``Nb header lines : N``; line N holds the
tab-separated column names (``freq/Hz``, ``Re(Z)/Ohm``, ``-Im(Z)/Ohm``, ``|Z|/Ohm``,
``Phase(Z)/deg``, ``cycle number``...), data follow (decimal commas in European locales,
CRLF or LF line ends, ISO-8859-1 or UTF-8). ``Key : value`` header lines are kept in
``meta``. EC-Lab writes ``-Im(Z)``, negated to the Z'' < 0 convention; ``cycle number``
/ ``z cycle`` and frequency restarts split loops into spectra.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._common import SpectrumFileError, Table, parse_rows, read_text, split_fields
from .text_table import read_text_table

MPT_MAGIC = "EC-Lab ASCII FILE"


def read_mpt_table(path: Path) -> Table:
    """Parse an EC-Lab ``.mpt`` text export."""
    text = read_text(path)
    lines = text.splitlines()
    if not lines or not lines[0].strip().upper().startswith(MPT_MAGIC.upper()):
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
