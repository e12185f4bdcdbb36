"""Crack-criterion parts of the ``ccd`` study: the fracture report of a scan (crack growth,
current focusing, critical-current estimate) and its section of ``summary.md``."""

from __future__ import annotations

_MA_CM2 = 10.0


def _fmt(value, scale, digits=3):
    import math

    return "-" if value is None or not math.isfinite(value) else f"{value / scale:.{digits}g}"


def fracture_report(options, params, result, criteria, direction,
                     crack_criterion):
    """:class:`nakmodel.mechanics.run_fracture.FlawRunReport` of a scan with a crack
    criterion and recorded flaw states (else None): crack growth past the onset, current
    focusing, critical-current estimate from the flaw-face fields."""
    from ..ccd import CrackCriterion
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
