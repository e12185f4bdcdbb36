"""Study kind ``flaw_size``: critical plating overpotential and current vs flaw depth.

For each flaw depth a one finite-element solve of the pressurised surface flaw
gives K_I per unit pressure (:func:`nakmodel.mechanics.flaw_size_sweep`); for
each K_IC, p_c = K_IC / (K_I/p), the critical overpotential of solid Na forced
into the flaw is η_c = p_c Ω_Na / F (docs/theory/fracture.md) and the critical current
follows from the interface resistance.  The handbook (Griffith-type) estimate
K_I = 1.1215 p √(πa) (Tada, Paris & Irwin) is written next to it.

Writes ``flaw_size.csv``, ``flaw_size.png`` and ``summary.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic_write import atomic_savefig, atomic_write_text
from ..errors import InputProblem, ParameterError
from ..units import to_si
from . import unknown_option_problems

OPTIONS = ("depths", "fracture_toughness")


@dataclass(frozen=True)
class FlawSizeOptions:
    """Flaw depths [m] and fracture toughness values [Pa m^0.5]."""

    depths: tuple[float, ...]
    fracture_toughness: tuple[float, ...]


def _list(table, name, unit, prefix, default, problems, upper=None):
    raw = table.get(name, default)
    if not isinstance(raw, list) or not raw:
        problems.append(InputProblem(f"{prefix}.{name}", "must be a non-empty list", raw,
                                     f"a list of values in {unit}"))
        return ()
    values = []
    for i, item in enumerate(raw):
        key = f"{prefix}.{name}[{i}]"
        try:
            v = to_si(item, unit, key)
        except ParameterError as err:
            problems.extend(err.problems)
            continue
        if v <= 0 or (upper is not None and v >= upper):
            limit = f"(0, {upper:g})" if upper is not None else "(0, inf)"
            problems.append(InputProblem(key, "out of range", item, f"a value in {limit} {unit}"))
            continue
        values.append(v)
    return tuple(values)


def parse_options(table: dict, prefix: str, params) -> FlawSizeOptions:
    problems = unknown_option_problems(table, OPTIONS, prefix)
    thickness = params.cell.pellet_thickness if params is not None else None
    depths = _list(table, "depths", "m", prefix,
                   ["1 um", "2 um", "5 um", "10 um", "20 um", "50 um"], problems,
                   upper=thickness)
    kic = _list(table, "fracture_toughness", "Pa*m^0.5", prefix,
                ["1.0 MPa*m^0.5", "1.25 MPa*m^0.5", "1.6 MPa*m^0.5"], problems)
    if problems:
        raise ParameterError(problems)
    return FlawSizeOptions(depths, kic)


def run(study, outdir: Path, progress=None) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..mechanics import flaw_size_sweep

    options = study.options
    table = flaw_size_sweep(options.depths, options.fracture_toughness, study.parameters)
    rows = table.rows()
    written = [table.to_csv(outdir / "flaw_size.csv")]

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    depth = np.asarray(table["depth"])
    for j, kic in enumerate(options.fracture_toughness):
        sel = np.isclose(table["fracture_toughness"], kic)
        label = f"K_IC = {kic / 1e6:.2f} MPa√m"
        ax1.loglog(depth[sel] * 1e6, 1e3 * table["critical_overpotential"][sel], "o-",
                   color=f"C{j}", label=label + " (FE)")
        ax1.loglog(depth[sel] * 1e6, 1e3 * table["critical_overpotential_handbook"][sel], "--",
                   color=f"C{j}", label="handbook 1.1215 p√(πa)")
        ax2.loglog(depth[sel] * 1e6, 0.1 * table["critical_current_density"][sel], "o-",
                   color=f"C{j}", label=label)
    ax1.set_xlabel("flaw depth [µm]")
    ax1.set_ylabel("critical plating overpotential [mV]")
    ax1.set_title("Crack onset: solid Na in a surface flaw")
    ax1.legend(fontsize=7)
    ax2.set_xlabel("flaw depth [µm]")
    ax2.set_ylabel("critical current density [mA/cm²]")
    ax2.set_title("η_c / R_interface")
    ax2.legend(fontsize=7)
    written.append(atomic_savefig(fig, outdir / "flaw_size.png", dpi=150))
    plt.close(fig)

    lines = [f"# {study.title}", "",
             "| depth [µm] | K_IC [MPa√m] | p_c FE [MPa] | p_c handbook [MPa] | η_c [mV] | "
             "i_c [mA/cm²] |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['depth'] * 1e6:.3g} | {r['fracture_toughness'] / 1e6:.3g} | "
                     f"{r['critical_pressure'] / 1e6:.4g} | "
                     f"{r['critical_pressure_handbook'] / 1e6:.4g} | "
                     f"{1e3 * r['critical_overpotential']:.4g} | "
                     f"{0.1 * r['critical_current_density']:.4g} |")
    lines += ["", "Solid Na forced into the flaw: p = F|η|/Ω_Na (Ω_Na = "
              f"{study.parameters.alloy.na_molar_volume * 1e6:.2f} cm³/mol). A liquid flows out "
              "and stays far below p_c (see `nakmodel fracture --liquid-fraction`).", "",
              "The metal in a flaw is solid once plating has passed the Na-rich liquidus: "
              "the plated Na then stays solid and fills the flaw (nakmodel.mechanics.loading."
              "advance_solid_deposit). The coupled scan (`ccd` study with a `flaw`, e.g. "
              "studies/ccd_sweep_flaw.toml) reaches the onset there, at the i_c of this "
              "table when the flaw is already solid (i_c = η_c / R_ct is an estimate).", "",
              "![flaw size](flaw_size.png)", ""]
    written.append(atomic_write_text(outdir / "summary.md", "\n".join(lines)))
    return written
