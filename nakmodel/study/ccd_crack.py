"""Crack-criterion parts of the ``ccd`` study: the fracture report of a scan (crack growth,
current focusing, critical-current estimate), its section of ``summary.md``, the flaw state
recorded over a scan (:class:`FlawStateRecorder`) and the rows of ``k_ratio.csv``."""

from __future__ import annotations

from ..constants import A_M2_PER_MA_CM2 as _MA_CM2


def _fmt(value, scale, digits=3):
    import math

    return "-" if value is None or not math.isfinite(value) else f"{value / scale:.{digits}g}"


def crack_model_problems(cell_options, params, prefix) -> list:
    """Problems of the FE crack model of the cell's flaw (:func:`nakmodel.mechanics.
    flaw_model.crack_model`: depth below 0.9 of the pellet for the surface-crack model,
    opening below the depth), keys under ``prefix``; sizes only, no mesh."""
    import dataclasses

    from ..errors import ParameterError
    from ..mechanics.flaw_model import crack_model

    if getattr(cell_options, "flaw", None) is None:
        return []
    try:
        crack_model(cell_options.build(), params)
    except ParameterError as err:
        return [dataclasses.replace(p, key=f"{prefix}.{p.key}") for p in err.problems]
    return []


def fracture_report(options, params, result, criteria, direction,
                     crack_criterion):
    """:class:`nakmodel.mechanics.run_fracture.FlawRunReport` of a scan with a crack
    criterion and recorded flaw states (else None): crack growth past the onset, current
    focusing, critical-current estimate from the flaw-face fields."""
    from ..ccd_extraction import CrackCriterion
    from ..mechanics.run_fracture import flaw_run_report

    crit = next((c for c in criteria if isinstance(c, CrackCriterion)), None)
    if crit is None or not (result.info or {}).get("flaw_state"):
        return None
    method = "custom" if crack_criterion is not None else options.crack
    return flaw_run_report(result, crit, direction, params, method=method,
                           cell=options.cell.build(), fill=options.crack_fill,
                           growth=options.crack_growth)


def crack_summary_lines(study, rows) -> list[str]:
    """summary.md section of the crack criterion: which K_I method and crack model, the
    flaw loading, and per run the crack outcome (arrest / run-through), final length,
    current focusing and the critical-current estimate from the flaw-face fields."""
    opts, params = study.options, study.parameters
    if opts.cell.flaw is None or "crack" not in opts.criteria:
        return []
    if opts.crack == "fe":
        from ..mechanics.flaw_model import crack_model

        method = ("K_I per unit pressure from the **FE domain integral** (crack = \"fe\") "
                  "of the cell's own flaw: " + crack_model(opts.cell.build(), params).description)
    else:
        method = ("K_I per unit pressure from the **handbook** edge-crack formula 1.1215 "
                  "sqrt(pi a) (crack = \"handbook\")")
    na = params.solid_sodium
    lines = ["", "## Crack criterion", "", f"Crack criterion: {method}.", "",
             "Flaw loading (nakmodel.mechanics.flaw_pressure): solid Na = min(F|eta|/Omega, "
             f"power-law creep extrusion out of the mouth, n = {na.creep_exponent:g}, "
             f"sigma_y = {na.yield_strength / 1e6:.3g} MPa at "
             f"{na.reference_strain_rate:g} 1/s); liquid = outflow pressure, no capillary "
             "load (the flaw liquid is continuous with the electrode).", "",
             ("Past the onset the crack grows quasi-statically while K_I >= K_IC (fill "
              f"'{opts.crack_fill}': " + ("the metal stays in the flaw" if opts.crack_fill ==
                                          "dry" else "the metal follows the tip") + ")."
              if opts.crack_growth else "Crack growth past the onset: off."), "",
             "| composition | direction | CCD crack [mA/cm²] | crack outcome | crack length "
             "[um] | current focusing | i_c estimate [mA/cm²] | max K_I/K_IC |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['composition']} | {r['direction']} | "
                     f"{_fmt(r['ccd_crack'], _MA_CM2)} | {r['crack_outcome']} | "
                     f"{_fmt(r['crack_length'], 1e-6)} | {_fmt(r['current_focusing'], 1.0)} | "
                     f"{_fmt(r['ccd_crack_estimate'], _MA_CM2)} | "
                     f"{_fmt(r['k_ratio_max'], 1.0)} |")
    lines += ["", "Current focusing = plating current density on the flaw faces / applied "
              "current density (at the crack onset, else the last plating row); i_c estimate "
              "= applied current at which solid Na in the flaw would reach the onset "
              "pressure, extrapolated from the flaw-face state of that row "
              "(nakmodel.mechanics.run_fracture.critical_current_estimate)."]
    return lines


