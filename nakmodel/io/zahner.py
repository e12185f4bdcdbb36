"""Zahner Thales ``.ism`` impedance files (binary, big-endian).

Layout, as documented by Zahner's own MIT-licensed reader (zahner_analysis
``IsmImport``): a 6-byte version, a 6-byte integer N−1, then N ``f8`` frequencies [Hz],
N ``f8`` |Z| [Ω], N ``f8`` phases [rad], N ``f8`` time stamps [s since 1980-01-01],
N ``i2`` significances, then length-prefixed (``i2``) ASCII strings with swapped
letter case: the date (``DDMMYY``), the system name, the start condition
(``"-0.2685V, Ampl: 10mV"`` or ``"99.916mA, Ampl: 5mA"``, read into
``meta["dc_potential_V"]`` / ``meta["dc_current_A"]``), ...

Thales measures from the start frequency up to the highest frequency and then down to
the lowest; points before the highest frequency overlap the main sweep and are dropped
(with a warning). Z = |Z| e^{iφ}; rows are the stored points (``where="point"``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, warn_file

NAMES = ["freq/Hz", "|Z|/Ohm", "Phase(Z)/rad", "time/s", "significance"]
_UNITS = {"V": 1.0, "mV": 1e-3, "uV": 1e-6, "A": 1.0, "mA": 1e-3, "uA": 1e-6, "nA": 1e-9}


def _count(raw: bytes) -> int | None:
    if len(raw) < 12:
        return None
    n = int.from_bytes(raw[6:12], "big", signed=True) + 1
    return n if n > 0 else None


def looks_like_ism(raw: bytes) -> bool:
    """Structural test: a plausible count and positive, finite frequencies and |Z|."""
    n = _count(raw)
    if n is None or n > 10**6 or len(raw) < 12 + 34 * n:
        return False
    f = np.frombuffer(raw, ">f8", count=n, offset=12)
    mag = np.frombuffer(raw, ">f8", count=n, offset=12 + 8 * n)
    with np.errstate(all="ignore"):
        return bool(np.all(np.isfinite(f)) and np.all(f > 0) and np.all(f < 1e9)
                    and np.all(np.isfinite(mag)) and np.all(mag >= 0))


def read_ism_table(path: Path) -> Table:
    """Parse a Zahner ``.ism`` file."""
    raw = path.read_bytes()
    if not raw:
        raise SpectrumFileError(path, "file is empty", expected="a Zahner .ism file")
    n = _count(raw)
    if n is None:
        raise SpectrumFileError(path, "too short for an .ism header", line=0, where="byte",
                                expected="a Zahner .ism file")
    need = 12 + 34 * n
    if len(raw) < need:
        raise SpectrumFileError(path, f"truncated: the header declares {n} points "
                                f"({need} bytes) but the file has {len(raw)} bytes",
                                line=len(raw), where="byte",
                                expected="a completely copied .ism file")
    arrays = [np.frombuffer(raw, ">f8", count=n, offset=12 + 8 * n * k) for k in range(4)]
    significance = np.frombuffer(raw, ">i2", count=n, offset=12 + 32 * n)
    strings = _strings(raw, need)
    meta: dict = {"format": "Zahner ism"}
    if strings:
        meta["date"] = strings[0]
    for text in strings[1:4]:
        m = re.match(r"\s*([-+]?[0-9.]+)\s*(mV|uV|V|nA|uA|mA|A)\s*,\s*Ampl", text)
        if m:
            unit = m.group(2)
            key = "dc_potential_V" if unit.endswith("V") else "dc_current_A"
            meta[key] = float(m.group(1)) * _UNITS[unit]
            meta["start_condition"] = text
        elif text and "system" not in meta and not re.match(r"[-+0-9]", text):
            meta["system"] = text
    data = np.column_stack([*arrays, significance.astype(float)])
    numbers = np.arange(1, n + 1)
    top = int(np.argmax(arrays[0]))
    if top > 0:
        warn_file(path, f"dropped the first {top} point(s), measured on the way up to the "
                  "highest frequency (they overlap the main sweep)")
        data, numbers = data[top:], numbers[top:]
    return Table(path, list(NAMES), data, numbers, meta=meta, where="point")


def _strings(raw: bytes, offset: int, count: int = 6) -> list[str]:
    out = []
    for _ in range(count):
        if offset + 2 > len(raw):
            break
        length = int.from_bytes(raw[offset:offset + 2], "big", signed=True)
        if length < 0 or length > 256 or offset + 2 + length > len(raw):
            break
        chunk = raw[offset + 2:offset + 2 + length]
        if any(b < 32 or b > 126 for b in chunk):
            break
        out.append(chunk.decode("ascii").swapcase())
        offset += 2 + length
    return out
