"""Is an input physically meaningful, before anything is meshed or solved?

* :func:`initial_state_problems` — the model is defined for a liquid or
  two-phase (liquid + solid) working electrode, and for a K(ss) solid host
  into which Na is plated (``working_metal = "K"``); an alloy with no liquid
  at the chosen temperature (below the eutectic, or a Na-rich composition
  beyond the solidus at that temperature) is refused, naming temperature,
  composition and the range that would be accepted.
* :func:`nucleation_problems` — a solid-K nucleation barrier that would let the metastable
  liquid reach the K(ss) solidus at the chosen temperature is refused with the range.
* :func:`plain_number_problem` — in a file, a length, a current (density)
  or a time without a unit is ambiguous (``pellet_thickness = 1``: 1 m or
  1 mm?); it is refused with the value written in the unit the user most
  likely meant.
"""

from __future__ import annotations

import math

from .errors import InputProblem
from .parameter_defaults import default_si

#: units whose plain numbers are refused in files, with the units offered instead
AMBIGUOUS_UNITS = {
    "m": (("m", 1.0), ("mm", 1e-3), ("um", 1e-6), ("nm", 1e-9)),
    "A/m^2": (("A/m^2", 1.0), ("mA/cm^2", 10.0), ("A/cm^2", 1e4), ("uA/cm^2", 1e-2)),
    "A": (("A", 1.0), ("mA", 1e-3), ("uA", 1e-6)),
    "s": (("s", 1.0), ("min", 60.0), ("h", 3600.0), ("ms", 1e-3)),
}


def likely_unit(value: float, unit: str, typical: float | None) -> str:
    """The unit of ``AMBIGUOUS_UNITS[unit]`` in which ``value`` is closest to ``typical`` (log)."""
    options = AMBIGUOUS_UNITS[unit]
    if typical is None or not value > 0:
        return options[0][0]
    return min(options, key=lambda o: abs(math.log10(value * o[1] / typical)))[0]


def plain_number_problem(key: str, raw, meta) -> InputProblem | None:
    """A problem if ``raw`` is a plain number for a length/current/time key, else None."""
    unit = meta.get("unit", "")
    if unit not in AMBIGUOUS_UNITS or isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    guess = likely_unit(float(raw), unit, default_si(key))
    hint = f"'{raw:g} {guess}'"
    if guess != AMBIGUOUS_UNITS[unit][0][0]:
        hint += f" (a plain number would be {raw:g} {unit})"
    return InputProblem(key, "a plain number is ambiguous here: give units", raw,
                        f"a string with units such as {hint}; SI unit {unit}")


def _celsius(t: float) -> str:
    return f"{t:.2f} K ({t - 273.15:.1f} degC)"


def initial_state_problems(params) -> list[InputProblem]:
    """Problems if the alloy of ``params`` has no liquid at ``params.temperature``.

    A dilute K(ss) solid solution is accepted here (the solid K host of
    ``working_metal = "K"``; the study kinds check the metal, see
    :func:`composition_problems`).
    """
    return (composition_problems(params.alloy.composition, params, "alloy.composition",
                                 k_host=True)
            + nucleation_problems(params))


def nucleation_problems(params) -> list[InputProblem]:
    """A problem if the solid-K nucleation barrier reaches the K(ss) solidus at
    ``params.temperature``: the metastable liquid may go down to x_liq,K - Δx_nuc, which must
    stay above x_s,K (:func:`nakmodel.model.nucleation.check_supersaturation`, checked here
    from the phase diagram before anything is meshed)."""
    value = float(getattr(params.alloy, "solid_k_nucleation_supersaturation", 0.0))
    if value <= 0.0:
        return []
    from . import thermo
    from .model.nucleation import supersaturation_problem

    try:
        b = thermo.phase_boundaries(params.temperature, params)
    except (ArithmeticError, ValueError):
        return []  # (reported by composition_problems)
    problem = supersaturation_problem(value, float(b.liquid_low), float(b.solid_low),
                                      params.temperature)
    return [] if problem is None else [problem]


def composition_problems(comp, params, key: str, *, k_host: bool) -> list[InputProblem]:
    """Problems if ``comp`` has no liquid at ``params.temperature`` (``k_host``: K(ss) is ok).

    Uses the phase diagram of the parameter set (:func:`nakmodel.thermo.solid_phase`,
    :func:`nakmodel.thermo.phase_boundaries`, :func:`nakmodel.thermo.eutectic`).
    """
    from . import thermo

    t = params.temperature
    try:
        phase = thermo.solid_phase(comp.x_na, t, params)
    except (ArithmeticError, ValueError):  # the phase diagram itself is undefined
        return [InputProblem("alloy", "the phase diagram of these alloy parameters cannot be "
                             "evaluated", None, "the default alloy parameters or a published set")]
    if phase != "no liquid":
        return []
    te, _xe = thermo.eutectic(params)
    if t < te:
        return [InputProblem("temperature", f"the alloy {comp} ({key}) is solid at {_celsius(t)}: "
                             "no liquid below the eutectic", None,
                             f"temperature >= {_celsius(te)} (the model needs a liquid or "
                             "liquid + solid alloy)")]
    b = thermo.phase_boundaries(t, params)
    low, high = float(b.solid_low), float(b.solid_high)
    if comp.x_na <= low and k_host:  # K(ss): the solid K host (Na plated onto K)
        return []
    host = f", or a K(ss) host below {low:.3f} with working_metal = 'K'" if not k_host else \
        f", or a K(ss) host below {low:.3f}"
    return [InputProblem(key, f"{comp} has no liquid at temperature {_celsius(t)}", None,
                         f"x_Na in ({low:.3f}, {high:.3f}) at this temperature (liquid or "
                         f"liquid + solid){host}, or a higher temperature")]
