"""Shared helpers of :mod:`nakmodel.protocol`: SI conversion, errors, number rendering."""

from __future__ import annotations

from typing import Literal

from ..constants import A_M2_PER_MA_CM2 as _CURRENT_PER_MA_CM2
from ..constants import C_M2_PER_MAH_CM2 as _CAPACITY_PER_MAH_CM2
from ..errors import InputProblem, ParameterError

Direction = Literal["strip", "plate"]


def _si(value, unit: str, key: str) -> float:
    from ..units import to_si

    return to_si(value, unit, key=key)


def _bad(key, message, value, expected):
    return ParameterError(InputProblem(key, message, value, expected))


# --- rendering helpers -------------------------------------------------------------------
def _num(v: float) -> str:
    text = f"{v:.12g}"
    return text


def _fmt_current(i: float) -> str:
    return f"{_num(i / _CURRENT_PER_MA_CM2)} mA/cm2"


def _fmt_time(t: float) -> str:
    """A duration in h or min when it is a whole number of micro-units there, else in s.

    The test is made on the rendered number, not on t / scale: parsing the text and
    rendering it again must give the same text, and a value within round-off of the
    tolerance would otherwise choose another unit the second time (104.896968105 h)."""
    for unit, scale in (("h", 3600.0), ("min", 60.0)):
        q = t / scale  # >= 1 up to round-off, so that 3599.9999999999995 s reads "1 h"
        shown = float(_num(q))
        if q >= 1.0 - 1e-12 and abs(shown - round(shown, 6)) < 1e-9 * max(1.0, shown):
            return f"{_num(q)} {unit}"
    return f"{_num(t)} s"


def _fmt_voltage(v: float) -> str:
    if v != 0.0 and abs(v) < 1.0:
        return f"{_num(v * 1e3)} mV"
    return f"{_num(v)} V"


def _fmt_capacity(q: float) -> str:
    return f"{_num(q / _CAPACITY_PER_MAH_CM2)} mAh/cm2"


