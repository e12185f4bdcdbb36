"""PalmSens PSTrace ``.pssession`` files (UTF-16 JSON).

The file is one JSON document in UTF-16 (little-endian with BOM; a stray BOM may follow
the closing brace). ``Measurements[k].EISDataList[j].DataSet.Values`` is a list of
arrays, each with a ``Description`` (``Frequency``, ``ZRe``, ``ZIm``, ``mEdc``...) and
``DataValues`` ``[{"V": value}, ...]``. PSTrace stores ``ZIm`` as **−Im Z** (positive
for a capacitive response; its ``Phase`` is sign-flipped too), so Z'' = −ZIm here.
``mEdc`` (the measured DC potential, V) gives ``meta["dc_potential_V"]``. Each EIS data
set becomes one spectrum.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table

NAMES = ["Frequency (Hz)", "Z' (ohm)", "-Z'' (ohm)", "Edc (V)", "spectrum number"]


def looks_like_pssession(head: bytes) -> bool:
    """UTF-16 text whose JSON names PalmSens types."""
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return "PalmSens" in head.decode("utf-16", errors="ignore")


def read_pssession_table(path: Path) -> Table:
    """Parse every EIS data set of a ``.pssession`` file."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-16")
    except UnicodeDecodeError:
        raise SpectrumFileError(path, "not UTF-16 text", expected="a PalmSens .pssession "
                                "file (UTF-16 JSON)") from None
    text = text.strip("\ufeff \r\n\x00")
    try:
        session = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpectrumFileError(path, f"broken JSON ({exc.msg}; truncated file?)",
                                line=exc.lineno, expected="a complete .pssession file") from None
    sets = []
    for measurement in session.get("Measurements") or []:
        eis = measurement.get("EISDataList") or []
        datasets = [e.get("DataSet") for e in eis if e.get("DataSet")]
        if not datasets and measurement.get("DataSet"):
            datasets = [measurement["DataSet"]]
        for dataset in datasets:
            arrays = {v.get("Description"): v.get("DataValues") or []
                      for v in dataset.get("Values") or []}
            if "Frequency" in arrays and "ZRe" in arrays and "ZIm" in arrays:
                sets.append(arrays)
    if not sets:
        raise SpectrumFileError(path, "no EIS data set (Frequency, ZRe, ZIm arrays)",
                                expected="a PalmSens impedance session")
    blocks = []
    for k, arrays in enumerate(sets):
        n = len(arrays["Frequency"])
        edc = arrays.get("mEdc") or arrays.get("potential") or [{"V": np.nan}] * n

        def values(name, items=None, n=n, arrays=arrays):
            items = arrays[name] if items is None else items
            if len(items) != n:
                raise SpectrumFileError(path, f"array {name!r} has {len(items)} values, "
                                        f"'Frequency' has {n}", expected="arrays of equal "
                                        "length")
            return [float(item.get("V", np.nan)) for item in items]

        blocks.append(np.column_stack([values("Frequency"), values("ZRe"), values("ZIm"),
                                       values("Edc", edc), np.full(n, k + 1.0)]))
    data = np.vstack(blocks)
    meta = {"format": "PalmSens pssession", "software": session.get("CoreVersion", "")}
    return Table(path, list(NAMES), data, np.arange(1, len(data) + 1), meta=meta,
                 where="point")
