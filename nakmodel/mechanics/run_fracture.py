"""Fracture of a run's flaw from the coupled fields: K_I/K_IC, crack growth, current focusing
and a critical-current estimate from the flaw-face state.

Inputs are a run (a :class:`nakmodel.model.result.Result` whose ``info['flaw_state']`` was
recorded on the flaw faces every step, :class:`nakmodel.study.ccd.FlawStateRecorder`) and
its :class:`nakmodel.ccd_extraction.CrackCriterion`.  Per row:

* pressure p on the flaw faces (:func:`~nakmodel.mechanics.loading.flaw_pressure`: creep
  extrusion of solid Na capped by F|eta|/Omega, liquid outflow) and K_I/K_IC;
* crack length of quasi-static growth while K_I >= K_IC (:mod:`.crack_growth`, K_I(a)
  table of the flaw's crack model; only built when the onset is reached);
* current focusing = plating current density on the flaw faces / applied (nominal) current
  density: how the FE electrochemistry concentrates the current into the flaw;
* critical-current estimate (:func:`critical_current_estimate`): the applied current at
  which solid Na in the flaw would reach the onset pressure, extrapolated from the
  flaw-face state of that row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..constants import FARADAY
from .creep_extrusion import deposition_velocity, extrusion_pressure
from .loading import FlawLoadingModel, flaw_dimensions


@dataclass
class FlawRunReport:
    """Fracture of one run's flaw (SI; arrays over the rows of the run)."""

    method: str
    crack_model: str
    pressure: np.ndarray
    k_ratio: np.ndarray
    crack_length: np.ndarray
    crack_outcome: str
    current_focusing: np.ndarray
    critical_current_estimate: np.ndarray

    def summary(self, onset_index: int | None) -> dict:
        """Scalars for the CCD table: crack method/model, final crack length [m], outcome,
        current focusing and critical-current estimate [A/m^2] at the onset row (or the last
        plating row without onset)."""
        rows = np.nonzero(np.isfinite(self.current_focusing))[0]
        k = onset_index if onset_index is not None else (int(rows[-1]) if rows.size else None)
        pick = (lambda a: float(a[k])) if k is not None else (lambda a: math.nan)
        return {"crack_method": self.method, "crack_model": self.crack_model,
                "crack_length": float(self.crack_length[-1]) if self.crack_length.size
                else math.nan,
                "crack_outcome": self.crack_outcome,
                "current_focusing": pick(self.current_focusing),
                "ccd_crack_estimate": pick(self.critical_current_estimate)}


def critical_current_estimate(nominal, overpotential, plating, criterion,
                              loading: FlawLoadingModel) -> np.ndarray:
    """Applied current density [A/m^2] at which solid Na in the flaw reaches the onset, per row.

    From the FE flaw-face state of a row (applied i, flaw |eta|, flaw plating current i_f)
    the flaw responds linearly to the applied current (its overpotential and current scale
    with i: linear kinetics and ohmic focusing).  Onset pressure p_c = (K_IC - K_I0) / k;
    solid metal reaches it when both the bound and the creep pressure do:
    i_bound = i p_c Omega / (F |eta|) and i_creep = i (p_c / p_creep(i_f))^n (p_creep ~
    i^(1/n)); the estimate is max(i_bound, i_creep).  NaN where the row does not plate.
    This replaces the 0-D estimate eta_c / R_ct of :func:`~nakmodel.mechanics.fracture.
    interface_resistance` by the coupled model's own flaw response.
    """
    i = np.abs(np.asarray(nominal, float))
    eta = np.abs(np.asarray(overpotential, float))
    i_f = np.asarray(plating, float)
    p_c = max(criterion.fracture_toughness - criterion.k_other, 0.0) / criterion.k_per_pressure
    depth, opening = flaw_dimensions(criterion.flaw)
    out = np.full(i.shape, math.nan)
    for r in range(i.size):
        if not (i[r] > 0 and i_f[r] > 0 and eta[r] > 0):
            continue
        i_bound = i[r] * p_c * loading.molar_volume / (FARADAY * eta[r])
        i_creep = 0.0
        if loading.solid_sodium is not None:
            p_now = extrusion_pressure(depth, opening, deposition_velocity(
                float(i_f[r]), loading.molar_volume), loading.solid_sodium,
                loading.temperature, loading.channel)
            i_creep = i[r] * (p_c / p_now) ** loading.solid_sodium.creep_exponent
        out[r] = max(i_bound, i_creep)
    return out


def flaw_run_report(run, criterion, direction, parameters, *, method: str, cell=None,
                    fill: str = "dry", growth: bool = True, context=None) -> FlawRunReport:
    """:class:`FlawRunReport` of a run with recorded flaw states (see the module docstring).

    ``method``: "fe" or "handbook" (how ``criterion.k_per_pressure`` was obtained); ``cell``
    (needed for the FE crack model and growth), ``fill``: crack-growth fill mode.  The
    handbook criterion grows an edge crack with the handbook K_I(a) = 1.1215 p sqrt(pi a)
    ("wet") or the FE table when ``cell`` is given."""
    from ..ccd_extraction import Direction, _Context

    direction = Direction.parse(direction)
    if context is None:
        from .. import thermo

        window = tuple(getattr(run, "liquid_window", (math.nan, math.nan)))
        if not all(np.isfinite(window)):
            window = tuple(float(v) for v in thermo.liquid_window(parameters.temperature,
                                                                  parameters))
        context = _Context(window, parameters.temperature, parameters)
    loading = criterion.loading or FlawLoadingModel.from_parameters(parameters)
    p = criterion.pressures(run, direction, context)
    k_ratio = (criterion.k_other + criterion.k_per_pressure * p) / criterion.fracture_toughness
    eta, _, plating = criterion.states(run, direction, context)
    nominal = np.clip(-np.asarray(run.current_density, float), 0.0, None)  # plating > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        focusing = np.where((nominal > 0) & (plating > 0), plating / nominal, math.nan)
    estimate = critical_current_estimate(nominal, eta, plating, criterion, loading)
    model_text = "edge crack, handbook 1.1215 sqrt(pi a)"
    depth = float(getattr(criterion.flaw, "depth_si", getattr(criterion.flaw, "depth", 0.0)))
    length = np.full(p.shape, depth)
    outcome = "none"
    if cell is not None and method == "fe":
        from .flaw_model import crack_model

        model_text = crack_model(cell, parameters).description
    if growth and cell is not None and np.nanmax(k_ratio, initial=0.0) >= 1.0:
        from .crack_growth import grow_crack, k_table

        table = k_table(cell, parameters, fill=fill)
        if method != "fe":  # scale the FE shape of K_I(a) to the handbook onset value
            table = type(table)(table.lengths, table.k_per_pressure * (
                criterion.k_per_pressure / table.k_per_pressure[0]), table.flaw_depth,
                table.pellet_thickness, table.fill)
        grown = grow_crack(table, p, criterion.fracture_toughness, criterion.k_other)
        length, outcome = grown.length, grown.outcome
    return FlawRunReport(method, model_text, p, k_ratio, length, outcome, focusing, estimate)


__all__ = ["FlawRunReport", "critical_current_estimate", "flaw_run_report"]
