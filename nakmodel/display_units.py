"""Display units: the one place where SI values become the units battery people read.

Inside nakmodel, and in every CSV file it writes, quantities are SI (the CSV column
headers say so: ``ccd [A/m^2]``).  Summaries (``summary.md``, CLI messages) and figures use
the *display units* of this module:

===================  ============  ==========================  =========
quantity             SI unit       display unit                suffix
===================  ============  ==========================  =========
current density      A/m^2         mA/cm² (1 mA/cm² = 10 A/m²)  mA_cm2
areal capacity       C/m^2         mAh/cm² (= 36 000 C/m²)      mAh_cm2
area-specific Z, R   ohm*m^2       Ω cm² (= 1e-4 Ω m²)          ohm_cm2
thickness, length    m             µm                           um
time                 s             h                            h
voltage              V             mV                           mV
temperature          K             °C                           degC
===================  ============  ==========================  =========

Convention for Python objects: the SI attribute keeps its plain name (``result.capacity``
[C/m²], ``ccd_result.ccd`` [A/m²]); its display-unit twin is the same name with the suffix
of the table (``result.capacity_mAh_cm2``, ``ccd_result.ccd_mA_cm2``).
"""

from __future__ import annotations

import math
import re

import numpy as np

A_M2_PER_MA_CM2 = 10.0
"""A/m² in one mA/cm²."""
C_M2_PER_MAH_CM2 = 36000.0
"""C/m² in one mAh/cm² (3.6 C per mAh, 1e4 cm² per m²)."""
OHM_M2_PER_OHM_CM2 = 1.0e-4
"""Ω m² in one Ω cm²."""
M_PER_UM = 1.0e-6
S_PER_H = 3600.0
ZERO_CELSIUS = 273.15


# SI unit -> (display unit for text, matplotlib label, attribute suffix, scale, offset):
# display = value * scale + offset
_DISPLAY = {
    "A/m^2": ("mA/cm²", "mA/cm$^2$", "mA_cm2", 1.0 / A_M2_PER_MA_CM2, 0.0),
    "C/m^2": ("mAh/cm²", "mAh/cm$^2$", "mAh_cm2", 1.0 / C_M2_PER_MAH_CM2, 0.0),
    "ohm*m^2": ("Ω cm²", "Ω cm$^2$", "ohm_cm2", 1.0 / OHM_M2_PER_OHM_CM2, 0.0),
    "m": ("µm", "µm", "um", 1.0 / M_PER_UM, 0.0),
    "s": ("h", "h", "h", 1.0 / S_PER_H, 0.0),
    "V": ("mV", "mV", "mV", 1.0e3, 0.0),
    "K": ("°C", "°C", "degC", 1.0, -ZERO_CELSIUS),
}
_ALIASES = {"ohm m^2": "ohm*m^2", "ohm m2": "ohm*m^2", "Ω m²": "ohm*m^2", "A m^-2": "A/m^2",
            "C m^-2": "C/m^2"}
SUFFIXES = {entry[2]: si for si, entry in _DISPLAY.items()}
"""Attribute suffix -> SI unit (``"mAh_cm2"`` -> ``"C/m^2"``)."""


def _si(unit: str) -> str:
    return _ALIASES.get(unit.strip(), unit.strip())


def display_unit(si_unit: str, *, tex: bool = False) -> str:
    """Display unit of an SI unit (the SI unit itself when it has none)."""
    entry = _DISPLAY.get(_si(si_unit))
    if entry is None:
        return si_unit
    return entry[1] if tex else entry[0]


def to_display(value, si_unit: str):
    """``value`` [SI] in the display unit of ``si_unit`` (arrays work; unknown units unchanged)."""
    entry = _DISPLAY.get(_si(si_unit))
    if entry is None:
        return value
    scale, offset = entry[3], entry[4]
    if isinstance(value, np.ndarray):
        return value * scale + offset
    return value * scale + offset if not isinstance(value, list) else [
        v * scale + offset for v in value]


