"""CH Instruments "A.C. Impedance" text exports (``.txt``).

A date line, ``A.C. Impedance``, ``Key: value`` and ``Key (unit) = value`` header lines
(``Init E (V) = -0.48`` is the DC potential, kept as ``meta["dc_potential_V"]``), the
column names ``Freq/Hz, Z'/ohm, Z"/ohm, Z/ohm, Phase/deg``, a blank line and
comma-separated rows. ``Z"`` carries its sign (capacitive < 0).
"""

from __future__ import annotations

from pathlib import Path

from ._common import Table, read_text
from .text_table import read_text_table


def looks_like_chi(text: str) -> bool:
    """CHI content: ``A.C. Impedance`` on line 2 or an ``Instrument Model:  CHI`` line."""
    head = text[:1000].splitlines()[:8]
    return (len(head) > 1 and head[1].strip() == "A.C. Impedance") or any(
        line.startswith("Instrument Model:") and "CHI" in line for line in head)


def read_chi_table(path: Path) -> Table:
    """Parse a CHI impedance export (header to ``meta``, data as a comma table)."""
    meta: dict = {"format": "CH Instruments txt"}
    for line in read_text(path).splitlines():
        if line.startswith("Freq/Hz"):
            break
        key, sep, value = line.partition(" = ")
        if not sep:
            key, sep, value = line.partition(": ")
        if sep and key.strip():
            meta[key.strip()] = value.strip()
    table = read_text_table(path)
    try:
        meta["dc_potential_V"] = float(meta["Init E (V)"])
    except (KeyError, ValueError):
        pass
    table.meta.update(meta)
    table.meta.pop("preamble", None)
    return table
