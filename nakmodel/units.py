"""Unit handling at the edges: strings with units in, SI floats out.

Inside nakmodel every quantity is an SI float.  Users may write values as
strings (``"0.4 mA/cm^2"``, ``"25 degC"``, ``"100 um"``); :func:`to_si`
parses them with pint, checks the dimension and returns the SI magnitude.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .errors import InputProblem, ParameterError


@lru_cache(maxsize=1)
def registry():
    """The shared pint unit registry (created lazily: pint import is slow)."""
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("wt_pct = 0.01 = wtpct")
    ureg.define("at_pct = 0.01 = atpct")
    return ureg


_NUMBER = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UNIT_POWER = re.compile(r"([A-Za-z])(-?\d+)(?![\d.])")


def normalise_unit_text(text: str) -> str:
    """Spellings users type to pint's: ``cm2`` → ``cm**2``, ``cm-2`` → ``cm**-2``, ``µ`` → ``u``."""
    text = text.strip().replace("µ", "u").replace("μ", "u").replace("Ω", "ohm")
    text = text.replace("°C", "degC").replace("°", "deg").replace("²", "**2").replace("³", "**3")
    match = _NUMBER.match(text)
    head, tail = (text[:match.end()], text[match.end():]) if match else ("", text)
    return head + _UNIT_POWER.sub(r"\1**\2", tail)


#: longest quantity string parsed, largest |exponent| in a unit expression
MAX_QUANTITY_LENGTH = 200
MAX_EXPONENT = 12
_POWER = re.compile(r"\*\*\s*(\(\s*)?([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\))?")


def check_expression_size(text: str) -> str | None:
    """Why ``text`` is too large to evaluate safely (None if fine).

    pint evaluates unit strings as arithmetic; ``9**9**9`` would compute a
    number with hundreds of millions of digits.  Accepted: at most
    :data:`MAX_QUANTITY_LENGTH` characters and powers with a plain numeric
    exponent of magnitude <= :data:`MAX_EXPONENT`, never chained.
    """
    if len(text) > MAX_QUANTITY_LENGTH:
        return f"longer than {MAX_QUANTITY_LENGTH} characters"
    flat = text.replace("^", "**")
    position = 0
    while (start := flat.find("**", position)) >= 0:
        match = _POWER.match(flat, start)
        if match is None or (match.group(1) and not match.group(3)):
            return "an exponent must be a plain number (e.g. m**2, cm^-2, m^0.5)"
        if abs(float(match.group(2))) > MAX_EXPONENT:
            return f"exponent {match.group(2)} is larger than {MAX_EXPONENT}"
        if flat[match.end():].lstrip().startswith("**"):
            return "chained powers (a**b**c) are not accepted"
        position = match.end()
    return None


def _quantity(text: str):
    normal = normalise_unit_text(text)
    why = check_expression_size(normal)
    if why is not None:
        raise ValueError(f"unit expression refused: {why}")
    return registry().Quantity(normal)


@lru_cache(maxsize=256)
def _si_unit(unit: str):
    ureg = registry()
    if unit in ("", "1", "dimensionless"):
        return ureg.dimensionless
    return ureg.Quantity(1.0, _quantity("1 " + unit).units).to_base_units().units


@lru_cache(maxsize=4096)
def _string_to_si(text: str, unit: str) -> tuple[float | None, str | None]:
    """(SI value, None) or (None, problem message) for a string with units (cached: a sweep
    resolves the same strings for every point)."""
    try:
        quantity = _quantity(text)
    except Exception as exc:  # pint raises many different types
        detail = str(exc) if str(exc).startswith("unit expression refused") \
            else exc.__class__.__name__
        return None, f"cannot parse quantity ({detail})"
    target = _si_unit(unit)
    if not hasattr(quantity, "units"):
        quantity = registry().Quantity(float(quantity), "")
    if (unit == "J/mol" and quantity.dimensionality
            == registry().Quantity(1.0, "J").dimensionality):
        # activation energies per particle (eV, J) convert per mole
        quantity = quantity * registry().Quantity(1.0, "N_A")
    if quantity.dimensionality != (1.0 * target).dimensionality:
        return None, f"wrong dimension {quantity.dimensionality}"
    return _noise_free(float(quantity.to(target).magnitude)), None


