"""Critical current density (CCD) and critical capacity from a current scan or staircase.

A run (a :class:`nakmodel.model.result.Result`, or anything with the same columns) is
tested against typed *criteria*; each criterion gives its first *onset* (row, time, current,
capacity) or none.  The criterion reached first is the ``limiting_mechanism``; the current
density applied at that moment is the CCD and the charge passed until then (in the scan
direction) the critical capacity.

Criteria (docs/theory/thermodynamics.md, liquid window; docs/theory/kinetics.md, blocking by
solid K; docs/theory/fracture.md, crack onset):

* :class:`VoltageCriterion` - |V| reaches a limit (what a cycler sees).
* :class:`LiquidusCriterion` - the interface composition reaches the liquidus: the K-rich
  one (x_Na,min <= x_low) when stripping, the Na-rich one (x_Na,max >= x_high) when plating.
* :class:`SolidCoverageCriterion` - the solid-covered part of the interface exceeds a
  fraction (solid blocks Na+ transfer; the remaining area is constricted).
* :class:`CrackCriterion` - K_I >= K_IC of a metal-filled surface flaw: K_I = K_I0 + k p
  with k = K_I per unit face pressure (FE domain integral of the cell's own flaw,
  :func:`nakmodel.mechanics.flaw_model.k_per_pressure`, or the edge-crack handbook value
  1.1215 sqrt(pi a)) and p from :func:`nakmodel.mechanics.flaw_pressure` (solid:
  min(F|eta|/Omega, creep extrusion); liquid: outflow-limited).

Sign convention (nakmodel): i > 0 strips the working electrode, i < 0 plates it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .ccd_criteria import (  # noqa: F401  (public here as before)
    EDGE_CRACK_FACTOR,
    CrackCriterion,
    Direction,
    LiquidusCriterion,
    SolidCoverageCriterion,
    VoltageCriterion,
    _positive,
    default_criteria,
)
from .constants import A_M2_PER_MA_CM2 as _MA_CM2
from .constants import C_M2_PER_MAH_CM2 as _MAH_CM2
from .errors import InputProblem, ParameterError


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Onset:
    """First row at which a criterion is met: time [s], current density [A/m^2] (magnitude
    of the applied level), capacity [C/m^2] (magnitude, passed in the scan direction)."""

    criterion: str
    index: int
    time: float
    current_density: float
    capacity: float


def diagnosis_text(row: dict) -> str:
    """One sentence on what a CCD means, from a :meth:`CCDResult.summary` row (SI values):
    the CCD, critical capacity and limiting mechanism, Q/Q_inv and whether the scan is
    inventory-limited (then the CCD is set by the ramp rate and the alloy thickness)."""
    if row["limiting_mechanism"] == "none":
        return (f"no criterion reached up to {row['max_current_density'] / _MA_CM2:.4g} "
                "mA/cm2 (a lower bound of the CCD)")
    text = (f"CCD {row['ccd'] / _MA_CM2:.4g} mA/cm2, critical capacity "
            f"{row['critical_capacity'] / _MAH_CM2:.4g} mAh/cm2, limited by "
            f"{row['limiting_mechanism']}")
    ratio = row.get("critical_capacity_over_inventory", math.nan)
    if ratio is not None and math.isfinite(float(ratio)):
        text += f"; Q/Q_inv = {float(ratio):.3g}"
    if row.get("inventory_limited") == "yes":
        text += (f": INVENTORY-LIMITED (the scan passes the Na inventory "
                 f"{row['inventory'] / _MAH_CM2:.3g} mAh/cm2 at "
                 f"{row['ccd_inventory_limit'] / _MA_CM2:.4g} mA/cm2): this CCD is set "
                 "by the ramp rate and the alloy thickness, not by the interface")
    return text


@dataclass(frozen=True)
class CCDResult:
    """CCD of one scan.

    ``ccd`` [A/m^2] and ``critical_capacity`` [C/m^2] at the first onset of any criterion,
    ``limiting_mechanism`` its name; when no criterion is met both are NaN,
    ``limiting_mechanism = "none"`` and ``max_current_density`` is a lower bound of the CCD.
    ``onsets`` maps every criterion to its :class:`Onset` or None.
    """

    direction: Direction
    ccd: float
    critical_capacity: float
    limiting_mechanism: str
    onsets: dict = field(default_factory=dict)
    max_current_density: float = math.nan
    max_capacity: float = math.nan
    k_ratio_max: float = math.nan
    k_ratio: object = None
    """K_I/K_IC per row of the run (with a :class:`CrackCriterion`), else None."""
    inventory: float = math.nan
    """Lever-rule Na inventory of the simulated alloy to the liquidus of the scan direction
    [C/m^2] (:func:`liquidus_inventory`); NaN when the run does not say its Na amount."""
    capacity_over_inventory: float = math.nan
    """Critical capacity / inventory [-] (Q/Q_inv)."""
    inventory_limited_ccd: float = math.nan
    """Level [A/m^2] at which the scan passes the inventory (:func:`inventory_limited_level`):
    the CCD this protocol shows if nothing but the Na inventory limits it."""
    level_step: float = math.nan
    """Spacing of the protocol's current levels [A/m^2] (NaN if unknown)."""

    @property
    def ccd_mA_cm2(self) -> float:
        """CCD [mA/cm^2]."""
        return self.ccd / _MA_CM2

    @property
    def critical_capacity_mAh_cm2(self) -> float:
        """Critical capacity [mAh/cm^2]."""
        return self.critical_capacity / _MAH_CM2

    @property
    def inventory_mAh_cm2(self) -> float:
        """Inventory [mAh/cm^2]."""
        return self.inventory / _MAH_CM2

    @property
    def inventory_limited_ccd_mA_cm2(self) -> float:
        """Inventory-limited level [mA/cm^2]."""
        return self.inventory_limited_ccd / _MA_CM2

    @property
    def inventory_limited(self) -> bool:
        """True when the CCD is (rule: :data:`INVENTORY_RATIO_LIMIT`) just the
        Na inventory used up at this ramp rate: Q/Q_inv >= 0.9 and the CCD within one
        level step (or 10 %) of the inventory-limited level.  Such a CCD depends on the
        protocol (ramp rate, alloy thickness), it is not a property of the interface."""
        if not (math.isfinite(self.capacity_over_inventory) and math.isfinite(self.ccd)
                and math.isfinite(self.inventory_limited_ccd)):
            return False
        tolerance = max(0.1 * self.inventory_limited_ccd,
                        self.level_step if math.isfinite(self.level_step) else 0.0)
        return (self.capacity_over_inventory >= INVENTORY_RATIO_LIMIT
                and abs(self.ccd - self.inventory_limited_ccd) <= tolerance * (1 + 1e-9))

    def diagnosis(self) -> str:
        """One sentence on what the CCD means (the text the CLI summary prints)."""
        return diagnosis_text(self.summary())

    def summary(self) -> dict:
        """Flat dict of scalars (SI) for tables: ccd, critical_capacity, limiting_mechanism,
        per-criterion ``ccd_<name>`` / ``capacity_<name>`` (NaN if not reached)."""
        row = {"direction": str(self.direction), "ccd": self.ccd,
               "critical_capacity": self.critical_capacity,
               "limiting_mechanism": self.limiting_mechanism,
               "max_current_density": self.max_current_density,
               "max_capacity": self.max_capacity, "k_ratio_max": self.k_ratio_max,
               "inventory": self.inventory,
               "critical_capacity_over_inventory": self.capacity_over_inventory,
               "ccd_inventory_limit": self.inventory_limited_ccd,
               "inventory_limited": "yes" if self.inventory_limited else "no"}
        for name, onset in self.onsets.items():
            row[f"ccd_{name}"] = onset.current_density if onset else math.nan
            row[f"capacity_{name}"] = onset.capacity if onset else math.nan
        return row


