"""Plausible ranges and distributions of uncertain inputs (parameters or study options).

The default set's ranges live in ``nakmodel/data/parameter_ranges.toml`` beside the default
parameters: every parameter tagged ``?`` (an assumption) has a range there with its reason,
or is listed as exempt (numerical settings).  A study's ``[[sensitivity.parameter]]`` tables
override or add ranges.  Values are SI inside; a range is written with units at the edges::

    range = ["1 mA/cm2", "1 A/cm2"]
    scale = "log"                    # sampled uniformly in log10 (both ends > 0)
    distribution = "lognormal"       # optional, for forward propagation
    median = "10 mA/cm2"
    gsd = 3.0

A :class:`ParameterRange` maps a number ``u`` in [0, 1] to a value (:meth:`value_at`,
uniform in the range's scale: the Morris and Sobol designs) and a probability ``q`` to a
value of its distribution (:meth:`quantile`, forward uncertainty propagation).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..errors import InputProblem, ParameterError
from ..units import to_si

SCALES = ("linear", "log")
DISTRIBUTIONS = ("uniform", "triangular", "normal", "lognormal")
_DIST_ARGS = {"uniform": (), "triangular": ("mode",), "normal": ("mean", "std"),
              "lognormal": ("median", "gsd")}
_KEYS = {"key", "range", "scale", "reason", "distribution", "mode", "mean", "std", "median",
         "gsd"}
COMPOSITION_KEY = "alloy.composition"


@dataclass(frozen=True)
class ParameterRange:
    """The plausible range of one input (SI) and, optionally, its distribution.

    ``unit`` is the SI unit of the input ("" for dimensionless; x_Na for the composition).
    ``dist_args`` holds the distribution's parameters in SI (``mode``; ``mean``, ``std``;
    ``median``, ``gsd``); normal and lognormal distributions are truncated to the range.
    """

    key: str
    low: float
    high: float
    scale: str = "linear"
    unit: str = ""
    reason: str = ""
    distribution: str = "uniform"
    dist_args: Mapping[str, float] = field(default_factory=dict)

    def value_at(self, u):
        """Value at the fraction ``u`` in [0, 1] of the range, uniform in its scale."""
        import numpy as np

        u = np.asarray(u, dtype=float)
        if self.scale == "log":
            lo, hi = math.log10(self.low), math.log10(self.high)
            return 10.0 ** (lo + u * (hi - lo))
        return self.low + u * (self.high - self.low)

    def quantile(self, q):
        """Value of the distribution at probability ``q`` in (0, 1) (inverse CDF).

        ``uniform`` is uniform in the range's scale (log-uniform for ``scale = "log"``);
        ``triangular`` has its mode at ``mode``; ``normal`` and ``lognormal`` are truncated
        to ``[low, high]`` (the CDF is renormalised on the range).
        """
        import numpy as np
        from scipy import stats

        q = np.asarray(q, dtype=float)
        if self.distribution == "uniform":
            return self.value_at(q)
        if self.distribution == "triangular":
            c = (self.dist_args["mode"] - self.low) / (self.high - self.low)
            return stats.triang(c, loc=self.low, scale=self.high - self.low).ppf(q)
        if self.distribution == "normal":
            dist = stats.norm(self.dist_args["mean"], self.dist_args["std"])
            lo, hi = dist.cdf(self.low), dist.cdf(self.high)
            return dist.ppf(lo + q * (hi - lo))
        dist = stats.norm(math.log(self.dist_args["median"]), math.log(self.dist_args["gsd"]))
        lo, hi = dist.cdf(math.log(self.low)), dist.cdf(math.log(self.high))
        return np.exp(dist.ppf(lo + q * (hi - lo)))

    def describe(self) -> str:
        """One line: ``low .. high unit (scale[, distribution])``."""
        from ..units import format_si

        if self.key == COMPOSITION_KEY:
            text = f"x_Na {self.low:.4g} .. {self.high:.4g}"
        elif self.unit:
            text = f"{format_si(self.low, self.unit)} .. {format_si(self.high, self.unit)}"
        else:
            text = f"{self.low:.4g} .. {self.high:.4g}"
        extra = "" if self.distribution == "uniform" else f", {self.distribution}"
        return f"{text} ({self.scale}{extra})"


def _convert(raw, unit: str, key: str, where: str, problems: list[InputProblem]):
    """One end of a range (or a distribution argument) to SI, or None with a problem."""
    if key == COMPOSITION_KEY:
        from ..composition import parse_composition

        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = {"x_Na": float(raw)}
        try:
            return parse_composition(raw, where).x_na
        except ParameterError as err:
            problems.extend(err.problems)
            return None
    try:
        return to_si(raw, unit, where, allow_plain_number=not unit)
    except ParameterError as err:
        expected = f"a value with a unit convertible to {unit}" if unit else "a number"
        problems.extend(InputProblem(p.key, f"{p.message} (parameter '{key}')", p.value, expected)
                        for p in err.problems)
        return None


def parse_range(key: str, table: Mapping, unit: str, where: str, problems: list[InputProblem],
                allowed: tuple[float, float] | None = None) -> ParameterRange | None:
    """A validated :class:`ParameterRange` from a TOML table, or None (problems appended).

    ``allowed`` is the input's admissible interval (the parameter's range in the schema):
    a range reaching outside it is refused here, before anything runs.
    """
    n0 = len(problems)
    for extra in set(table) - _KEYS:
        problems.append(InputProblem(f"{where}.{extra}", f"unknown key (parameter '{key}')", None,
                                     ", ".join(sorted(_KEYS - {"key"}))))
    raw = table.get("range")
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        problems.append(InputProblem(f"{where}.range", f"must be [low, high] (parameter '{key}')",
                                     raw, '[low, high], e.g. ["1 mA/cm2", "1 A/cm2"]'))
        return None
    low = _convert(raw[0], unit, key, f"{where}.range", problems)
    high = _convert(raw[1], unit, key, f"{where}.range", problems)
    scale = table.get("scale", "linear")
    if scale not in SCALES:
        problems.append(InputProblem(f"{where}.scale", f"unknown scale (parameter '{key}')", scale,
                                     "'linear' or 'log'"))
    distribution = table.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        problems.append(InputProblem(f"{where}.distribution", f"unknown distribution (parameter "
                                     f"'{key}')", distribution, ", ".join(DISTRIBUTIONS)))
    if low is None or high is None or len(problems) > n0:
        return None
    shown = f"[{raw[0]}, {raw[1]}]"
    if not (math.isfinite(low) and math.isfinite(high)):
        problems.append(InputProblem(f"{where}.range", f"ends must be finite (parameter '{key}')",
                                     shown, "finite low < high"))
        return None
    if not low < high:
        problems.append(InputProblem(f"{where}.range",
                                     f"low must be below high (parameter '{key}')",
                                     shown, "low < high"))
        return None
    if scale == "log" and low <= 0:
        problems.append(InputProblem(f"{where}.range",
                                     f"a log scale needs both ends > 0 (parameter "
                                     f"'{key}')", shown, "0 < low < high, or scale = 'linear'"))
        return None
    if allowed is not None:
        lo_ok, hi_ok = allowed
        if low < lo_ok or high > hi_ok:
            problems.append(InputProblem(f"{where}.range",
                                         f"reaches outside the values '{key}' can "
                                         "take", shown, f"within [{lo_ok:g}, {hi_ok:g}] {unit}"))
            return None
    args = {}
    for name in _DIST_ARGS[distribution]:
        if name not in table:
            problems.append(InputProblem(f"{where}.{name}",
                                         f"the {distribution} distribution needs "
                                         f"'{name}' (parameter '{key}')", None, "a value"))
            continue
        value = (float(table[name]) if name == "gsd" and isinstance(table[name], (int, float))
                 else _convert(table[name], unit, key, f"{where}.{name}", problems))
        if value is not None:
            args[name] = value
    if len(problems) > n0:
        return None
    bad = ((distribution == "triangular" and not low <= args["mode"] <= high)
           or (distribution == "normal" and not args["std"] > 0)
           or (distribution == "lognormal" and not (args["median"] > 0 and args["gsd"] > 1)))
    if bad:
        problems.append(InputProblem(f"{where}.distribution", f"invalid {distribution} parameters "
                                     f"(parameter '{key}')", args,
                                     "mode inside the range; std > 0; median > 0 and gsd > 1"))
        return None
    return ParameterRange(key, float(low), float(high), scale, unit,
                          str(table.get("reason", "")), distribution, args)


def _schema_unit_and_bounds(key: str) -> tuple[str, tuple[float, float] | None]:
    from ..parameters import iter_schema

    if key == COMPOSITION_KEY:
        return "", (0.0, 1.0)
    for name, meta in iter_schema():
        if name == key:
            return meta.get("unit", ""), (meta.get("low", -math.inf), meta.get("high", math.inf))
    raise KeyError(key)


@lru_cache(maxsize=1)
def _ranges_file() -> dict:
    text = resources.files("nakmodel.data").joinpath("parameter_ranges.toml").read_text()
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def default_ranges() -> dict[str, ParameterRange]:
    """The plausible ranges of the default parameter set, by dotted key (validated)."""
    problems: list[InputProblem] = []
    out = {}
    for key, table in _ranges_file().get("ranges", {}).items():
        try:
            unit, bounds = _schema_unit_and_bounds(key)
        except KeyError:
            problems.append(InputProblem(f"parameter_ranges.{key}", "not a parameter", key,
                                         "a key of `nakmodel params show`"))
            continue
        rng = parse_range(key, table, unit, f"parameter_ranges.{key}", problems, bounds)
        if rng is not None:
            out[key] = rng
    if problems:  # a broken data file is a bug of the package, reported in full
        raise ParameterError(problems)
    return out


def exempt_parameters() -> dict[str, str]:
    """Assumption-tagged settings with no range, and why (numerical settings)."""
    return dict(_ranges_file().get("exempt", {}))