def to_si(value, unit: str, key: str = "value", *, allow_plain_number: bool = True) -> float:
    """Convert ``value`` to an SI float with the dimension of ``unit``.

    ``value`` is a number (taken as already in SI units of ``unit``'s
    dimension when ``allow_plain_number`` is true) or a string with units.
    ``unit`` names the expected unit (``"m"``, ``"A/m^2"``, ``"K"``...).
    Raises :class:`ParameterError` naming ``key`` on a bad string, a wrong
    dimension, NaN or infinity.
    """
    expected = f"a value in {unit or 'dimensionless'}"
    if isinstance(value, bool):
        raise ParameterError(InputProblem(key, "a boolean is not a quantity", value, expected))
    if isinstance(value, (int, float)):
        if not allow_plain_number and unit not in ("", "1"):
            raise ParameterError(
                InputProblem(key, "a plain number is ambiguous here: give units", value,
                             f"a string such as '25 degC' or '{unit}'")
            )
        result = float(value)
    elif isinstance(value, str) and (fast := _fast_si(value, unit)) is not None:
        result = fast
    elif isinstance(value, str):
        result, message = _string_to_si(value, unit)
        if message is not None:
            raise ParameterError(InputProblem(key, message, value, expected))
    else:
        raise ParameterError(
            InputProblem(key,
                         f"expected a number or a string with units, not {type(value).__name__}",
                         value, expected)
        )
    if not math.isfinite(result):
        raise ParameterError(InputProblem(key, "must be finite (not NaN or inf)", value, expected))
    return result


def _fast_si(value: str, unit: str) -> float | None:
    """SI magnitude of ``value`` by :mod:`nakmodel.unit_table` (no pint), or None when that
    parser does not handle the text or the dimensions differ (pint then decides and
    explains).  ``degC``/``degF`` and offsets are left to pint, except plain ``degC``."""
    from .unit_table import N_AVOGADRO, parse

    text = normalise_unit_text(value)
    match = _NUMBER.match(text)
    if match is None or check_expression_size(text) is not None:
        return None  # pint's path refuses oversized expressions with the reason
    number = float(match.group(0))
    rest = text[match.end():].strip()
    if unit == "K" and rest == "degC":
        return _noise_free(number + 273.15)
    found, target = parse(rest), parse(normalise_unit_text(unit) if unit else "")
    if found is None or target is None:
        return None
    factor, dims = found
    if unit == "J/mol" and dims == parse("J")[1]:
        factor, dims = factor * N_AVOGADRO, target[1]
    if dims != target[1]:
        return None
    result = number * factor / target[0]
    return _noise_free(result) if math.isfinite(result) else None


def dimension_differs(value: str, unit: str) -> bool:
    """True when the pint-free unit table reads both ``value`` and ``unit`` and their
    dimensions differ (so :func:`to_si` would refuse it); False when they match or the table
    cannot tell.  Lets a parser try several expected dimensions without importing pint."""
    from .unit_table import parse

    text = normalise_unit_text(value)
    match = _NUMBER.match(text)
    if match is None:
        return False
    found, target = parse(text[match.end():]), parse(normalise_unit_text(unit) if unit else "")
    return found is not None and target is not None and found[1] != target[1]


def _noise_free(result: float) -> float:
    """15 significant digits: a unit conversion's last binary digits are noise ("1 mS/cm"
    -> 0.1, not 0.09999999999999999); 1e-15 relative, below any physics."""
    if result != 0.0 and math.isfinite(result):
        return float(f"{result:.15g}")
    return result


def format_si(value: float, unit: str) -> str:
    """Render an SI value with its unit string, e.g. ``'0.0001 m'``."""
    return f"{value:.6g} {unit}".strip()