INVENTORY_RATIO_LIMIT = 0.9
"""Q/Q_inv at or above which a CCD near the inventory-limited level is called
inventory-limited (:attr:`CCDResult.inventory_limited`)."""


class InventoryLimitedWarning(UserWarning):
    """The CCD of a scan is the Na inventory used up at that ramp rate (protocol-dependent)."""


@dataclass(frozen=True)
class _Context:
    liquid_window: tuple
    temperature: float
    parameters: object


def infer_direction(run) -> Direction:
    """Strip if the largest |i| of the run is anodic (i > 0), else plate."""
    current = np.asarray(run.current_density, float)
    if current.size == 0 or not np.any(np.abs(current) > 0):
        raise ParameterError(InputProblem("run", "the run passes no current", None,
                                          "a stripping or plating current scan"))
    return Direction.STRIP if current[np.argmax(np.abs(current))] > 0 else Direction.PLATE


def _applied_level(current: np.ndarray, index: int, sign: float) -> float:
    """|i| applied at row ``index``; at rest rows the last non-zero level before it."""
    for k in range(index, -1, -1):
        if sign * current[k] > 0:
            return float(abs(current[k]))
    return 0.0


def _first_crossing(margin: np.ndarray) -> int | None:
    hit = np.nonzero(np.nan_to_num(margin, nan=-np.inf) >= 0.0)[0]
    return int(hit[0]) if hit.size else None