def from_display(value, si_unit: str):
    """Inverse of :func:`to_display`."""
    entry = _DISPLAY.get(_si(si_unit))
    if entry is None:
        return value
    return (value - entry[4]) / entry[3]


def suffix_of(si_unit: str) -> str | None:
    """Attribute suffix of the display unit (``"C/m^2"`` -> ``"mAh_cm2"``), or None."""
    entry = _DISPLAY.get(_si(si_unit))
    return entry[2] if entry else None


def split_suffix(name: str) -> tuple[str, str] | None:
    """``"capacity_mAh_cm2"`` -> ``("capacity", "C/m^2")``; None without a known suffix."""
    for suffix, si in SUFFIXES.items():
        if name.endswith("_" + suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix) - 1], si
    return None


def format_value(value, si_unit: str, digits: int = 3) -> str:
    """``"3.8 mA/cm²"``: a value [SI] in its display unit; ``"-"`` for None/NaN."""
    if value is None or not math.isfinite(float(value)):
        return "-"
    shown = to_display(float(value), si_unit)
    unit = display_unit(si_unit)
    return f"{shown:.{digits}g} {unit}".strip()


def axis_label(text: str, si_unit: str | None) -> str:
    """A matplotlib axis label ``"text [display unit]"`` (``[-]`` dimensionless)."""
    if si_unit is None:
        return text
    unit = display_unit(si_unit, tex=True) if si_unit not in ("", "-", "1") else "-"
    return f"{text} [{unit}]"


# --------------------------------------------------------------------------- headers
_HEADER = re.compile(r"^\s*(?P<name>.*?)\s*\[(?P<unit>[^\]]*)\]\s*$")


def header(name: str, unit: str | None) -> str:
    """A CSV column header ``"name [unit]"`` (``[-]`` for dimensionless; no brackets for
    a text column, ``unit=None``)."""
    if unit is None:
        return name
    return f"{name} [{unit or '-'}]"


def split_header(text: str) -> tuple[str, str | None]:
    """``"ccd [A/m^2]"`` -> ``("ccd", "A/m^2")``; a header without brackets -> (text, None)."""
    match = _HEADER.match(text)
    if match is None:
        return text.strip(), None
    return match.group("name"), match.group("unit").strip()


# --------------------------------------------------------------------------- rounding
def clean_float(value: float, digits: int = 12) -> float:
    """``value`` rounded to ``digits`` significant digits: removes binary noise such as
    ``3.8000000000145`` (an accumulated sum of time steps or levels) without changing
    any digit a protocol or a measurement carries."""
    value = float(value)
    if not math.isfinite(value) or value == 0.0:
        return value
    return float(f"{value:.{digits}g}")


def snap_to_levels(value: float, levels, rtol: float = 1e-6) -> float:
    """The protocol level ``value`` represents: the nearest of ``levels`` when within
    ``rtol`` (relative), else :func:`clean_float` of ``value``."""
    value = float(value)
    if not math.isfinite(value):
        return value
    best = None
    for level in levels or ():
        level = float(level)
        if abs(abs(level) - abs(value)) <= rtol * max(abs(value), 1e-300):
            best = math.copysign(clean_float(abs(level)), value)
            break
    return best if best is not None else clean_float(value)


def shortest_float_text(value: float, max_digits: int = 15) -> str:
    """The shortest decimal text of ``value`` that reads back to it, with at most
    ``max_digits`` significant digits (``0.09999999999999999`` -> ``"0.1"``: the last two
    binary digits of a unit conversion are noise, not information)."""
    value = float(value)
    if not math.isfinite(value):
        return repr(value)
    for digits in range(1, max_digits + 1):
        text = f"{value:.{digits}g}"
        if float(text) == value:
            return text
    return f"{value:.{max_digits}g}"
