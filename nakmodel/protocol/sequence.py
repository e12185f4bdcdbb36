"""The :class:`Protocol`: an ordered sequence of steps, built from strings or step objects."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import ParameterError
from ._common import _bad
from .grammar import parse_steps
from .steps import _STEPS


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


