"""``summary.md`` of the ``ccd`` study kind (:func:`summary_md`): the scan, the CCD per
criterion of every run, the crack section and the run figures."""

from __future__ import annotations

from ..constants import A_M2_PER_MA_CM2 as _MA_CM2
from ..constants import C_M2_PER_MAH_CM2 as _MAH_CM2
from .ccd_crack import _fmt, crack_summary_lines


def summary_md(study, rows) -> str:
    """``summary.md`` of a ccd study: the protocol, the CCD table per run, the crack section
    and the figures of every run."""
    opts = study.options
    if opts.staircase:
        scan_text = (f"Staircase {', '.join(f'{i / _MA_CM2:g}' for i in opts.staircase)} "
                     f"mA/cm², {opts.hold:g} s each, {opts.rest_between:g} s rest between")
    else:
        scan_text = (f"Stepped current scan {opts.start / _MA_CM2:g} -> "
                     f"{opts.stop / _MA_CM2:g} mA/cm² in {opts.step / _MA_CM2:g} mA/cm² steps "
                     f"of {opts.hold:g} s")
    lines = [f"# {study.title}", "",
             f"{scan_text}, until |V| = "
             f"{opts.voltage_limit:g} V; cell {opts.cell.geometry}, alloy "
             f"{opts.cell.alloy_thickness * 1e6:g} um{opts.cell.host_text()}, contact "
             f"{opts.cell.contact.kind}.", "",
             "CCD = current level at the first criterion reached (limiting mechanism); "
             "'-' = not reached (then max current is a lower bound).", "",
             "**A stepped-scan CCD is protocol-dependent.** Q/Q_inv is the critical capacity "
             "over the lever-rule Na inventory of the simulated alloy to the liquidus of the "
             "scan direction; 'CCD if inventory-limited' is the level at which this protocol "
             "passes that inventory (for a ramp ~sqrt(2 Q_inv step / hold)). Where Q/Q_inv "
             "is close to 1 and the CCD close to that level, the CCD is the inventory reached "
             "at this ramp rate: a slower ramp or a thicker alloy gives a different CCD, so "
             "do not read it as a material property. Past the liquidus the voltage rises "
             "gradually (coverage = local solid fraction, `interface.blocking_exponent`), "
             "so the voltage CCD comes later than the liquidus one.", "",
             "| composition | direction | CCD [mA/cm²] | critical capacity [mAh/cm²] | "
             "limiting | Q/Q_inv | CCD if inventory-limited | inventory-limited? | CCD voltage | "
             "CCD liquidus | CCD solid cov. | CCD crack | max current [mA/cm²] | run ended by |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['composition']} | {r['direction']} | {_fmt(r['ccd'], _MA_CM2)} | "
            f"{_fmt(r['critical_capacity'], _MAH_CM2)} | {r['limiting_mechanism']} | "
            f"{_fmt(r['critical_capacity_over_inventory'], 1.0)} | "
            f"{_fmt(r['ccd_inventory_limit'], _MA_CM2)} | "
            f"{'**yes**' if r.get('inventory_limited') == 'yes' else 'no'} | "
            f"{_fmt(r['ccd_voltage'], _MA_CM2)} | {_fmt(r['ccd_liquidus'], _MA_CM2)} | "
            f"{_fmt(r['ccd_solid_coverage'], _MA_CM2)} | {_fmt(r['ccd_crack'], _MA_CM2)} | "
            f"{_fmt(r['max_current_density'], _MA_CM2)} | {r['termination'][:60]} |")
    lines += crack_summary_lines(study, rows)
    lines += ["", "![CCD vs composition](ccd.png)", ""]
    for r in rows:
        folder = f"{r['composition']}_{r['direction']}"
        lines += [f"## {r['composition']} {r['direction']}", "",
                  f"![voltage]({folder}/voltage.png)", "", f"![interface]({folder}/interface.png)",
                  ""]
        if opts.geis_currents:
            lines += [f"![operando DRT]({folder}/geis_drt.png)", ""]
    return "\n".join(lines)
