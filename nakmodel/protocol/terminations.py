"""Terminations: conditions that end a protocol step.

Each termination is a :class:`BaseTermination`: it knows how to render itself in the protocol
grammar (:meth:`~BaseTermination.render`), how to become a live event of the time stepper
(:meth:`~BaseTermination.events`, a scalar g(problem, dt) that ends the step when it crosses
0, :class:`nakmodel.model.stepping.Event`) and how far a finished run's time series is from
meeting it (:meth:`~BaseTermination.margin`, >= 0 once met). The critical-current criteria of
:mod:`nakmodel.ccd_extraction` evaluate the same margins, so a step termination and a CCD
criterion of the same kind cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._common import _bad, _fmt_capacity, _fmt_current, _fmt_time, _fmt_voltage, _num, _si


# --- terminations ------------------------------------------------------------------------
@dataclass(frozen=True)
class StepContext:
    """What a termination needs to know about the step it ends.

    ``sign``: direction of the step's current (+1 stripping, -1 plating, 0 rest/hold);
    ``current_of(problem, dt)``: total current density of a trial step [A/m^2];
    ``step_capacity_of(problem, dt)``: signed charge passed in the step so far [C/m^2].
    """

    sign: float = 0.0
    current_of: object = None
    step_capacity_of: object = None


class BaseTermination:
    """A condition that ends a protocol step (PyBaMM's ``BaseTermination`` is the model).

    Subclasses implement :meth:`render` (the grammar text), :meth:`events` (live events of
    the time stepper: each a g(problem, dt) that ends the step at g = 0) and :meth:`margin`
    (the same g on a finished run's time series, per row, >= 0 once met; used by the CCD
    criteria). ``duration_limit`` is the time after which the termination ends the step
    regardless of the state (``inf`` except for :class:`TimeLimit`).
    """

    duration_limit = math.inf

    def render(self, default_direction: str | None = None) -> str:
        raise NotImplementedError

    def events(self, context: StepContext) -> list:
        raise NotImplementedError

    def margin(self, run, sign: float, liquid_window=None) -> np.ndarray:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render()

    @staticmethod
    def _event(name, function, defined_at_start=True):
        from ..model.stepping import Event

        return Event(name, function, defined_at_start=defined_at_start)


def _above_sign(direction: str) -> float:
    return 1.0 if direction == "above" else -1.0


@dataclass(frozen=True)
class VoltageLimit(BaseTermination):
    """End the step when the cell voltage goes ``"above"`` or ``"below"`` ``volts`` [V].

    ``direction``: ``"above"`` or ``"below"``."""

    volts: float
    direction: Literal["above", "below"]

    def __post_init__(self):
        object.__setattr__(self, "volts", _si(self.volts, "V", "VoltageLimit.volts"))
        if self.direction not in ("above", "below"):
            raise _bad("VoltageLimit.direction", "unknown direction", self.direction,
                       "'above' or 'below'")

    def render(self, default_direction: str | None = None) -> str:
        text = _fmt_voltage(self.volts)
        return text if self.direction == default_direction else f"{self.direction} {text}"

    def events(self, context: StepContext) -> list:
        """g = s (V - V_lim), s = +1 for "above", -1 for "below".  The voltage at the start of
        a step is the previous step's (it jumps with the current: IR drop, double layer), so
        "already met" is judged after the first accepted time step of this step."""
        s, v = _above_sign(self.direction), self.volts
        return [self._event(str(self), lambda p, dt: s * (float(p.voltage.value) - v),
                            defined_at_start=False)]

    def margin(self, run, sign: float, liquid_window=None) -> np.ndarray:
        return _above_sign(self.direction) * (np.asarray(run.voltage, float) - self.volts)


@dataclass(frozen=True)
class CapacityLimit(BaseTermination):
    """End the step when the charge passed in it reaches ``capacity`` [C/m²] (magnitude)."""

    capacity: float

    def __post_init__(self):
        q = _si(self.capacity, "C/m^2", "CapacityLimit.capacity")
        if q <= 0:
            raise _bad("CapacityLimit.capacity", "must be positive", q,
                       "charge per area in C/m^2 (or mAh/cm2), > 0")
        object.__setattr__(self, "capacity", q)

    def render(self, default_direction=None) -> str:
        return _fmt_capacity(self.capacity)

    def events(self, context: StepContext) -> list:
        """g = |Q_step| - Q_lim (the charge passed in this step)."""
        q, of = self.capacity, context.step_capacity_of
        return [self._event(str(self), lambda p, dt: abs(of(p, dt)) - q)]

    def margin(self, run, sign: float, liquid_window=None) -> np.ndarray:
        """On a run's rows: charge passed since the first row."""
        q = np.asarray(run.capacity, float)
        return np.abs(q - q[0]) - self.capacity if q.size else q


@dataclass(frozen=True)
class TimeLimit(BaseTermination):
    """End the step after ``seconds`` [s] (same as a duration, usable inside ``until``)."""

    seconds: float

    def __post_init__(self):
        t = _si(self.seconds, "s", "TimeLimit.seconds")
        if t <= 0:
            raise _bad("TimeLimit.seconds", "must be positive", t, "time in s, > 0")
        object.__setattr__(self, "seconds", t)

    def render(self, default_direction=None) -> str:
        return f"time {_fmt_time(self.seconds)}"

    @property
    def duration_limit(self) -> float:
        return self.seconds

    def events(self, context: StepContext) -> list:
        return []  # handled as the end of the step (``duration_limit``)

    def margin(self, run, sign: float, liquid_window=None) -> np.ndarray:
        t = np.asarray(run.time, float)
        return (t - t[0]) - self.seconds if t.size else t


@dataclass(frozen=True)
class Liquidus(BaseTermination):
    """End the step when the interface composition reaches the liquidus (K-rich when
    stripping, Na-rich when plating)."""

    def render(self, default_direction=None) -> str:
        return "liquidus"

    def events(self, context: StepContext) -> list:
        """Stripping (sign >= 0): g = x_liq,K - min x_Na; plating (sign <= 0): g = max x_Na
        - x_liq,Na (a rest watches both); x at the interface, liquidus of the lever rule."""
        out = []
        if context.sign >= 0:
            out.append(self._event("liquidus", lambda p, dt: p.x_liquidus_k
                                   - p.interface_x_min()))
        if context.sign <= 0:
            out.append(self._event("liquidus", lambda p, dt: p.interface_x_max()
                                   - p.x_liquidus_na))
        return out

    def margin(self, run, sign: float, liquid_window=None, tolerance: float = 0.0
               ) -> np.ndarray:
        """Same g on a run's rows with ``liquid_window`` = (x_liq,K, x_liq,Na); a tolerance
        moves the limit into the liquid window."""
        low, high = liquid_window
        strip = (low + tolerance) - np.asarray(run.x_interface_min, float)
        plate = np.asarray(run.x_interface_max, float) - (high - tolerance)
        if sign > 0:
            return strip
        if sign < 0:
            return plate
        return np.maximum(strip, plate)


@dataclass(frozen=True)
class SolidCoverage(BaseTermination):
    """End the step when solid metal covers ``fraction`` (0..1] of the interface."""

    fraction: float

    def __post_init__(self):
        f = _si(self.fraction, "", "SolidCoverage.fraction")
        if not 0.0 < f <= 1.0:
            raise _bad("SolidCoverage.fraction", "out of range", f, "fraction in (0, 1] (-)")
        object.__setattr__(self, "fraction", f)

    def render(self, default_direction=None) -> str:
        return f"solid coverage {_num(self.fraction)}"

    def events(self, context: StepContext) -> list:
        """g = (1 - f_L,interface) - fraction, f_L,interface the liquid share of the area."""
        f = self.fraction
        return [self._event(str(self), lambda p, dt: (
            1.0 - p.functional("liquid_area") / p.functional("area_interface")) - f)]

    def margin(self, run, sign: float, liquid_window=None) -> np.ndarray:
        return (1.0 - np.asarray(run.liquid_fraction_interface, float)) - self.fraction


@dataclass(frozen=True)
class CurrentLimit(BaseTermination):
    """End a potentiostatic hold when ``|i|`` goes below (or above) a value [A/m²].

    ``current_density``: the value [A/m², magnitude]; ``direction``: ``"below"`` (default)
    or ``"above"``."""

    current_density: float
    direction: Literal["above", "below"] = "below"

    def __post_init__(self):
        i = _si(self.current_density, "A/m^2", "CurrentLimit.current_density")
        if i <= 0:
            raise _bad("CurrentLimit.current_density", "must be positive (a magnitude)", i,
                       "current density in A/m^2, > 0")
        object.__setattr__(self, "current_density", i)
        if self.direction not in ("above", "below"):
            raise _bad("CurrentLimit.direction", "unknown direction", self.direction,
                       "'above' or 'below'")

    def render(self, default_direction=None) -> str:
        return f"current {self.direction} {_fmt_current(self.current_density)}"

    def events(self, context: StepContext) -> list:
        """g = s (|i| - i_lim).  At the start of a hold ``current_of(p, 0)`` is still the
        previous step's current: "already met" is judged after the first accepted step."""
        s, i, of = _above_sign(self.direction), self.current_density, context.current_of
        return [self._event(str(self), lambda p, dt: s * (abs(of(p, dt)) - i),
                            defined_at_start=False)]

    def margin(self, run, sign: float, liquid_window=None) -> np.ndarray:
        i = np.abs(np.asarray(run.current_density, float))
        return _above_sign(self.direction) * (i - self.current_density)


Termination = VoltageLimit | CapacityLimit | TimeLimit | Liquidus | SolidCoverage | CurrentLimit