def extract_ccd(run, criteria=None, *, direction=None, parameters=None,
                temperature: float | None = None, levels=None, hold: float | None = None,
                x_initial: float | None = None, warn: bool = True) -> CCDResult:
    """CCD and critical capacity of a current scan or staircase ``run`` by each criterion.

    ``run``: a :class:`~nakmodel.model.result.Result` (or an object with the columns
    ``time``, ``voltage``, ``current_density``, ``capacity``, ``x_interface_min/max``,
    ``liquid_fraction_interface``, ``we_overpotential``, ``active_fraction`` and
    ``liquid_window``).  ``criteria``: iterable of criteria (default
    :func:`default_criteria`); names must be unique.  ``direction``: "strip" / "plate"
    (default: from the sign of the largest current).  The first row (t = 0, no current)
    is ignored.  The critical capacity is the charge passed in the scan direction
    (sign · capacity) at the onset.  ``parameters``: the run's ``Parameters`` (default:
    the default set), for the liquid window when ``run`` has none and for the criteria;
    ``temperature`` [K] overrides ``parameters.temperature``.

    Returns a :class:`CCDResult`: ``ccd`` [A/m²], ``critical_capacity`` [C/m²], the
    ``limiting_mechanism`` and the :class:`Onset` of each criterion (row, time [s], current
    density [A/m²], capacity [C/m²]) or None.

    Inventory diagnostics (:class:`CCDResult` ``inventory``, ``capacity_over_inventory``,
    ``inventory_limited_ccd``, ``inventory_limited``): from the run's initial Na amount
    (``run.inventory[0]`` [mol], ``run.nominal_area`` [m^2]) and ``x_initial`` (default the
    initial mean interface composition).  ``levels`` [A/m^2] and ``hold`` [s] of a stepped
    protocol give the inventory-limited level by :func:`inventory_limited_level` (without
    them: the level applied when the run's passed charge reaches the inventory) and round
    the CCDs to the protocol level they represent; without them both are read from the
    run's current column (:func:`stepped_protocol`).  ``warn``: issue an
    :class:`InventoryLimitedWarning` when the CCD is inventory-limited.
    """
    criteria = tuple(default_criteria() if criteria is None else criteria)
    names = [c.name for c in criteria]
    if not criteria or len(set(names)) != len(names):
        raise ParameterError(InputProblem("criteria", "need at least one criterion, unique names",
                                          names, "e.g. default_criteria()"))
    direction = infer_direction(run) if direction is None else Direction.parse(direction)
    if parameters is None:
        from .parameters import load_parameters

        parameters = load_parameters()
    T = parameters.temperature if temperature is None else float(temperature)
    window = tuple(getattr(run, "liquid_window", (math.nan, math.nan)))
    if not all(np.isfinite(window)):
        from . import thermo

        window = tuple(float(v) for v in thermo.liquid_window(T, parameters))
    context = _Context(window, T, parameters)

    time = np.asarray(run.time, float)
    current = np.asarray(run.current_density, float)
    capacity = direction.sign * np.asarray(run.capacity, float)
    onsets, k_ratio_max, k_ratio = {}, math.nan, None
    for crit in criteria:
        margin = np.asarray(crit.margin(run, direction, context), float)
        if isinstance(crit, CrackCriterion):
            k_ratio = margin + 1.0
            k_ratio_max = float(np.nanmax(margin[1:] + 1.0)) if margin.size > 1 else math.nan
        k = _first_crossing(margin[1:])
        if k is None:
            onsets[crit.name] = None
            continue
        k += 1
        onsets[crit.name] = Onset(crit.name, k, float(time[k]),
                                  _applied_level(current, k, direction.sign),
                                  float(capacity[k]))
    from dataclasses import replace

    from .display_units import snap_to_levels

    level_list = [abs(float(v)) for v in levels] if levels is not None else []
    if not level_list or hold is None:  # the stepped protocol as the run applied it
        run_levels, run_hold = stepped_protocol(time, current, direction.sign)
        level_list = level_list or run_levels
        hold = run_hold if hold is None else hold
    onsets = {name: (replace(o, current_density=snap_to_levels(o.current_density, level_list))
                     if o is not None else None) for name, o in onsets.items()}
    reached = [o for o in onsets.values() if o is not None]
    max_i = float(np.max(np.clip(direction.sign * current, 0.0, None))) if current.size else 0.0
    max_i = snap_to_levels(max_i, level_list)
    max_q = float(np.max(capacity)) if capacity.size else 0.0
    diagnostics = _inventory_diagnostics(run, direction, window, capacity, current, level_list,
                                         hold, x_initial)
    if not reached:
        return CCDResult(direction, math.nan, math.nan, "none", onsets, max_i, max_q,
                         k_ratio_max, k_ratio, **diagnostics)
    first = min(reached, key=lambda o: (o.index, names.index(o.criterion)))
    q_inv = diagnostics["inventory"]
    diagnostics["capacity_over_inventory"] = (first.capacity / q_inv if q_inv > 0
                                              else math.nan)
    result = CCDResult(direction, first.current_density, first.capacity, first.criterion,
                       onsets, max_i, max_q, k_ratio_max, k_ratio, **diagnostics)
    if warn and result.inventory_limited:
        import warnings

        warnings.warn(result.diagnosis(), InventoryLimitedWarning, stacklevel=2)
    return result


