"""Protocol steps: :class:`Strip`, :class:`Plate`, :class:`Rest`, :class:`Hold`, :class:`Ramp`,
:class:`Staircase`, :class:`PulseTrain`, their validation and rendering.

Every step has ``mode`` ("current" | "voltage"), ``value(t)``, ``duration``, ``breakpoints()``
and ``until`` (terminations, :mod:`nakmodel.protocol.terminations`); current steps also have
``charge(t)`` and ``time_at_charge(q)``.  Magnitudes are positive; the direction comes from the
step type (see :func:`step_sign`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._common import (
    _CURRENT_PER_MA_CM2,
    Direction,
    _bad,
    _fmt_current,
    _fmt_time,
    _fmt_voltage,
    _num,
    _si,
)
from .terminations import (
    BaseTermination,
    CapacityLimit,
    CurrentLimit,
    TimeLimit,
    VoltageLimit,
)


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
    if isinstance(until, BaseTermination):
        until = (until,)
    until = tuple(until)
    for k, term in enumerate(until):
        if not isinstance(term, BaseTermination):
            raise _bad(f"{key}.until[{k}]", "not a termination", term,
                       "VoltageLimit, CapacityLimit, TimeLimit, Liquidus, SolidCoverage, "
                       "CurrentLimit or a subclass of nakmodel.protocol.BaseTermination")
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

