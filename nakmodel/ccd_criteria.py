"""Criteria of a CCD scan: each tests a run and gives its onset margin (docs/theory/
thermodynamics.md, liquid window; docs/theory/kinetics.md, blocking by solid K;
docs/theory/fracture.md, crack onset).  Used by
:func:`nakmodel.ccd_extraction.extract_ccd`, where the criteria are described; all names here
are importable from :mod:`nakmodel.ccd_extraction`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .constants import EDGE_CRACK_FACTOR  # also importable from nakmodel.ccd_extraction
from .errors import InputProblem, ParameterError


class Direction(StrEnum):
    """Direction of a scan: stripping (i > 0) or plating (i < 0) the working electrode."""

    STRIP = "strip"
    PLATE = "plate"

    @property
    def sign(self) -> float:
        return 1.0 if self is Direction.STRIP else -1.0

    @classmethod
    def parse(cls, value, key: str = "direction") -> Direction:
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ParameterError(InputProblem(key, "unknown direction", value,
                                              "'strip' or 'plate'")) from None


def _positive(value, key, unit, expected):
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ParameterError(InputProblem(key, "must be a positive number", value,
                                          f"{expected} [{unit}]"))


# --------------------------------------------------------------------------- criteria
@dataclass(frozen=True)
class VoltageCriterion:
    """|V| >= ``limit`` [V] in the scan direction (V >= limit stripping, V <= -limit plating)."""

    limit: float = 1.0
    name: str = "voltage"

    def __post_init__(self):
        from .units import to_si

        value = to_si(self.limit, "V", key="ccd.voltage_limit")
        _positive(value, "ccd.voltage_limit", "V", "a cell voltage magnitude in (0, 10] V")
        object.__setattr__(self, "limit", value)

    def termination(self, direction: Direction):
        """The protocol termination this criterion is: ``above limit`` stripping, ``below
        -limit`` plating."""
        from .protocol import VoltageLimit

        return VoltageLimit(direction.sign * self.limit,
                            "above" if direction is Direction.STRIP else "below")

    def margin(self, run, direction: Direction, context) -> np.ndarray:
        """Signed distance to the limit per row; >= 0 once reached (the margin of
        :meth:`termination`, one formula for scan step and criterion)."""
        return self.termination(direction).margin(run, direction.sign)


@dataclass(frozen=True)
class LiquidusCriterion:
    """Interface composition at the liquidus of the scan direction (within ``tolerance``).

    Stripping: min x_Na at the interface <= x_low + tol (K(bcc) precipitates); plating:
    max x_Na >= x_high - tol (Na / Na2K precipitates).  x_low, x_high: the run's
    ``liquid_window`` (lever-rule liquidus, Schröder-van Laar: docs/theory/thermodynamics.md,
    liquidus, solidus, window).
    """

    tolerance: float = 1e-4
    name: str = "liquidus"

    def __post_init__(self):
        if not (isinstance(self.tolerance, (int, float)) and 0 <= self.tolerance < 0.05):
            raise ParameterError(InputProblem("ccd.liquidus_tolerance", "out of range",
                                              self.tolerance, "a mole fraction in [0, 0.05)"))

    def termination(self, direction: Direction):
        from .protocol import Liquidus

        return Liquidus()

    def margin(self, run, direction: Direction, context) -> np.ndarray:
        return self.termination(direction).margin(run, direction.sign, context.liquid_window,
                                                  tolerance=self.tolerance)


@dataclass(frozen=True)
class SolidCoverageCriterion:
    """Solid-covered share of the interface 1 - f_L,interface >= ``fraction`` [-]."""

    fraction: float = 0.5
    name: str = "solid_coverage"

    def __post_init__(self):
        if not (isinstance(self.fraction, (int, float)) and 0 < self.fraction <= 1):
            raise ParameterError(InputProblem("ccd.solid_coverage", "out of range", self.fraction,
                                              "an area fraction in (0, 1]"))

    def termination(self, direction: Direction):
        from .protocol import SolidCoverage

        return SolidCoverage(self.fraction)

    def margin(self, run, direction: Direction, context) -> np.ndarray:
        return self.termination(direction).margin(run, direction.sign)


@dataclass(frozen=True)
class CrackCriterion:
    """K_I = K_I0 + k p(state) >= K_IC for a metal-filled surface ``flaw``.

    ``k_per_pressure`` [m^0.5] (K_I per Pa of face pressure) and ``k_other`` [Pa m^0.5]
    (stack pressure, eigenstrain) come from :meth:`from_cell` (FE domain integral) or
    :meth:`handbook` (1.1215 sqrt(pi a)).  The flaw state per row: the run's per-step
    flaw states when the simulation recorded them (``run.info['flaw_state']``: arrays
    ``overpotential``, ``liquid_fraction``, ``plating_current_density``), else the worst
    interface point: eta = WE overpotential, liquid fraction of the extreme interface
    composition (lever rule, less the solid Na deposit grown in the flaw once that
    composition is past the Na-rich liquidus), plating current = -i / active fraction
    (local current on the active area).  Pressure:
    :func:`nakmodel.mechanics.flaw_pressure` (solid metal: creep extrusion, capped by
    F|eta|/Omega; liquid metal: outflow, capped by F|eta|/Omega).
    """

    flaw: object
    k_per_pressure: float
    fracture_toughness: float
    k_other: float = 0.0
    loading: object = None
    name: str = "crack"

    def __post_init__(self):
        _positive(self.k_per_pressure, "ccd.crack.k_per_pressure", "m^0.5",
                  "K_I per unit face pressure, > 0")
        _positive(self.fracture_toughness, "nasicon.fracture_toughness", "Pa m^0.5",
                  "K_IC in (0, 1e8]")

    @classmethod
    def handbook(cls, flaw, parameters, **kwargs) -> CrackCriterion:
        """Edge-crack handbook k = 1.1215 sqrt(pi a) (Tada et al.); K_IC from parameters."""
        from .mechanics.loading import flaw_dimensions

        depth, _ = flaw_dimensions(flaw)
        return cls(flaw=flaw, k_per_pressure=EDGE_CRACK_FACTOR * math.sqrt(math.pi * depth),
                   fracture_toughness=parameters.nasicon.fracture_toughness, **kwargs)

    @classmethod
    def from_cell(cls, cell, parameters, **kwargs) -> CrackCriterion:
        """k from the FE domain integral of the crack model of the cell's own flaw
        (:func:`nakmodel.mechanics.flaw_model.crack_model`: same geometry as the
        electrochemistry; cached per flaw), K_I0 from the stack pressure; the loading's
        extrusion channel from the cell (:func:`~nakmodel.mechanics.loading.channel_for_cell`)."""
        from .mechanics.flaw_model import crack_model, k_per_pressure
        from .mechanics.loading import FlawLoadingModel, channel_for_cell

        k = k_per_pressure(cell, parameters)
        k_other = 0.0
        stack = float(getattr(parameters.cell, "stack_pressure", 0.0) or 0.0)
        if stack > 0:
            from .mechanics.fracture import stress_intensity

            model = crack_model(cell, parameters)
            k_other = stress_intensity(model.geometry, parameters, pressure=0.0,
                                       stack_pressure=stack, mesh_options=model.options).K_I
        kwargs.setdefault("loading", FlawLoadingModel.from_parameters(
            parameters, channel=channel_for_cell(cell)))
        return cls(flaw=cell.flaw, k_per_pressure=k,
                   fracture_toughness=parameters.nasicon.fracture_toughness, k_other=k_other,
                   **kwargs)

    def pressures(self, run, direction: Direction, context) -> np.ndarray:
        """Crack-face pressure [Pa] per row (:func:`nakmodel.mechanics.flaw_pressure`)."""
        from .mechanics.loading import FlawLoadingModel, FlawState, flaw_pressure

        loading = self.loading or FlawLoadingModel.from_parameters(context.parameters)
        eta, liquid, plating = self.states(run, direction, context)
        return np.array([flaw_pressure(FlawState(float(e), float(f), float(i)), self.flaw,
                                       loading)
                         for e, f, i in zip(eta, liquid, plating, strict=True)])

    def states(self, run, direction: Direction, context):
        """(eta, liquid fraction, plating current density) arrays over the rows of ``run``.

        Without recorded flaw states the liquid fraction is min(lever rule, 1 - s) with s
        the solid Na deposit in the flaw (:func:`~nakmodel.mechanics.loading.
        solid_deposit_history`), grown while the extreme interface composition is at or past
        the Na-rich liquidus (the liquid is saturated: plated Na stays solid)."""
        info = getattr(run, "info", {}) or {}
        recorded = info.get("flaw_state")
        if recorded is not None:
            return tuple(np.asarray(recorded[k], float) for k in (
                "overpotential", "liquid_fraction", "plating_current_density"))
        from . import thermo
        from .mechanics.loading import flaw_dimensions, solid_deposit_history

        current = np.asarray(run.current_density, float)
        active = np.clip(np.asarray(run.active_fraction, float), 1e-6, None)
        active = np.where(np.isfinite(active), active, 1.0)
        x_extreme = np.clip(np.nan_to_num(np.asarray(
            run.x_interface_max if direction is Direction.PLATE else run.x_interface_min,
            float), nan=0.5), 0.0, 1.0)
        liquid = np.clip(np.asarray(thermo.liquid_fraction(x_extreme, context.temperature,
                                                           context.parameters), float), 0.0, 1.0)
        eta = np.nan_to_num(np.asarray(run.we_overpotential, float))
        plating = np.clip(-current / active, 0.0, None)
        _, opening = flaw_dimensions(self.flaw)
        molar_volume = getattr(self.loading, "molar_volume", None) or (
            context.parameters.alloy.na_molar_volume)
        fill = solid_deposit_history(run.time, plating, x_extreme >= context.liquid_window[1],
                                     opening, molar_volume)
        return eta, np.minimum(liquid, 1.0 - fill), plating

    def k_ratio(self, run, direction: Direction, context) -> np.ndarray:
        """K_I / K_IC per row."""
        p = self.pressures(run, direction, context)
        return (self.k_other + self.k_per_pressure * p) / self.fracture_toughness

    def margin(self, run, direction: Direction, context) -> np.ndarray:
        return self.k_ratio(run, direction, context) - 1.0


Criterion = VoltageCriterion | LiquidusCriterion | SolidCoverageCriterion | CrackCriterion


def default_criteria(voltage_limit: float = 1.0, solid_coverage: float = 0.5) -> tuple:
    """Voltage limit, liquidus and solid coverage (add a :class:`CrackCriterion` for a flaw)."""
    return (VoltageCriterion(voltage_limit), LiquidusCriterion(),
            SolidCoverageCriterion(solid_coverage))
