"""Column-name matching: which column of an impedance table is what, in which unit.

A column name such as ``"freq/Hz"``, ``"-Im(Z)/Ohm"``, ``"Z' (mOhm cm2)"``, ``"Zphz"`` or
``"Phase(Z)/deg"`` is split into a base name and a unit; the base name gives the *role*
(frequency, real, imag, negated imag, magnitude, phase, cycle) and the unit a factor to SI.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

ROLES = ("frequency", "omega", "real", "imag", "-imag", "magnitude", "phase", "cycle",
         "dc_potential", "dc_current")

_FREQ = {"f", "freq", "frequency", "fhz", "frequencyhz", "freqhz", "frequenz"}
_OMEGA = {"omega", "w", "ω", "angularfrequency"}
_REAL = {"z'", "z′", "zreal", "zre", "re(z)", "rez", "real", "re", "zr", "z'(a)", "z1",
         "realz", "real(z)", "realimpedance", "zreal(ohm)", "impedancereal"}
_IMAG = {"z''", "z\"", "z′′", "z″", "zimag", "zim", "im(z)", "imz", "imag", "im", "zi",
         "z''(b)", "z2", "imagz", "imag(z)", "imaginary", "imaginaryimpedance",
         "impedanceimaginary", "zimg"}
_MAG = {"|z|", "zmod", "mod(z)", "modz", "abs(z)", "absz", "magnitude", "zabs", "z", "|z|(a)",
        "impedancemodulus", "modulus", "zmag", "mag"}
_PHASE = {"phase", "phase(z)", "zphz", "zphase", "phi", "theta", "phaseangle", "arg(z)",
          "argz", "phz", "φ", "θ"}
_CYCLE = {"cyclenumber", "spectrumnumber", "cycle", "zcycle", "cyclenr", "cycleno", "loop",
          "loopindex", "loopnumber", "sweep", "sweepnumber", "segment#", "segment"}
# DC working-electrode potential and current (recorded per sweep in Spectrum.meta)
_DC_POTENTIAL = {"<ewe>", "ewe", "vdc", "e", "potential", "edc", "medc", "ewe(v)", "<ewe>(v)",
                 "dcpotential", "potentialdc"}
_DC_CURRENT = {"<i>", "i", "idc", "current", "dccurrent", "currentdc"}

# unit factors to SI, case-sensitive for metric prefixes (mHz vs MHz)
_FREQ_UNITS = {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "mHz": 1e-3, "GHz": 1e9, "uHz": 1e-6,
               "1/s": 1.0, "s-1": 1.0, "s^-1": 1.0}
_OMEGA_UNITS = {"rad/s": 1.0, "1/s": 1.0, "s^-1": 1.0}
_OHM_UNITS = {"ohm": 1.0, "ohms": 1.0, "mohm": 1e-3, "kohm": 1e3, "Mohm": 1e6, "uohm": 1e-6,
              "Gohm": 1e9, "mohms": 1e-3, "kohms": 1e3, "Mohms": 1e6}
_AREA_UNITS = {"cm2": 1e-4, "m2": 1.0, "mm2": 1e-6}
_PHASE_UNITS = {"deg": math.pi / 180.0, "degree": math.pi / 180.0, "degrees": math.pi / 180.0,
                "°": math.pi / 180.0, "rad": 1.0, "radian": 1.0, "radians": 1.0}
_KNOWN_UNIT_WORDS = re.compile(r"(hz|ohm|Ω|deg|°|rad|cm|m2|#|s$|^s|v$|a$|^ma$|^ua$|^µa$)",
                               re.IGNORECASE)
_POTENTIAL_UNITS = {"V": 1.0, "mV": 1e-3, "uV": 1e-6, "kV": 1e3}
_CURRENT_UNITS = {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "nA": 1e-9, "pA": 1e-12, "kA": 1e3}


@dataclass(frozen=True)
class Column:
    """One matched column: its index, role, unit text, factor to SI and area flag."""

    index: int
    name: str
    role: str
    unit: str = ""
    factor: float = 1.0
    area_specific: bool = False


def split_name_unit(name: str) -> tuple[str, str]:
    """Split ``"freq/Hz"``, ``"Z' (Ohm)"``, ``"Freq(Hz)"``, ``"Zreal [mOhm]"`` into (base, unit).

    Brackets whose content is not a unit (``"Re(Z)"``, ``"Z'(a)"``) stay in the base;
    ``"cycle [-]"`` (a dimensionless column as nakmodel writes it) gives ``("cycle", "-")``.
    """
    text = name.strip()
    m = re.match(r"^(.*?)\s*[\(\[]\s*([^\(\)\[\]]*)\s*[\)\]]\s*$", text)
    if m and m.group(1) and (_looks_like_unit(m.group(2)) or m.group(2).strip() == "-" or (
            len(m.group(2).strip()) > 1 and _is_role_name(m.group(1)))):  # "[-]": no unit
        return m.group(1).strip(), m.group(2).strip()
    if "/" in text:
        base, _, unit = text.rpartition("/")
        if base and _looks_like_unit(unit):
            return base.strip(), unit.strip()
    m = re.match(r"^(.*?)[_\s]+(hz|khz|mhz|ohm|mohm|kohm|deg|rad)$", text, re.IGNORECASE)
    if m:
        return m.group(1), m.group(2)
    return text, ""


def _looks_like_unit(text: str) -> bool:
    text = text.strip()
    if text in ("V", "A", "mV", "mA", "uA", "µA", "nA"):
        return True
    if not text or len(text) > 20:
        return False
    return bool(_KNOWN_UNIT_WORDS.search(text)) and not re.fullmatch(r"[a-zA-Z]", text)


def _is_role_name(base: str) -> bool:
    key = _key(base.strip().lstrip("-−"))
    return any(key in group for group in (_FREQ, _OMEGA, _REAL, _IMAG, _MAG, _PHASE))


def _key(base: str) -> str:
    key = base.strip().lower().replace("’", "'").replace("`", "'")
    return re.sub(r"[\s_\.\-]", "", key)


@lru_cache(maxsize=4096)
def role_of(name: str) -> tuple[str | None, str]:
    """The role of a column name (or None) and its unit text."""
    base, unit = split_name_unit(name)
    stripped = base.strip()
    negative = stripped.startswith(("-", "−")) or stripped.lower().startswith(("minus", "neg"))
    if negative:
        stripped = re.sub(r"^(-|−|minus|neg(ative)?)\s*[_\s]?", "", stripped, flags=re.I)
    key = _key(stripped)
    if key in _FREQ or (key.startswith("freq") and "ohm" not in key):
        return "frequency", unit
    if key in _OMEGA:
        return "omega", unit
    if key in _REAL:
        return ("-real" if negative else "real"), unit
    if key in _IMAG:
        return ("-imag" if negative else "imag"), unit
    if key in _MAG:
        return "magnitude", unit
    if key in _PHASE:
        return ("-phase" if negative else "phase"), unit
    if key in _CYCLE:
        return "cycle", unit
    if key in _DC_POTENTIAL:
        return "dc_potential", unit
    if key in _DC_CURRENT:
        return "dc_current", unit
    return None, unit


def _normalise_unit(unit: str) -> str:
    u = unit.strip().replace("Ω", "ohm").replace("Ohm", "ohm").replace("OHM", "ohm")
    u = u.replace("µ", "u").replace("μ", "u").replace("²", "2").replace("^2", "2")
    u = re.sub(r"\s*[\*·\.]\s*", " ", u)
    return re.sub(r"\s+", " ", u).strip()


@lru_cache(maxsize=1024)
def unit_factor(role: str, unit: str) -> tuple[float, bool]:
    """Factor to SI for ``unit`` in ``role`` and whether it is area-specific (Ω·area).

    Raises ValueError with a readable message for an unknown or inconsistent unit.
    """
    u = _normalise_unit(unit)
    if role == "frequency":
        if not u:
            return 1.0, False
        if u in _FREQ_UNITS:
            return _FREQ_UNITS[u], False
        if u.lower() == "hz":
            return 1.0, False
        raise ValueError(f"unknown frequency unit {unit!r} (use Hz, kHz, MHz, mHz)")
    if role == "omega":
        if not u or u in _OMEGA_UNITS:
            return 1.0 / (2 * math.pi), False
        raise ValueError(f"unknown angular-frequency unit {unit!r} (use rad/s)")
    if role in ("real", "-real", "imag", "-imag", "magnitude"):
        if not u:
            return 1.0, False
        parts = u.split(" ")
        ohm = parts[0]
        ohm_key = ohm if ohm[:1] in "MG" else ohm.lower()
        if ohm_key not in _OHM_UNITS:
            raise ValueError(f"unknown impedance unit {unit!r} (use ohm, mOhm, kOhm, "
                             "MOhm, optionally times cm2 or m2)")
        factor = _OHM_UNITS[ohm_key]
        if len(parts) == 1:
            return factor, False
        area = "".join(parts[1:]).replace("^", "")
        if area in _AREA_UNITS:
            return factor * _AREA_UNITS[area], True
        raise ValueError(f"unknown area unit in {unit!r} (use cm2 or m2)")
    if role in ("phase", "-phase"):
        if not u:
            return math.pi / 180.0, False  # instruments write degrees
        if u.lower() in _PHASE_UNITS or u in _PHASE_UNITS:
            return _PHASE_UNITS.get(u.lower(), _PHASE_UNITS.get(u)), False
        raise ValueError(f"unknown phase unit {unit!r} (use deg or rad)")
    if role in ("dc_potential", "dc_current"):
        table = _POTENTIAL_UNITS if role == "dc_potential" else _CURRENT_UNITS
        if not u:
            return 1.0, False
        if u in table:
            return table[u], False
        raise ValueError(f"unknown {role.replace('_', ' ')} unit {unit!r} (use "
                         + ", ".join(table) + ")")
    return 1.0, False


def match_columns(names: list[str]) -> dict[str, tuple[int, str]]:
    """Map roles to (column index, unit text) by the first matching column name."""
    found: dict[str, tuple[int, str]] = {}
    for index, name in enumerate(names):
        role, unit = role_of(name)
        if role is not None and role not in found:
            found[role] = (index, unit)
    # prefer "z cycle" (repeated PEIS inside a technique) over "cycle number"
    for index, name in enumerate(names):
        if _key(name) == "zcycle":
            found["cycle"] = (index, "")
    return found
