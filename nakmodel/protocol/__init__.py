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


from ._common import Direction
from .grammar import parse_step, parse_steps
from .plot import plot_protocol
from .sequence import Protocol
from .steps import (
    Hold,
    Plate,
    PulseTrain,
    Ramp,
    Rest,
    Staircase,
    Step,
    Strip,
    step_sign,
)
from .terminations import (
    BaseTermination,
    CapacityLimit,
    CurrentLimit,
    Liquidus,
    SolidCoverage,
    Termination,
    TimeLimit,
    VoltageLimit,
)

__all__ = [
    "BaseTermination", "CapacityLimit", "CurrentLimit", "Direction", "Hold", "Liquidus",
    "Plate", "Protocol", "PulseTrain", "Ramp", "Rest", "SolidCoverage", "Staircase", "Step",
    "Strip", "Termination", "TimeLimit", "VoltageLimit", "parse_step", "parse_steps",
    "plot_protocol", "step_sign",
]