def _inventory_diagnostics(run, direction, window, capacity, current, levels, hold,
                           x_initial) -> dict:
    """inventory [C/m^2], inventory-limited level [A/m^2] and level step of a run."""
    nan = math.nan
    out = {"inventory": nan, "capacity_over_inventory": nan, "inventory_limited_ccd": nan,
           "level_step": nan}
    if len(levels) > 1:
        steps = np.diff(sorted(set(levels)))
        out["level_step"] = float(np.min(steps)) if steps.size else nan
    try:
        amount = float(np.asarray(run.inventory, float)[0])
        area = float(getattr(run, "nominal_area", nan))
        x0 = float(np.asarray(run.x_interface_mean, float)[0]) if x_initial is None \
            else float(x_initial)
        q_inv = liquidus_inventory(amount, area, x0, window, direction)
    except (AttributeError, IndexError, TypeError, ValueError, ParameterError):
        return out
    out["inventory"] = q_inv
    if levels and hold is not None:
        from .display_units import clean_float

        out["inventory_limited_ccd"] = clean_float(inventory_limited_level(levels, hold, q_inv))
    else:
        hit = np.nonzero(capacity >= q_inv)[0]
        if hit.size and q_inv > 0:
            from .display_units import clean_float

            out["inventory_limited_ccd"] = clean_float(
                _applied_level(current, int(hit[0]), direction.sign))
    return out


