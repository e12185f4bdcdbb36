"""A small, fast parser for the unit expressions of parameter files (pint is the fallback).

Importing pint and building its registry takes longer than the rest of ``nakmodel params
check``; the units of parameter files are few and simple (``mA/cm^2``, ``kJ/mol``,
``MPa*m^0.5``, ``degC``), so :func:`parse` handles products and quotients of SI-prefixed
symbols from :data:`UNITS` and returns ``(factor to SI, dimension vector)``, or None for
anything else (parentheses, unknown symbols), which :mod:`nakmodel.units` then hands to pint.
``tests/test_units_provenance.py`` checks every symbol against pint.
"""

from __future__ import annotations

import math
import re

# dimension vector: (m, kg, s, A, K, mol)
_M, _KG, _S, _A, _K, _MOL = ((1, 0, 0, 0, 0, 0), (0, 1, 0, 0, 0, 0), (0, 0, 1, 0, 0, 0),
                             (0, 0, 0, 1, 0, 0), (0, 0, 0, 0, 1, 0), (0, 0, 0, 0, 0, 1))
_NONE = (0, 0, 0, 0, 0, 0)


def _dims(*pairs) -> tuple:
    out = [0.0] * 6
    for dim, power in pairs:
        for k in range(6):
            out[k] += dim[k] * power
    return tuple(out)


_NEWTON = _dims((_KG, 1), (_M, 1), (_S, -2))
_JOULE = _dims((_NEWTON, 1), (_M, 1))
_WATT = _dims((_JOULE, 1), (_S, -1))
_COULOMB = _dims((_A, 1), (_S, 1))
_VOLT = _dims((_WATT, 1), (_A, -1))
_OHM = _dims((_VOLT, 1), (_A, -1))

UNITS: dict[str, tuple[float, tuple]] = {
    "m": (1.0, _M), "g": (1e-3, _KG), "s": (1.0, _S), "A": (1.0, _A), "K": (1.0, _K),
    "mol": (1.0, _MOL), "Hz": (1.0, _dims((_S, -1))), "N": (1.0, _NEWTON),
    "Pa": (1.0, _dims((_NEWTON, 1), (_M, -2))), "J": (1.0, _JOULE), "W": (1.0, _WATT),
    "C": (1.0, _COULOMB), "V": (1.0, _VOLT), "F": (1.0, _dims((_COULOMB, 1), (_VOLT, -1))),
    "ohm": (1.0, _OHM), "S": (1.0, _dims((_OHM, -1))), "H": (1.0, _dims((_OHM, 1), (_S, 1))),
    "L": (1e-3, _dims((_M, 3))), "l": (1e-3, _dims((_M, 3))),
    "min": (60.0, _S), "h": (3600.0, _S), "hr": (3600.0, _S), "hour": (3600.0, _S),
    "d": (86400.0, _S), "day": (86400.0, _S),
    "Ah": (3600.0, _COULOMB), "eV": (1.602176634e-19, _JOULE), "cal": (4.184, _JOULE),
    "bar": (1e5, _dims((_NEWTON, 1), (_M, -2))),
    "at_pct": (0.01, _NONE), "atpct": (0.01, _NONE), "wt_pct": (0.01, _NONE),
    "wtpct": (0.01, _NONE), "percent": (0.01, _NONE),
    "rad": (1.0, _NONE), "deg": (math.pi / 180.0, _NONE),  # plane angles (pint: dimensionless)
}
"""Symbol -> (factor to SI, dimensions); SI prefixes from :data:`PREFIXES` apply to all but
the time units and the percentages."""
PREFIXES = {"G": 1e9, "M": 1e6, "k": 1e3, "c": 1e-2, "m": 1e-3, "u": 1e-6, "n": 1e-9,
            "p": 1e-12, "f": 1e-15}
_NO_PREFIX = {"min", "h", "hr", "hour", "d", "day", "at_pct", "atpct", "wt_pct", "wtpct",
              "percent", "deg"}
_TOKEN = re.compile(r"^([A-Za-z_]+)(?:(?:\*\*|\^)([-+]?\d+(?:\.\d+)?))?$")


def symbol(text: str) -> tuple[float, tuple] | None:
    """(factor, dims) of one symbol such as ``mA``, ``kJ``, ``um``; None if unknown."""
    if text in UNITS:
        return UNITS[text]
    if len(text) > 1 and text[0] in PREFIXES and text[1:] in UNITS and text[1:] not in _NO_PREFIX:
        factor, dims = UNITS[text[1:]]
        return PREFIXES[text[0]] * factor, dims
    return None


def parse(unit: str) -> tuple[float, tuple] | None:
    """(factor to SI, dimensions) of a unit expression like ``mA/cm**2`` or ``MPa*m**0.5``
    (the text after :func:`nakmodel.units.normalise_unit_text`); None when not handled."""
    text = unit.strip()
    if text in ("", "1", "dimensionless"):
        return 1.0, _NONE
    if "(" in text or ")" in text or re.search(r"deg[A-Za-z_]", text):
        return None  # temperatures (degC, degF: offsets) and the rest go to pint
    parts = re.split(r"\s*([*/])\s*|\s+", text.replace("**", "^"))
    factor, dims, sign = 1.0, [0.0] * 6, 1
    expect_factor = True
    for part in parts:
        if part is None or part == "":
            continue
        if part in "*/" and len(part) == 1:
            if expect_factor:
                return None
            sign = -1 if part == "/" else 1
            expect_factor = True
            continue
        if part == "1" and expect_factor:
            expect_factor, sign = False, 1
            continue
        match = _TOKEN.match(part)
        if match is None:
            return None
        found = symbol(match.group(1))
        if found is None:
            return None
        power = sign * float(match.group(2) or 1)
        factor *= found[0] ** power
        for k in range(6):
            dims[k] += found[1][k] * power
        sign, expect_factor = 1, False
    if expect_factor:
        return None
    return factor, tuple(dims)


N_AVOGADRO = 6.02214076e23