class FlawStateRecorder:
    """Observer (``problem, t, result``): the :class:`~nakmodel.mechanics.FlawState` on the
    flaw faces after every accepted step, stored as arrays in ``result.info['flaw_state']``
    for :class:`nakmodel.ccd_extraction.CrackCriterion`.

    Per step (:class:`nakmodel.mechanics.coupling.FlawStateTracker`): area averages over
    the flaw faces and the solid Na deposit integrated since the liquid there saturated
    with Na (:func:`nakmodel.mechanics.loading.advance_solid_deposit`, opening of ``flaw``,
    default the cell's flaw); the recorded ``liquid_fraction`` is
    min(lever rule, 1 - deposit fill).  Also kept: ``time``, ``lever_liquid_fraction``,
    ``solid_deposit``, ``x_na``.
    """

    KEYS = ("time", "overpotential", "liquid_fraction", "plating_current_density",
            "lever_liquid_fraction", "solid_deposit", "x_na")

    def __init__(self, flaw=None):
        from ..mechanics.coupling import FlawStateTracker

        self.tracker = FlawStateTracker(flaw)
        self.rows = {key: [] for key in self.KEYS}

    def __call__(self, problem, t, result):
        state, avg = self.tracker.update(problem, t)
        values = {"time": float(t), "overpotential": state.overpotential,
                  "liquid_fraction": state.liquid_fraction,
                  "plating_current_density": state.plating_current_density,
                  "lever_liquid_fraction": avg["liquid_fraction"],
                  "solid_deposit": avg["solid_deposit"], "x_na": avg["x_na"]}
        for key in self.KEYS:
            self.rows[key].append(values[key])
        result.info["flaw_state"] = self.rows


def k_ratio_rows(result, k_ratio, fracture=None) -> list[dict]:
    """Rows of ``k_ratio.csv``: time, current density, K_I/K_IC and, when the run recorded
    them (:class:`FlawStateRecorder`), the flaw state (overpotential, liquid fraction, lever
    rule liquid fraction, solid deposit fill, plating current on the flaw faces) and, with a
    ``fracture`` report (:class:`nakmodel.mechanics.run_fracture.FlawRunReport`), the face
    pressure, crack length, current focusing and critical-current estimate."""
    flaw = result.info.get("flaw_state") or {}
    columns = {"overpotential": "flaw_overpotential [V]",
               "liquid_fraction": "flaw_liquid_fraction [-]",
               "lever_liquid_fraction": "flaw_lever_liquid_fraction [-]",
               "solid_deposit": "flaw_solid_deposit [-]",
               "plating_current_density": "flaw_plating_current_density [A/m^2]"}
    rows = []
    for n, (t, i, k) in enumerate(zip(result.time, result.current_density, k_ratio,
                                      strict=True)):
        row = {"time [s]": t, "current_density [A/m^2]": i, "k_ratio [-]": k}
        for key, name in columns.items():
            if key in flaw and len(flaw[key]) == len(k_ratio):
                row[name] = flaw[key][n]
        if fracture is not None and len(fracture.crack_length) == len(k_ratio):
            row["flaw_pressure [Pa]"] = fracture.pressure[n]
            row["crack_length [m]"] = fracture.crack_length[n]
            row["current_focusing [-]"] = fracture.current_focusing[n]
            row["critical_current_estimate [A/m^2]"] = fracture.critical_current_estimate[n]
        rows.append(row)
    return rows
