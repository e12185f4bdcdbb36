"""Cycling protocols as typed steps and readable strings (PyBaMM-like experiments).

Sign convention (global in nakmodel): current density ``i > 0`` is **stripping** (Na leaves
the working-electrode alloy, anodic at the WE), ``i < 0`` is plating; the cell voltage is
``V = φ_WE − φ_CE`` against the Na counter electrode. Inside, every number is SI: A/m²,
s, V, C/m². Magnitudes are given positive; the direction comes from the step type.

>>> p = Protocol.parse(["Strip at 0.4 mA/cm2 for 1 h", "Rest for 10 min",
...                     "Plate at 0.4 mA/cm2 until 2 mAh/cm2 or below -0.5 V"])
>>> p[0].value(10.0)            # A/m^2, stripping is positive
4.0
>>> str(p[2])
'Plate at 0.4 mA/cm2 until 2 mAh/cm2 or -500 mV'

Each step has ``mode`` ("current" | "voltage"), ``value(t)`` (setpoint at time t in the
step), ``duration`` (``inf`` when only terminations end it), ``breakpoints()`` (times in
the step where the setpoint jumps, for the time stepper) and ``until`` (terminations);
current steps also have ``charge(t)`` and ``time_at_charge(q)`` (analytic).

Grammar of the strings (keywords case-insensitive; quantities are a number and a unit that
:func:`nakmodel.units.to_si` understands; ``cm2``, ``cm²`` and ``mAh`` are accepted)::

    Strip|Plate at <current> (for <time> [[or] until <terms>] | until <terms>)
    Rest (for <time> [[or] until <terms>] | until <terms>)
    Hold at <voltage> (for <time> [[or] until <terms>] | until <terms>)
    Ramp stripping|plating from <n> [<unit>] to <current> at <rate> [until <terms>]
        <rate> = <current>/s-type rate (linear, "0.001 mA/cm2/s")
               | <current> per <time> (stepped, "0.05 mA/cm2 per 60 s"); negative to go down
    Staircase stripping|plating <n>, <n>, ... <unit> for <time> each
        [with <time> rest [between]] [until <terms>]
    Pulse stripping|plating at <current> for <time> on, <time> off, <n> times [until <terms>]
    Repeat <n> times: [<step>; <step>; ...]
    <terms> = <term> [or [until] <term> ...]
    <term>  = <voltage> (above for stripping, below for plating) | above|below <voltage>
            | <capacity> | liquidus | solid coverage <fraction> | time <time>
            | current above|below <current> (Hold only)

A termination the step can never trigger is bad input, raised when the step is built (so
for strings and typed steps alike, before any solve): a voltage limit of a current step
must lie in the step's direction (stripping: ``above`` a voltage > 0, plating: ``below`` a
voltage < 0; a rest may have both), and a time limit must be shorter than the step's
duration. Current steps never change sign (magnitudes >= 0, direction from the step), see
:func:`step_sign`. A limit that is already met when its step starts ends the step at once
(:class:`nakmodel.model.stepping.Event`).

``Protocol.parse`` takes a string (one step per line, or ``;``-separated) or a list of
strings and step objects. A string that does not parse raises
:class:`~nakmodel.errors.ParameterError` showing the text with ``^`` under the offending
token and what was expected there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from .errors import ParameterError, Problem

Direction = Literal["strip", "plate"]
_CURRENT_PER_MA_CM2 = 10.0  # A/m^2 per mA/cm^2
_CAPACITY_PER_MAH_CM2 = 36000.0  # C/m^2 per mAh/cm^2


def _si(value, unit: str, key: str) -> float:
    from .units import to_si

    return to_si(value, unit, key=key)


def _bad(key, message, value, expected):
    return ParameterError(Problem(key, message, value, expected))


# --- rendering helpers -------------------------------------------------------------------
def _num(v: float) -> str:
    text = f"{v:.12g}"
    return text


def _fmt_current(i: float) -> str:
    return f"{_num(i / _CURRENT_PER_MA_CM2)} mA/cm2"


def _fmt_time(t: float) -> str:
    for unit, scale in (("h", 3600.0), ("min", 60.0)):
        q = t / scale  # >= 1 up to round-off, so that 3599.9999999999995 s reads "1 h"
        if q >= 1.0 - 1e-12 and abs(q - round(q, 6)) < 1e-9 * max(1.0, q):
            return f"{_num(t / scale)} {unit}"
    return f"{_num(t)} s"


def _fmt_voltage(v: float) -> str:
    if v != 0.0 and abs(v) < 1.0:
        return f"{_num(v * 1e3)} mV"
    return f"{_num(v)} V"


def _fmt_capacity(q: float) -> str:
    return f"{_num(q / _CAPACITY_PER_MAH_CM2)} mAh/cm2"


# --- terminations ------------------------------------------------------------------------
@dataclass(frozen=True)
class VoltageLimit:
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

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class CapacityLimit:
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

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class TimeLimit:
    """End the step after ``seconds`` [s] (same as a duration, usable inside ``until``)."""

    seconds: float

    def __post_init__(self):
        t = _si(self.seconds, "s", "TimeLimit.seconds")
        if t <= 0:
            raise _bad("TimeLimit.seconds", "must be positive", t, "time in s, > 0")
        object.__setattr__(self, "seconds", t)

    def render(self, default_direction=None) -> str:
        return f"time {_fmt_time(self.seconds)}"

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Liquidus:
    """End the step when the interface composition reaches the liquidus (K-rich when
    stripping, Na-rich when plating)."""

    def render(self, default_direction=None) -> str:
        return "liquidus"

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class SolidCoverage:
    """End the step when solid metal covers ``fraction`` (0..1] of the interface."""

    fraction: float

    def __post_init__(self):
        f = _si(self.fraction, "", "SolidCoverage.fraction")
        if not 0.0 < f <= 1.0:
            raise _bad("SolidCoverage.fraction", "out of range", f, "fraction in (0, 1] (-)")
        object.__setattr__(self, "fraction", f)

    def render(self, default_direction=None) -> str:
        return f"solid coverage {_num(self.fraction)}"

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class CurrentLimit:
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

    def __str__(self) -> str:
        return self.render()


Termination = VoltageLimit | CapacityLimit | TimeLimit | Liquidus | SolidCoverage | CurrentLimit
_TERMINATIONS = (VoltageLimit, CapacityLimit, TimeLimit, Liquidus, SolidCoverage, CurrentLimit)


# --- step validation helpers -------------------------------------------------------------
def _positive(value, unit, key, *, allow_inf=False, allow_zero=False):
    if value is None and allow_inf:
        return math.inf
    if isinstance(value, float) and math.isinf(value) and value > 0 and allow_inf:
        return math.inf
    v = _si(value, unit, key)
    if v < 0 or (v == 0 and not allow_zero):
        raise _bad(key, "must be positive" if not allow_zero else "must not be negative", v,
                   f"{unit} {'>= 0' if allow_zero else '> 0'}")
    return v


def _check_until(step, key: str) -> tuple:
    until = step.until
    if isinstance(until, _TERMINATIONS):
        until = (until,)
    until = tuple(until)
    for k, term in enumerate(until):
        if not isinstance(term, _TERMINATIONS):
            raise _bad(f"{key}.until[{k}]", "not a termination", term,
                       "VoltageLimit, CapacityLimit, TimeLimit, Liquidus, SolidCoverage, "
                       "CurrentLimit")
        if isinstance(term, CapacityLimit) and isinstance(step, Rest):
            raise _bad(f"{key}.until[{k}]", "a rest passes no charge: a capacity limit never "
                       "triggers", str(term), "no CapacityLimit on Rest")
        if isinstance(term, CurrentLimit) and step.mode != "voltage":
            raise _bad(f"{key}.until[{k}]", "a current limit only ends a potentiostatic Hold",
                       str(term), "CurrentLimit on Hold only")
        if isinstance(term, VoltageLimit) and step.mode == "voltage":
            raise _bad(f"{key}.until[{k}]", "the voltage is imposed in a Hold: a voltage limit "
                       "cannot trigger", str(term), "CurrentLimit, CapacityLimit or TimeLimit")
    upper = [t.volts for t in until if isinstance(t, VoltageLimit) and t.direction == "above"]
    lower = [t.volts for t in until if isinstance(t, VoltageLimit) and t.direction == "below"]
    if upper and lower and min(upper) <= max(lower):
        raise _bad(f"{key}.until", "voltage limits exclude every starting voltage (the step "
                   "would end at once)", f"above {min(upper)} V or below {max(lower)} V",
                   "the 'above' limit higher than the 'below' limit")
    for k, term in enumerate(until):
        _check_reachable(step, term, f"{key}.until[{k}]")
    object.__setattr__(step, "until", until)
    if math.isinf(step.duration) and not until:
        raise _bad(f"{key}.duration", "the step never ends: no duration and no termination",
                   None, "a duration in s or at least one 'until' termination")
    return until


def step_sign(step) -> float:
    """Direction of the current of a galvanostatic step: ``+1`` stripping, ``-1`` plating,
    ``0`` for a rest, a potentiostatic hold or a step of unknown direction.

    Every current step of this module keeps one direction: magnitudes are >= 0 and the sign
    comes from the step type (``Strip``/``Plate``) or its ``direction``, so a ramp, staircase
    or pulse train never changes the sign of the current (it may pass through 0 A/m²)."""
    if isinstance(step, Strip):  # Plate is a Strip with sign -1
        return step.sign
    if isinstance(step, (Ramp, Staircase, PulseTrain)):
        return 1.0 if step.direction == "strip" else -1.0
    return 0.0


def _check_reachable(step, term, key: str) -> None:
    """Reject a termination that the step can never trigger (issue #3).

    - voltage limit of a current step: with ``V = φ_WE − φ_CE`` stripping (i > 0) drives V
      up from the open-circuit value (~0 V against Na) and plating drives it down, so a
      stripping step needs ``above V_lim`` with ``V_lim > 0`` and a plating step ``below
      V_lim`` with ``V_lim < 0``; any other limit never fires (the run goes on until the
      solver breaks down or max_steps). A rest may carry limits of either direction.
    - time limit not shorter than the step's own (finite) duration: the duration ends the
      step first (``for 1 h until 2 h`` is almost always a capacity typed as a time).

    Kept valid on purpose: a capacity limit larger than the charge of a finite step (a
    safety cap, harmless: the duration ends the step, "for 1.5 h or until 2 mAh/cm2"); a
    negative capacity is already rejected by :class:`CapacityLimit` (a magnitude).
    """
    sign = step_sign(step)
    if isinstance(term, VoltageLimit) and sign != 0.0:
        want = "above" if sign > 0 else "below"
        if term.direction != want or term.volts * sign <= 0.0:
            verb, where = ("stripping", "up (V > 0)") if sign > 0 else ("plating",
                                                                        "down (V < 0)")
            example = "'above 1 V' (V > 0)" if sign > 0 else "'below -1 V' (V < 0)"
            raise _bad(key, f"{verb} drives the cell voltage V = phi_WE - phi_CE {where}: this "
                       f"voltage limit never triggers", term.render(),
                       f"a limit '{want}' a voltage of that sign for a {verb} step, e.g. "
                       f"{example}")
    duration = step.duration
    if isinstance(term, TimeLimit) and math.isfinite(duration) \
            and term.seconds >= duration * (1.0 - 1e-12):
        raise _bad(key, f"the step ends after its duration {_fmt_time(duration)} first: this "
                   "time limit never triggers", term.render(),
                   f"a time limit shorter than {_fmt_time(duration)} (or a capacity such as "
                   "'2 mAh/cm2' if that was meant)")


def _sign(direction: str, key: str) -> float:
    if direction == "strip":
        return 1.0
    if direction == "plate":
        return -1.0
    raise _bad(f"{key}.direction", "unknown direction", direction, "'strip' or 'plate'")


def _render_until(step, default: str | None, joiner: str) -> str:
    if not step.until:
        return ""
    terms = " or ".join(t.render(default) for t in step.until)
    return f"{joiner}until {terms}"


def _render_duration_until(step, default: str | None) -> str:
    if math.isinf(step.duration):
        return _render_until(step, default, " ")
    return f" for {_fmt_time(step.duration)}" + _render_until(step, default, " or ")


def _time_at_charge(step, capacity: float) -> float:
    """First time in ``step`` at which |∫ i dt| reaches ``capacity`` [C/m²] (inf if never).

    |charge| is non-decreasing in every current step (one direction per step), so bisection
    on [0, duration] is exact to round-off.
    """
    q = _positive(capacity, "C/m^2", "capacity")
    if math.isinf(step.duration):
        rate = abs(step.value(0.0))
        return q / rate if rate > 0 else math.inf
    if abs(step.charge(step.duration)) < q * (1 - 1e-12):
        return math.inf
    lo, hi = 0.0, step.duration
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if abs(step.charge(mid)) >= q:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-13 * max(1.0, hi):
            break
    return hi


def _clip_time(step, t: float) -> float:
    return min(max(float(t), 0.0), step.duration)


# --- steps -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Strip:
    """Galvanostatic stripping at ``current_density`` [A/m², magnitude]: setpoint ``+i``.

    ``duration`` [s] (None: only the terminations end it); ``until``: terminations
    (:class:`VoltageLimit`, :class:`CapacityLimit`, ...) that end it earlier.
    """

    current_density: float
    duration: float | None = None
    until: tuple = ()
    mode = "current"
    _default_limit = "above"

    def __post_init__(self):
        name = type(self).__name__
        object.__setattr__(self, "current_density", _positive(
            self.current_density, "A/m^2", f"{name}.current_density"))
        object.__setattr__(self, "duration", _positive(
            self.duration, "s", f"{name}.duration", allow_inf=True))
        _check_until(self, name)

    @property
    def sign(self) -> float:
        return 1.0

    def value(self, t: float) -> float:
        return self.sign * self.current_density

    def charge(self, t: float) -> float:
        """Signed charge density passed from the start of the step to t [C/m²]."""
        return self.sign * self.current_density * _clip_time(self, t)

    def time_at_charge(self, capacity: float) -> float:
        """Time in the step at which ``capacity`` [C/m²] has passed (inf if never)."""
        return _time_at_charge(self, capacity)

    def breakpoints(self) -> tuple[float, ...]:
        return ()

    def __str__(self) -> str:
        return (f"{type(self).__name__} at {_fmt_current(self.current_density)}"
                + _render_duration_until(self, self._default_limit))


@dataclass(frozen=True)
class Plate(Strip):
    """Galvanostatic plating at ``current_density`` [A/m², magnitude]: setpoint ``−i``.

    ``duration`` [s] (None: only the terminations end it); ``until``: terminations
    (:class:`VoltageLimit`, :class:`CapacityLimit`, ...) that end it earlier.
    """

    _default_limit = "below"

    @property
    def sign(self) -> float:
        return -1.0


@dataclass(frozen=True)
class Rest:
    """Open circuit (zero current) for ``duration`` [s] or until a termination."""

    duration: float | None = None
    until: tuple = ()
    mode = "current"

    def __post_init__(self):
        object.__setattr__(self, "duration", _positive(self.duration, "s", "Rest.duration",
                                                       allow_inf=True))
        _check_until(self, "Rest")

    def value(self, t: float) -> float:
        return 0.0

    def charge(self, t: float) -> float:
        return 0.0

    def time_at_charge(self, capacity: float) -> float:
        return _time_at_charge(self, capacity)

    def breakpoints(self) -> tuple[float, ...]:
        return ()

    def __str__(self) -> str:
        return "Rest" + _render_duration_until(self, None)


@dataclass(frozen=True)
class Hold:
    """Potentiostatic hold of the cell voltage at ``voltage`` [V].

    ``duration`` [s] (None: only the terminations end it); ``until``: terminations
    (:class:`VoltageLimit`, :class:`CapacityLimit`, ...) that end it earlier.
    """

    voltage: float
    duration: float | None = None
    until: tuple = ()
    mode = "voltage"

    def __post_init__(self):
        object.__setattr__(self, "voltage", _si(self.voltage, "V", "Hold.voltage"))
        object.__setattr__(self, "duration", _positive(self.duration, "s", "Hold.duration",
                                                       allow_inf=True))
        _check_until(self, "Hold")

    def value(self, t: float) -> float:
        return self.voltage

    def breakpoints(self) -> tuple[float, ...]:
        return ()

    def __str__(self) -> str:
        return f"Hold at {_fmt_voltage(self.voltage)}" + _render_duration_until(self, None)


@dataclass(frozen=True)
class Ramp:
    """Current ramp from ``start`` to ``stop`` [A/m², magnitudes] at ``rate`` [A/m² per s].

    Linear (``step_duration=None``): ``|i|(t) = start + rate t``; stepped (staircase-like,
    "0.05 mA/cm2 per 60 s"): levels ``start + k rate step_duration`` held ``step_duration``
    each, the last level clipped to ``stop``. The rate carries the sign of ``stop − start``.
    The step ends when the ramp has reached (and, if stepped, held) ``stop``.
    ``direction``: ``"strip"`` or ``"plate"`` (the sign of the current); ``until``:
    terminations that end the step earlier.
    """

    start: float
    stop: float
    rate: float
    direction: Direction = "strip"
    step_duration: float | None = None
    until: tuple = ()
    mode = "current"

    def __post_init__(self):
        object.__setattr__(self, "start", _positive(self.start, "A/m^2", "Ramp.start",
                                                    allow_zero=True))
        object.__setattr__(self, "stop", _positive(self.stop, "A/m^2", "Ramp.stop",
                                                   allow_zero=True))
        rate = _si(self.rate, "A/m^2/s", "Ramp.rate")
        object.__setattr__(self, "rate", rate)
        _sign(self.direction, "Ramp")
        if self.stop == self.start:
            raise _bad("Ramp.stop", "equals start: nothing to ramp", self.stop,
                       "a stop current density different from start (A/m^2)")
        if rate == 0 or (rate > 0) != (self.stop > self.start):
            raise _bad("Ramp.rate", "has the wrong sign for this start and stop", rate,
                       "A/m^2 per s, > 0 when stop > start and < 0 when stop < start")
        if self.step_duration is not None:
            object.__setattr__(self, "step_duration", _positive(
                self.step_duration, "s", "Ramp.step_duration"))
        _check_until(self, "Ramp")

    @property
    def increment(self) -> float:
        """Current-density increment per level of a stepped ramp [A/m²] (signed)."""
        return self.rate * (self.step_duration or 0.0)

    @property
    def n_levels(self) -> int:
        """Number of levels of a stepped ramp (0 for a linear ramp)."""
        if self.step_duration is None:
            return 0
        return math.ceil((self.stop - self.start) / self.increment - 1e-6) + 1

    def _level(self, k: int) -> float:
        lo, hi = sorted((self.start, self.stop))
        return min(max(self.start + k * self.increment, lo), hi)

    @property
    def levels(self) -> tuple[float, ...]:
        """Magnitudes of the levels of a stepped ramp (empty for a linear ramp)."""
        return tuple(self._level(k) for k in range(self.n_levels))

    @property
    def duration(self) -> float:
        if self.step_duration is None:
            return (self.stop - self.start) / self.rate
        return self.n_levels * self.step_duration

    def value(self, t: float) -> float:
        sign = _sign(self.direction, "Ramp")
        lo, hi = sorted((self.start, self.stop))
        if self.step_duration is None:
            return sign * min(max(self.start + self.rate * max(t, 0.0), lo), hi)
        k = min(max(int(math.floor(t / self.step_duration + 1e-12)), 0), self.n_levels - 1)
        return sign * self._level(k)

    def charge(self, t: float) -> float:
        """Signed charge density passed from the start of the step to t [C/m²]."""
        sign = _sign(self.direction, "Ramp")
        t = _clip_time(self, t)
        if self.step_duration is None:
            return sign * (self.start * t + 0.5 * self.rate * t * t)
        k = min(int(math.floor(t / self.step_duration + 1e-12)), self.n_levels)
        # complete levels 0..k-1: an arithmetic series; only the last level is clipped
        m = min(k, self.n_levels - 1)
        full = m * self.start + self.increment * m * (m - 1) / 2.0
        if k == self.n_levels:
            full += self._level(self.n_levels - 1)
        partial = self._level(k) * (t - k * self.step_duration) if k < self.n_levels else 0.0
        return sign * (full * self.step_duration + partial)

    def time_at_charge(self, capacity: float) -> float:
        return _time_at_charge(self, capacity)

    def breakpoints(self) -> tuple[float, ...]:
        if self.step_duration is None:
            return ()
        return tuple(k * self.step_duration for k in range(1, self.n_levels))

    def __str__(self) -> str:
        verb = "stripping" if self.direction == "strip" else "plating"
        a, b = self.start / _CURRENT_PER_MA_CM2, self.stop / _CURRENT_PER_MA_CM2
        if self.step_duration is None:
            rate = f"{_num(self.rate / _CURRENT_PER_MA_CM2)} mA/cm2/s"
        else:
            rate = (f"{_num(self.increment / _CURRENT_PER_MA_CM2)} mA/cm2 per "
                    f"{_fmt_time(self.step_duration)}")
        return (f"Ramp {verb} from {_num(a)} to {_num(b)} mA/cm2 at {rate}"
                + _render_until(self, "above" if self.direction == "strip" else "below", " "))


@dataclass(frozen=True)
class Staircase:
    """Galvanostatic levels [A/m², magnitudes] of ``step_duration`` [s] each, optionally
    separated by rests of ``rest_between`` [s] (no rest after the last level).

    ``direction``: ``"strip"`` or ``"plate"`` (the sign of the current); ``until``:
    terminations that end the step earlier.
    """

    levels: tuple[float, ...]
    step_duration: float
    direction: Direction = "strip"
    rest_between: float = 0.0
    until: tuple = ()
    mode = "current"

    def __post_init__(self):
        levels = self.levels
        if isinstance(levels, (int, float, str)):
            levels = (levels,)
        levels = tuple(_positive(v, "A/m^2", f"Staircase.levels[{k}]")
                       for k, v in enumerate(levels))
        if not levels:
            raise _bad("Staircase.levels", "no levels", (), "one or more current densities")
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "step_duration", _positive(
            self.step_duration, "s", "Staircase.step_duration"))
        object.__setattr__(self, "rest_between", _positive(
            self.rest_between, "s", "Staircase.rest_between", allow_zero=True))
        _sign(self.direction, "Staircase")
        _check_until(self, "Staircase")

    @property
    def period(self) -> float:
        return self.step_duration + self.rest_between

    @property
    def duration(self) -> float:
        return len(self.levels) * self.period - self.rest_between

    def value(self, t: float) -> float:
        k = int(math.floor(max(t, 0.0) / self.period + 1e-12))
        if k >= len(self.levels):
            return _sign(self.direction, "Staircase") * self.levels[-1]
        if t - k * self.period >= self.step_duration * (1 - 1e-12):
            return 0.0
        return _sign(self.direction, "Staircase") * self.levels[k]

    def charge(self, t: float) -> float:
        """Signed charge density passed from the start of the step to t [C/m²]."""
        t = _clip_time(self, t)
        k = min(int(math.floor(t / self.period + 1e-12)), len(self.levels))
        q = sum(self.levels[:k]) * self.step_duration
        if k < len(self.levels):
            q += self.levels[k] * min(t - k * self.period, self.step_duration)
        return _sign(self.direction, "Staircase") * q

    def time_at_charge(self, capacity: float) -> float:
        return _time_at_charge(self, capacity)

    def breakpoints(self) -> tuple[float, ...]:
        times = []
        for k in range(len(self.levels)):
            if k > 0 and (self.rest_between > 0 or self.levels[k] != self.levels[k - 1]):
                times.append(k * self.period)
            if self.rest_between > 0 and k < len(self.levels) - 1:
                times.append(k * self.period + self.step_duration)
        return tuple(times)

    def __str__(self) -> str:
        verb = "stripping" if self.direction == "strip" else "plating"
        levels = ", ".join(_num(v / _CURRENT_PER_MA_CM2) for v in self.levels)
        text = f"Staircase {verb} {levels} mA/cm2 for {_fmt_time(self.step_duration)} each"
        if self.rest_between > 0:
            text += f" with {_fmt_time(self.rest_between)} rest between"
        return text + _render_until(self, "above" if self.direction == "strip" else "below",
                                    " ")


@dataclass(frozen=True)
class PulseTrain:
    """``count`` current pulses of ``current_density`` [A/m²] lasting ``on`` [s], each
    followed by ``off`` [s] at open circuit.

    ``direction``: ``"strip"`` or ``"plate"`` (the sign of the current); ``until``:
    terminations that end the step earlier.
    """

    current_density: float
    on: float
    off: float
    count: int
    direction: Direction = "strip"
    until: tuple = ()
    mode = "current"

    def __post_init__(self):
        object.__setattr__(self, "current_density", _positive(
            self.current_density, "A/m^2", "PulseTrain.current_density"))
        object.__setattr__(self, "on", _positive(self.on, "s", "PulseTrain.on"))
        object.__setattr__(self, "off", _positive(self.off, "s", "PulseTrain.off",
                                                  allow_zero=True))
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise _bad("PulseTrain.count", "must be a whole number >= 1", self.count,
                       "integer >= 1")
        _sign(self.direction, "PulseTrain")
        _check_until(self, "PulseTrain")

    @property
    def duration(self) -> float:
        return self.count * (self.on + self.off)

    def value(self, t: float) -> float:
        period = self.on + self.off
        k = int(math.floor(max(t, 0.0) / period + 1e-12))
        if k >= self.count:
            return 0.0
        if t - k * period < self.on * (1 - 1e-12):
            return _sign(self.direction, "PulseTrain") * self.current_density
        return 0.0

    def charge(self, t: float) -> float:
        """Signed charge density passed from the start of the step to t [C/m²]."""
        t = _clip_time(self, t)
        period = self.on + self.off
        k = min(int(math.floor(t / period + 1e-12)), self.count)
        on_time = k * self.on + (min(t - k * period, self.on) if k < self.count else 0.0)
        return _sign(self.direction, "PulseTrain") * self.current_density * on_time

    def time_at_charge(self, capacity: float) -> float:
        return _time_at_charge(self, capacity)

    def breakpoints(self) -> tuple[float, ...]:
        period = self.on + self.off
        times = []
        if self.off == 0:  # back-to-back pulses: a constant current, nothing jumps
            return ()
        for k in range(self.count):
            if k > 0:
                times.append(k * period)
            if self.off > 0:
                times.append(k * period + self.on)
        return tuple(t for t in times if t < self.duration)

    def __str__(self) -> str:
        verb = "stripping" if self.direction == "strip" else "plating"
        return (f"Pulse {verb} at {_fmt_current(self.current_density)} for "
                f"{_fmt_time(self.on)} on, {_fmt_time(self.off)} off, {self.count} times"
                + _render_until(self, "above" if self.direction == "strip" else "below", " "))


Step = Strip | Plate | Rest | Hold | Ramp | Staircase | PulseTrain
_STEPS = (Strip, Plate, Rest, Hold, Ramp, Staircase, PulseTrain)


# --- the string parser -------------------------------------------------------------------
_TOKEN = re.compile(
    r"\s*(?:(?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<word>[A-Za-zµμΩ°%][\w/^*µμΩ°%²³]*(?:\^?[-−]\d+)?)"
    r"|(?P<punct>[,;:\[\]<>()]))"
)

_KEYWORDS = {
    "for", "until", "or", "at", "to", "from", "per", "each", "times", "on", "off", "with",
    "rest", "between", "above", "below", "current", "time", "solid", "coverage", "liquidus",
    "the", "and", "strip", "stripping", "plate", "plating", "repeat",
}


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokenize(text: str, key: str) -> list[_Token]:
    tokens, pos = [], 0
    stripped_end = len(text.rstrip())
    while pos < stripped_end:
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise _ParseFailure(bad, bad + 1, message=f"unexpected character {text[bad]!r}")
        kind = m.lastgroup
        tokens.append(_Token(kind, m.group(kind), m.start(kind), m.end(kind)))
        pos = m.end()
    return tokens


class _ParseFailure(Exception):
    """A parse error at text[start:end]: either 'expected X (found Y)' or a ``message``."""

    def __init__(self, start, end, expected="", found=None, message=None):
        super().__init__(message or expected)
        self.start, self.end, self.expected, self.found = start, end, expected, found
        self.message = message


def _normalise_unit(unit: str) -> str:
    unit = unit.replace("²", "^2").replace("³", "^3").replace("−", "-")
    unit = re.sub(r"(?<=[A-Za-z])\^?-(\d+)", r"^-\1", unit)  # cm-2 -> cm^-2
    unit = re.sub(r"\s+", "*", unit.strip())  # "mA cm^-2" -> "mA*cm^-2"
    unit = re.sub(r"(?<=[a-zA-Z])([23])(?![\d.])", r"^\1", unit)  # cm2 -> cm^2
    unit = re.sub(r"(?<![A-Za-z])([munµμ]?)Ah(?![a-z])", r"\1A*h", unit)  # mAh -> mA*h
    return unit


_DIMENSIONS = {
    "current": ("A/m^2", "a current density such as '0.4 mA/cm2'"),
    "time": ("s", "a time such as '1 h', '10 min' or '30 s'"),
    "voltage": ("V", "a voltage such as '1 V' or '10 mV'"),
    "capacity": ("C/m^2", "a capacity such as '2 mAh/cm2'"),
    "rate": ("A/m^2/s", "a ramp rate such as '0.001 mA/cm2/s' or '0.05 mA/cm2 per 60 s'"),
    "fraction": ("", "a fraction such as '0.5' or '50 %'"),
}


class _Parser:
    def __init__(self, text: str, key: str):
        self.text, self.key = text, key
        self.tokens = _tokenize(text, key)
        self.i = 0
        self.last_span = (0, 0)
        self.spans: dict[str, tuple[int, int]] = {}

    def mark(self, name: str) -> None:
        """Remember where the value of field ``name`` was written (for error carets)."""
        self.spans[name] = self.last_span

    # token helpers
    def peek(self, offset=0) -> _Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at_word(self, *words) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and tok.text.lower() in words

    def fail(self, expected: str, tok: _Token | None = None):
        tok = tok if tok is not None else self.peek()
        if tok is None:
            end = len(self.text.rstrip())
            raise _ParseFailure(end, end + 1, expected, "the end of the text")
        raise _ParseFailure(tok.start, tok.end, expected, repr(tok.text))

    def expect_word(self, *words) -> _Token:
        if not self.at_word(*words):
            self.fail(" or ".join(f"'{w}'" for w in words))
        tok = self.peek()
        self.i += 1
        return tok

    def expect_punct(self, char) -> _Token:
        tok = self.peek()
        if tok is None or tok.kind != "punct" or tok.text != char:
            self.fail(f"'{char}'")
        self.i += 1
        return tok

    def number(self, what="a number") -> tuple[float, _Token]:
        tok = self.peek()
        if tok is None or tok.kind != "num":
            self.fail(what)
        if not math.isfinite(float(tok.text)):
            self.fail(f"{what} (finite)")
        self.i += 1
        return float(tok.text), tok

    def unit(self) -> _Token | None:
        """A unit word, possibly followed by factors with negative powers ("mA cm-2 s-1")."""
        tok = self.peek()
        if tok is None or tok.kind != "word" or tok.text.lower() in _KEYWORDS:
            return None
        self.i += 1
        parts, end = [tok.text], tok.end
        while (nxt := self.peek()) is not None and nxt.kind == "word" \
                and nxt.text.lower() not in _KEYWORDS and re.search(r"[-−]\d+$", nxt.text):
            parts.append(nxt.text)
            end = nxt.end
            self.i += 1
        return _Token("word", " ".join(parts), tok.start, end)

    def to_si(self, number: float, unit: str, kind: str, start: int, end: int) -> float:
        from .units import to_si

        si_unit, expected = _DIMENSIONS[kind]
        text = f"{number!r} {_normalise_unit(unit)}".strip()
        try:
            return to_si(text, si_unit, key=self.key)
        except ParameterError:
            raise _ParseFailure(start, end, expected, repr(self.text[start:end])) from None

    def quantity(self, kind: str) -> float:
        value, tok = self.number(_DIMENSIONS[kind][1])
        unit = self.unit()
        if unit is None and kind != "fraction":
            self.fail(f"a unit after {tok.text!r} ({_DIMENSIONS[kind][1]})")
        end = unit.end if unit else tok.end
        self.last_span = (tok.start, end)
        return self.to_si(value, unit.text if unit else "", kind, tok.start, end)

    def classify_quantity(self, kinds: tuple[str, ...]) -> tuple[str, float, int, int]:
        """Parse number + unit and find which of ``kinds`` its dimension matches."""
        value, tok = self.number(" or ".join(_DIMENSIONS[k][1] for k in kinds))
        unit = self.unit()
        end = unit.end if unit else tok.end
        self.last_span = (tok.start, end)
        for kind in kinds:
            try:
                return kind, self.to_si(value, unit.text if unit else "", kind, tok.start,
                                        end), tok.start, end
            except _ParseFailure:
                continue
        raise _ParseFailure(tok.start, end, " or ".join(_DIMENSIONS[k][1] for k in kinds),
                            repr(self.text[tok.start:end]))

    # grammar
    def direction(self) -> str:
        tok = self.expect_word("stripping", "plating", "strip", "plate")
        return "strip" if tok.text.lower().startswith("strip") else "plate"

    def terminations(self, default_direction: str | None) -> tuple:
        terms = []
        while True:
            start = self.peek().start if self.peek() else len(self.text)
            try:
                terms.append(self.termination(default_direction))
            except ParameterError as err:
                end = self.tokens[self.i - 1].end if self.i else start + 1
                raise _ParseFailure(start, end, message=_problems_text(err)) from None
            self.spans[f"until[{len(terms) - 1}]"] = (start, self.tokens[self.i - 1].end)
            if not self.at_word("or"):
                return tuple(terms)
            self.i += 1
            if self.at_word("until"):
                self.i += 1

    def termination(self, default_direction: str | None):
        if self.at_word("the"):
            self.i += 1
        if self.at_word("liquidus"):
            self.i += 1
            return Liquidus()
        if self.at_word("solid"):
            self.i += 1
            self.expect_word("coverage")
            return SolidCoverage(self.quantity("fraction"))
        if self.at_word("time"):
            self.i += 1
            return TimeLimit(self.quantity("time"))
        if self.at_word("current"):
            self.i += 1
            direction = self.expect_word("above", "below").text.lower()
            return CurrentLimit(self.quantity("current"), direction)
        if self.at_word("above", "below"):
            direction = self.peek().text.lower()
            self.i += 1
            return VoltageLimit(self.quantity("voltage"), direction)
        tok = self.peek()
        if tok is None or tok.kind != "num":
            self.fail("a termination: a voltage ('1 V', 'above 1 V'), a capacity ('2 mAh/cm2'),"
                      " 'liquidus', 'solid coverage 0.5', 'time 1 h' or 'current below ...'")
        kind, value, start, end = self.classify_quantity(("voltage", "capacity", "time"))
        if kind == "voltage":
            if default_direction is None:
                raise _ParseFailure(start, end, "'above' or 'below' before the voltage (the "
                                    "direction is ambiguous for this step)",
                                    repr(self.text[start:end]))
            return VoltageLimit(value, default_direction)
        if kind == "capacity":
            return CapacityLimit(value)
        return TimeLimit(value)

    def duration_and_until(self, default_direction, *, need_rate=False):
        duration, until = None, ()
        if self.at_word("for"):
            self.i += 1
            duration = self.quantity("time")
            self.mark("duration")
            if self.at_word("or") and self.peek(1) is not None \
                    and self.peek(1).text.lower() == "until":
                self.i += 1
            if self.at_word("until"):
                self.i += 1
                until = self.terminations(default_direction)
        elif self.at_word("until"):
            self.i += 1
            until = self.terminations(default_direction)
        else:
            self.fail("'for <time>' or 'until <termination>'")
        return duration, until

    def optional_until(self, default_direction):
        if self.at_word("until"):
            self.i += 1
            return self.terminations(default_direction)
        return ()

    def step(self):
        first = self.peek()
        if first is None:
            self.fail("a step: Strip, Plate, Rest, Hold, Ramp, Staircase, Pulse or Repeat")
        word = first.text.lower() if first.kind == "word" else ""
        start_index = self.i
        self.spans = {}
        if word in ("strip", "plate"):
            self.i += 1
            self.expect_word("at")
            current = self.quantity("current")
            self.mark("current_density")
            default = "above" if word == "strip" else "below"
            duration, until = self.duration_and_until(default)
            cls = Strip if word == "strip" else Plate
            return self.build(start_index, cls, current, duration, until)
        if word == "rest":
            self.i += 1
            duration, until = self.duration_and_until(None)
            return self.build(start_index, Rest, duration, until)
        if word == "hold":
            self.i += 1
            self.expect_word("at")
            voltage = self.quantity("voltage")
            self.mark("voltage")
            duration, until = self.duration_and_until(None)
            return self.build(start_index, Hold, voltage, duration, until)
        if word == "ramp":
            return self.ramp(start_index)
        if word == "staircase":
            self.i += 1
            direction = self.direction()
            numbers = [self.number("a current density")]
            while self.peek() is not None and self.peek().kind == "punct" \
                    and self.peek().text == ",":
                self.i += 1
                numbers.append(self.number("a current density"))
            unit = self.unit()
            if unit is None:
                self.fail("a current-density unit such as 'mA/cm2' after the levels")
            levels = tuple(self.to_si(v, unit.text, "current", tok.start, unit.end)
                           for v, tok in numbers)
            self.spans["levels"] = (numbers[0][1].start, unit.end)
            self.expect_word("for")
            step_duration = self.quantity("time")
            self.mark("step_duration")
            self.expect_word("each")
            rest = 0.0
            if self.at_word("with"):
                self.i += 1
                rest = self.quantity("time")
                self.mark("rest_between")
                self.expect_word("rest")
                if self.at_word("between"):
                    self.i += 1
            default = "above" if direction == "strip" else "below"
            until = self.optional_until(default)
            return self.build(start_index, Staircase, levels, step_duration, direction, rest,
                              until)
        if word in ("pulse", "pulses"):
            self.i += 1
            direction = self.direction()
            self.expect_word("at")
            current = self.quantity("current")
            self.mark("current_density")
            self.expect_word("for")
            on = self.quantity("time")
            self.mark("on")
            self.expect_word("on")
            self.expect_punct(",")
            off = self.quantity("time")
            self.mark("off")
            self.expect_word("off")
            self.expect_punct(",")
            count, tok = self.number("a whole number of pulses")
            if count != int(count) or count < 1:
                self.fail("a whole number of pulses >= 1", tok)
            self.expect_word("times")
            default = "above" if direction == "strip" else "below"
            until = self.optional_until(default)
            return self.build(start_index, PulseTrain, current, on, off, int(count), direction,
                              until)
        self.fail("a step: Strip, Plate, Rest, Hold, Ramp, Staircase, Pulse or Repeat")

    def ramp(self, start_index):
        self.i += 1
        direction = self.direction()
        self.expect_word("from")
        a, tok_a = self.number("a current density")
        unit_a = self.unit()
        self.expect_word("to")
        b, tok_b = self.number("a current density")
        unit_b = self.unit()
        if unit_b is None:
            self.fail("a current-density unit such as 'mA/cm2'")
        start = self.to_si(a, (unit_a or unit_b).text, "current", tok_a.start,
                           (unit_a or tok_a).end)
        stop = self.to_si(b, unit_b.text, "current", tok_b.start, unit_b.end)
        self.spans["start"] = (tok_a.start, (unit_a or tok_a).end)
        self.spans["stop"] = (tok_b.start, unit_b.end)
        self.expect_word("at")
        rate_start = self.peek().start if self.peek() else len(self.text)
        kind, value, _, end = self.classify_quantity(("rate", "current"))
        step_duration = None
        if kind == "current":
            if not self.at_word("per"):
                self.fail("'per <time>' after the increment (or a rate in mA/cm2/s)")
            self.i += 1
            step_duration = self.quantity("time")
            self.mark("step_duration")
            value = value / step_duration
            end = self.tokens[self.i - 1].end
        if (value > 0) != (stop > start) or value == 0:
            raise _ParseFailure(rate_start, end, "a rate whose sign matches from -> to "
                                "(positive when the ramp goes up, negative when it goes down)",
                                repr(self.text[rate_start:end]))
        default = "above" if direction == "strip" else "below"
        until = self.optional_until(default)
        return self.build(start_index, Ramp, start, stop, value, direction, step_duration,
                          until)

    def build(self, start_index, cls, *args):
        try:
            return cls(*args)
        except ParameterError as err:
            tok = self.tokens[start_index]
            start, end = tok.start, self.tokens[self.i - 1].end
            field_name = err.problems[0].key.split(".", 1)[-1]
            if field_name == "until":  # contradictory voltage limits: all of them
                spans = [v for k, v in self.spans.items() if k.startswith("until[")]
                start, end = min(s for s, _ in spans), max(e for _, e in spans)
            elif field_name in self.spans:
                start, end = self.spans[field_name]
            elif re.fullmatch(r"levels\[\d+\]", field_name) and "levels" in self.spans:
                start, end = self.spans["levels"]
            raise _ParseFailure(start, end, message=_problems_text(err)) from None

    def steps(self) -> list:
        """``step`` or ``Repeat n times: [step; step ...]``, to the end of the text."""
        out = self.sequence()
        if self.peek() is not None:
            self.fail("the end of the step (or ';' and another step)")
        return out

    def sequence(self) -> list:
        out = self.item()
        while self.peek() is not None and self.peek().kind == "punct" \
                and self.peek().text == ";":
            self.i += 1
            out += self.item()
        return out

    def item(self) -> list:
        if self.at_word("repeat"):
            self.i += 1
            count, tok = self.number("a whole number of repetitions")
            if count != int(count) or not 1 <= count <= _MAX_REPEATS:
                self.fail(f"a whole number of repetitions in [1, {_MAX_REPEATS}]", tok)
            self.expect_word("times")
            self.expect_punct(":")
            self.expect_punct("[")
            body = self.sequence()
            self.expect_punct("]")
            return body * int(count)
        return [self.step()]


def _problems_text(err: ParameterError) -> str:
    parts = []
    for p in err.problems:
        got = f" (got {p.value!r})" if p.value is not None else ""
        expected = f", expected {p.expected}" if p.expected else ""
        parts.append(f"{p.key}: {p.message}{got}{expected}")
    return "; ".join(parts)


_MAX_REPEATS = 10000


def _caret_message(text: str, failure: _ParseFailure) -> str:
    width = max(1, failure.end - failure.start)
    if failure.message:
        what = failure.message
    else:
        found = f", found {failure.found}" if failure.found else ""
        what = f"expected {failure.expected}{found}"
    return (f"bad step at column {failure.start + 1}: {what}\n    {text}\n"
            f"    {' ' * failure.start}{'^' * width}")


def parse_steps(text: str, key: str = "protocol") -> list:
    """Parse one protocol string (possibly ``;``-separated or a ``Repeat``) into steps."""
    if not isinstance(text, str):
        raise _bad(key, "not a string", text, "a step string such as 'Rest for 10 min'")
    try:
        return _Parser(text, key).steps()
    except _ParseFailure as failure:
        raise ParameterError(Problem(key, _caret_message(text, failure))) from None


def parse_step(text: str, key: str = "protocol") -> Step:
    """Parse exactly one step."""
    steps = parse_steps(text, key)
    if len(steps) != 1:
        raise _bad(key, f"expected one step, the text gives {len(steps)}", text, "one step")
    return steps[0]


# --- the protocol ------------------------------------------------------------------------
@dataclass(frozen=True)
class Protocol:
    """An ordered sequence of steps; ``Protocol.parse`` reads strings."""

    steps: tuple = field(default_factory=tuple)

    def __post_init__(self):
        steps = tuple(self.steps)
        for k, step in enumerate(steps):
            if not isinstance(step, _STEPS):
                raise _bad(f"protocol[{k}]", "not a step", step,
                           "Strip, Plate, Rest, Hold, Ramp, Staircase or PulseTrain")
        object.__setattr__(self, "steps", steps)

    @classmethod
    def parse(cls, source: str | Iterable) -> Protocol:
        """Build from a string (lines or ``;``-separated), or a list of strings and steps."""
        if isinstance(source, Protocol):
            return source
        if isinstance(source, str):
            items = [line for line in source.splitlines() if line.strip()]
        elif isinstance(source, _STEPS):
            items = [source]
        else:
            try:
                items = list(source)
            except TypeError:
                raise _bad("protocol", f"not a protocol ({type(source).__name__})", source,
                           "a step string, a list of strings and steps, or a Protocol") from None
        steps = []
        problems = []
        for k, item in enumerate(items):
            if isinstance(item, _STEPS):
                steps.append(item)
                continue
            if isinstance(item, Protocol):
                steps += item.steps
                continue
            try:
                steps += parse_steps(item, key=f"protocol[{k}]")
            except ParameterError as err:
                problems += err.problems
        if problems:
            raise ParameterError(problems)
        if not steps:
            raise _bad("protocol", "no steps", source, "one or more steps")
        return cls(tuple(steps))

    def __iter__(self) -> Iterator:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index):
        return self.steps[index]

    def __str__(self) -> str:
        return "\n".join(str(s) for s in self.steps)

    def to_strings(self) -> list[str]:
        """One parseable string per step (for TOML study files); inverse of :meth:`parse`."""
        return [str(s) for s in self.steps]

    @property
    def total_duration(self) -> float:
        """Sum of step durations [s] (inf if a step ends only on a termination)."""
        return sum(s.duration for s in self.steps)

    def breakpoints(self) -> tuple[float, ...]:
        """Nominal absolute times [s] where the setpoint may jump: step starts (after the
        first) and each step's internal breakpoints, up to the first open-ended step."""
        out = []
        for t0, step in zip(self.start_times(), self.steps, strict=True):
            if math.isinf(t0):
                break
            if t0 > 0:
                out.append(t0)
            out += [t0 + t for t in step.breakpoints()]
        return tuple(out)

    def start_times(self) -> tuple[float, ...]:
        """Nominal start time of each step [s] (inf after an open-ended step)."""
        out, t = [], 0.0
        for s in self.steps:
            out.append(t)
            t += s.duration
        return tuple(out)


def plot_protocol(ax, protocol, *, open_duration: float = 3600.0, time_unit: str = "h"):
    """Draw the nominal setpoint of ``protocol`` on ``ax`` and return ``ax``.

    Current steps are drawn in mA/cm² (stripping positive); potentiostatic holds are shaded
    and labelled with their voltage; steps that only end on a termination are drawn for
    ``open_duration`` [s] and marked with their ``until`` condition.
    """
    import numpy as np

    protocol = Protocol.parse(protocol)
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0}.get(time_unit)
    if scale is None:
        raise _bad("time_unit", "unknown unit", time_unit, "'s', 'min' or 'h'")
    t0 = 0.0
    for step in protocol:
        length = step.duration if math.isfinite(step.duration) else open_duration
        if step.mode == "voltage":
            ax.axvspan(t0 / scale, (t0 + length) / scale, color="C2", alpha=0.15)
            ax.text((t0 + 0.5 * length) / scale, 0.0, f"hold {_fmt_voltage(step.voltage)}",
                    ha="center", va="bottom", fontsize=7, rotation=90)
        else:
            cuts = sorted({0.0, length, *[b for b in step.breakpoints() if b < length]})
            pieces = zip(cuts[:-1], cuts[1:], strict=True)
            t = np.concatenate([np.linspace(a, b, 20) for a, b in pieces])
            i = np.array([step.value(min(x, length * (1 - 1e-12))) for x in t])
            ax.plot((t0 + t) / scale, i / _CURRENT_PER_MA_CM2, color="C0", lw=1.2)
        if not math.isfinite(step.duration):
            ax.annotate("until " + " or ".join(u.render() for u in step.until),
                        ((t0 + length) / scale, 0.0), fontsize=7, rotation=90, ha="right",
                        va="bottom")
            ax.axvline((t0 + length) / scale, color="0.5", ls=":", lw=0.8)
        t0 += length
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel(f"time [{time_unit}]")
    ax.set_ylabel("current density [mA/cm²] (stripping > 0)")
    return ax
