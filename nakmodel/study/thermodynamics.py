"""Study kind ``thermodynamics``: phase diagram, OCV and Na inventory vs composition.

Writes ``phase_diagram.png``, ``thermo_summary.csv`` (one row per composition),
``ocv_inventory.png`` and ``summary.md``.

Sweepable (:mod:`nakmodel.sweep`): :func:`run_point` evaluates one composition,
``alloy.composition`` of the point's parameters, at the point's temperature and
returns the quantities named in :data:`OUTPUTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic_write import atomic_savefig, atomic_write_text
from ..composition import Composition
from ..errors import InputProblem, ParameterError
from ..units import to_si
from . import parse_compositions, unknown_option_problems

_C_PER_M2_PER_MAH_CM2 = 3.6 / 1e-4


@dataclass(frozen=True)
class ThermoOptions:
    """Options of the thermodynamics study (SI)."""

    compositions: tuple[Composition, ...]
    layer_thickness: float
    temperature: float


_ALLOWED = {"compositions", "layer_thickness", "temperature"}
OPTIONS = tuple(sorted(_ALLOWED))
OPTION_UNITS = {"layer_thickness": "m", "temperature": "K"}
OUTPUTS = ("x_Na", "liquid_fraction", "ocv_vs_Na_mV", "interdiffusivity_m2_s",
           "strippable_mAh_cm2", "platable_mAh_cm2")
OUTPUT_UNITS = {"composition": None, "x_Na": "-", "wt_pct_K": "wt%", "at_pct_K": "at%",
                "temperature_K": "K", "liquid_fraction": "-", "initial_phase": None,
                "ocv_vs_Na_mV": "mV", "interdiffusivity_m2_s": "m^2/s",
                "strippable_mAh_cm2": "mAh/cm^2", "platable_mAh_cm2": "mAh/cm^2"}
"""Unit of every column of thermo_summary.csv and of the sweep outputs (names keep the
display unit they are in: mV, mAh/cm^2)."""


def parse_options(table: dict, prefix: str, params) -> ThermoOptions:
    problems = unknown_option_problems(table, _ALLOWED, prefix)
    comps = list(parse_compositions(table, prefix, problems,
                                    default=["NaK50", "NaK65", "NaK80"]))
    thickness = temperature = None
    try:
        thickness = to_si(table.get("layer_thickness", "100 um"), "m",
                          f"{prefix}.layer_thickness")
        if thickness <= 0:
            problems.append(InputProblem(f"{prefix}.layer_thickness", "must be positive", thickness,
                                         "a length in (0, 1] m"))
    except ParameterError as err:
        problems.extend(err.problems)
    try:
        default_t = params.temperature if params is not None else 298.15
        temperature = to_si(table["temperature"], "K", f"{prefix}.temperature",
                            allow_plain_number=False) if "temperature" in table else default_t
        if not 200.0 <= temperature <= 400.0:
            problems.append(InputProblem(f"{prefix}.temperature", "out of range", temperature,
                                         "a value in [200, 400] K"))
    except ParameterError as err:
        problems.extend(err.problems)
    if problems:
        raise ParameterError(problems)
    return ThermoOptions(tuple(comps), thickness, temperature)


def summarise(options: ThermoOptions, params) -> list[dict]:
    """One row per composition: phase state, OCV and strippable/platable capacity."""
    from .. import thermo

    T = options.temperature
    low, high = thermo.liquid_window(T, params)
    rows = []
    for comp in options.compositions:
        x = comp.x_na
        row = {
            "composition": comp.label or f"x_Na={x:.4f}",
            "x_Na": x, "wt_pct_K": comp.wt_pct_k, "at_pct_K": comp.at_pct_k,
            "temperature_K": T,
            "liquid_fraction": float(thermo.liquid_fraction(x, T, params)),
            "initial_phase": "liquid" if low <= x <= high else "two-phase or solid",
            "ocv_vs_Na_mV": 1e3 * float(thermo.ocv_vs_na(x, T, params)),
            "interdiffusivity_m2_s": float(thermo.interdiffusivity(
                min(max(x, low), high), T, params)),
        }
        for to, name in (("K-liquidus", "strippable"), ("Na-liquidus", "platable")):
            try:
                q = float(thermo.inventory(x, T, to=to, thickness=options.layer_thickness,
                                           params=params))
            except ParameterError:
                q = float("nan")
            row[f"{name}_mAh_cm2"] = q / _C_PER_M2_PER_MAH_CM2
        rows.append(row)
    return rows


def run_point(study, point_dir: Path) -> dict:
    """One sweep point: :func:`summarise` for ``alloy.composition`` at the point's temperature.

    Returns a dict with the keys of :data:`OUTPUTS` (capacities from the lever
    rule on the liquidus, docs/theory/thermodynamics.md; NaN where the composition is outside
    the liquid window).
    """
    from dataclasses import replace

    options = replace(study.options, compositions=(study.parameters.alloy.composition,))
    row = summarise(options, study.parameters)[0]
    return {name: row[name] for name in OUTPUTS}


def run(study, outdir: Path, progress=None) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .. import thermo
    from ..plotting.phase_diagram import plot_phase_diagram

    params, options = study.parameters, study.options
    written = []
    rows = summarise(options, params)

    from ..tables import write_rows

    written.append(write_rows(outdir / "thermo_summary.csv", rows, OUTPUT_UNITS))

    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    plot_phase_diagram(ax, params)
    for row in rows:
        ax.axvline(row["x_Na"], color="0.6", lw=0.8, ls=":")
        ax.annotate(row["composition"], (row["x_Na"], ax.get_ylim()[1]), rotation=90,
                    va="top", ha="right", fontsize=8)
    written.append(atomic_savefig(fig, outdir / "phase_diagram.png", dpi=150))
    plt.close(fig)

    T = options.temperature
    low, high = thermo.liquid_window(T, params)
    x = np.linspace(low, high, 200)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    ax1.plot(x, 1e3 * thermo.ocv_vs_na(x, T, params), color="C0")
    ax1.set_xlabel("x_Na in the liquid")
    ax1.set_ylabel("OCV vs Na(s) [mV]")
    ax1.set_title(f"Equilibrium potential at {T - 273.15:.1f} °C")
    strip = [thermo.inventory(xi, T, to="K-liquidus", thickness=options.layer_thickness,
                              params=params) / _C_PER_M2_PER_MAH_CM2 for xi in x]
    plate = [thermo.inventory(xi, T, to="Na-liquidus", thickness=options.layer_thickness,
                              params=params) / _C_PER_M2_PER_MAH_CM2 for xi in x]
    ax2.plot(x, strip, label="strippable (to K-rich liquidus)")
    ax2.plot(x, plate, label="platable (to Na-rich liquidus)")
    for row in rows:
        ax2.plot(row["x_Na"], row["strippable_mAh_cm2"], "o", color="C0")
        ax2.plot(row["x_Na"], row["platable_mAh_cm2"], "s", color="C1")
        ax2.annotate(row["composition"], (row["x_Na"], row["strippable_mAh_cm2"]),
                     textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax2.set_xlabel("x_Na")
    ax2.set_ylabel(f"capacity [mAh/cm²] per {options.layer_thickness * 1e6:.0f} µm")
    ax2.set_title("Na inventory of a uniform liquid layer")
    ax2.legend(fontsize=8)
    written.append(atomic_savefig(fig, outdir / "ocv_inventory.png", dpi=150))
    plt.close(fig)

    T_e, x_e = thermo.eutectic(params)
    lines = [f"# {study.title}", "",
             f"Temperature {T:.2f} K ({T - 273.15:.2f} °C); liquid window x_Na "
             f"{low:.4f}–{high:.4f}; eutectic {T_e - 273.15:.2f} °C at "
             f"{100 * (1 - x_e):.1f} at% K (model).", "",
             "| composition | x_Na | wt% K | phase | OCV [mV] | strippable [mAh/cm²] | "
             "platable [mAh/cm²] |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['composition']} | {r['x_Na']:.4f} | {r['wt_pct_K']:.1f} | "
                     f"{r['initial_phase']} | {r['ocv_vs_Na_mV']:.2f} | "
                     f"{r['strippable_mAh_cm2']:.3f} | {r['platable_mAh_cm2']:.3f} |")
    lines += ["", f"Capacities per {options.layer_thickness * 1e6:.0f} µm uniform liquid layer.",
              "", "![phase diagram](phase_diagram.png)", "", "![OCV and inventory]"
              "(ocv_inventory.png)", ""]
    written.append(atomic_write_text(outdir / "summary.md", "\n".join(lines)))
    return written