def liquidus_inventory(amount_na: float, area: float, x_initial: float, liquid_window,
                       direction) -> float:
    """Na charge [C/m^2] a uniform alloy can exchange before reaching the liquidus of the
    scan direction: the lever-rule inventory of the *simulated* alloy.

    With N_Na0 = ``amount_na`` [mol] at x0 = ``x_initial`` (K conserved, r = x/(1-x)):
    strip to the K-rich liquidus x_L: Q = F N_Na0 (1 - r_L/r_0) / A; plate to the Na-rich
    liquidus x_H: Q = F N_Na0 (r_H/r_0 - 1) / A (same relation as ``thermo.inventory`` for
    a uniform layer) [I].  Zero if x0 is already past that liquidus."""
    from .constants import FARADAY

    d = Direction.parse(direction)
    if not (amount_na > 0 and area > 0 and 0 < x_initial < 1):
        raise ParameterError(InputProblem("inventory", "needs a positive Na amount and area and "
                                          "x0 in (0, 1)", (amount_na, area, x_initial),
                                          "amount_na [mol] > 0, area [m^2] > 0, x0 in (0, 1)"))
    r0 = x_initial / (1.0 - x_initial)
    if d is Direction.STRIP:
        xl = float(liquid_window[0])
        fraction = 1.0 - (xl / (1.0 - xl)) / r0
    else:
        xh = float(liquid_window[1])
        fraction = (xh / (1.0 - xh)) / r0 - 1.0
    return max(0.0, FARADAY * amount_na * fraction / area)


def stepped_protocol(time, current, sign: float = 1.0) -> tuple[list[float], float | None]:
    """(levels [A/m^2], hold [s]) of the stepped scan a run applied: the successive
    plateaus of constant current in direction ``sign`` (rows at rest skipped) and the
    median duration of the complete ones (the last, cut short by the stop, is left out),
    both to 6 significant digits; ([], None) when the run is not a stepped scan (fewer
    than two plateaus)."""
    t = np.asarray(time, float)
    i = sign * np.asarray(current, float)
    levels: list[float] = []
    durations: list[float] = []
    start = end = 0.0
    for k in range(1, t.size):
        if i[k] <= 0:
            continue
        if not levels or abs(i[k] - levels[-1]) > 1e-6 * abs(i[k]):
            if levels:
                durations.append(end - start)
            levels.append(float(i[k]))
            start = float(t[k - 1])  # a row holds the level applied since the previous one
        end = float(t[k])
    if len(levels) < 2 or not durations:
        return [], None
    from .display_units import clean_float

    # the current column carries the solver's ~1e-9 relative noise; protocol levels are
    # written with a few significant digits
    return [clean_float(v, 6) for v in levels], clean_float(float(np.median(durations)), 6)


def inventory_limited_level(levels, hold: float, inventory: float) -> float:
    """Current level [A/m^2] of a stepped scan (``levels`` [A/m^2], each held ``hold`` [s];
    rests between levels pass no charge) during which the charge passed reaches
    ``inventory`` [C/m^2]; NaN if the scan never passes it.

    This is the CCD the scan would show if nothing but the Na inventory limited it (no
    transport, constriction or kinetics): for a ramp from ~step in steps of ``step`` held
    ``hold`` it is ~sqrt(2 Q_inv step / hold), i.e. set by the ramp rate.  A ramp CCD
    close to it is a protocol-dependent inventory limit, not a material property."""
    passed = 0.0
    for level in levels:
        passed += abs(level) * hold
        if passed >= inventory:
            return float(abs(level))
    return math.nan


def scan_protocol(direction, start, stop, step, hold, voltage_limit=1.0,
                  stop_at_liquidus: bool = False) -> str:
    """Protocol text of a stepped current scan: levels start, start+step, ... stop [A/m^2],
    each held ``hold`` [s], until |V| reaches ``voltage_limit`` [V] (and optionally the
    liquidus)."""
    d = Direction.parse(direction)
    word = "stripping" if d is Direction.STRIP else "plating"
    v = d.sign * voltage_limit
    until = f"until {v:g} V" + (" or liquidus" if stop_at_liquidus else "")
    return (f"Ramp {word} from {start / _MA_CM2:g} to {stop / _MA_CM2:g} mA/cm2 at "
            f"{step / _MA_CM2:g} mA/cm2 per {hold:g} s {until}")
