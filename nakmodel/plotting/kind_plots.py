"""Figures of the study kinds without time series: impedance, flaw_size, thermodynamics.

:func:`plot_kind_folder` finds the tables these kinds write (``impedance_summary.csv`` with
``<label>_spectrum.csv``, ``flaw_size.csv``, ``thermo_summary.csv``) in a results folder
and draws them; each plot function takes an ``ax`` first and returns it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..tables import read_table
from .labels import describe
from .style import curve_colors, legend_outside


def plot_spectra_nyquist(ax, spectra):
    """Nyquist plot of saved spectra (Ω cm² when the area is known or the spectrum is
    area-specific, else Ω), one colour each."""
    for color, spec in zip(curve_colors(len(spectra)), spectra, strict=True):
        unit = "ohm cm2" if (spec.area or spec.is_area_specific) else "ohm"
        spec.plot_nyquist(ax, unit=unit, color=color, markersize=2, lw=0.8)
    legend_outside(ax)
    return ax


def plot_resistance_breakdown(ax, rows):
    """Stacked bars of the resistance per region of each impedance result [Ω cm²]."""
    regions = [("R_alloy_ohm_cm2", "alloy"), ("R_interface_ohm_cm2", "interface"),
               ("R_ceramic_ohm_cm2", "ceramic"), ("R_counter_ohm_cm2", "counter electrode"),
               ("R_unresolved_ohm_cm2", "unresolved")]
    labels = [str(r.get("label", k)) for k, r in enumerate(rows)]
    bottom = np.zeros(len(rows))
    for color, (key, name) in zip(curve_colors(len(regions)), regions, strict=True):
        values = np.array([float(r.get(key, 0.0) or 0.0) for r in rows])
        ax.bar(range(len(rows)), values, bottom=bottom, color=color, label=name)
        bottom += values
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, fontsize=7, rotation=30, ha="right")
    ax.set_ylabel("resistance [Ω cm$^2$]")
    legend_outside(ax)
    return ax


def plot_flaw_size(ax, rows, y: str = "critical_current_density"):
    """Critical current density (or another column) vs flaw depth, one line per K_IC; the
    handbook edge-crack values dashed."""
    kics = sorted({float(r["fracture_toughness"]) for r in rows})
    x_label, x_conv = describe("depth [m]")
    y_label, y_conv = describe(f"{y} [A/m^2]" if "current" in y else f"{y} [V]")
    for color, kic in zip(curve_colors(len(kics)), kics, strict=True):
        sel = sorted((r for r in rows if float(r["fracture_toughness"]) == kic),
                     key=lambda r: float(r["depth"]))
        depth = x_conv(np.array([float(r["depth"]) for r in sel]))
        ax.loglog(depth, y_conv(np.array([float(r[y]) for r in sel])), "o-", color=color,
                  label=f"K$_{{IC}}$ = {kic / 1e6:.2g} MPa√m (FE)")
        if f"{y}_handbook" in sel[0]:
            ax.loglog(depth, y_conv(np.array([float(r[f"{y}_handbook"]) for r in sel])), "--",
                      color=color, lw=0.8, label="handbook")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label.replace("critical current density", "critical plating current"))
    legend_outside(ax)
    return ax


def plot_thermo_table(ax, rows, y: str):
    """A column of ``thermo_summary.csv`` vs x_Na, annotated with the composition."""
    x = np.array([float(r["x_Na"]) for r in rows])
    v = np.array([float(r[y]) for r in rows])
    order = np.argsort(x)
    ax.plot(x[order], v[order], "o-", color="C0")
    for r, xi, vi in zip(rows, x, v, strict=True):
        ax.annotate(str(r.get("composition", "")), (xi, vi), textcoords="offset points",
                    xytext=(3, 3), fontsize=7)
    ax.set_xlabel(describe("x_Na")[0])
    ax.set_ylabel(describe(y)[0])
    return ax


def plot_kind_folder(root: Path, save) -> None:
    """Figures of every impedance / flaw_size / thermodynamics table found in ``root``;
    ``save(fig, name)`` writes one figure."""
    import matplotlib.pyplot as plt

    root = Path(root)
    if (root / "impedance_summary.csv").is_file():
        from ..spectrum import Spectrum

        rows, _ = read_table(root / "impedance_summary.csv")
        spectra = [Spectrum.from_csv(p) for p in sorted(root.glob("*_spectrum.csv"))]
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
        if spectra:
            plot_spectra_nyquist(a1, spectra)
        plot_resistance_breakdown(a2, rows)
        save(fig, "impedance")
    if (root / "flaw_size.csv").is_file():
        rows, _ = read_table(root / "flaw_size.csv")
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
        plot_flaw_size(a1, rows, "critical_current_density")
        plot_flaw_size(a2, rows, "critical_overpotential")
        save(fig, "flaw_size")
    if (root / "thermo_summary.csv").is_file():
        rows, _ = read_table(root / "thermo_summary.csv")
        shown = [k for k in ("ocv_vs_Na_mV", "liquid_fraction", "strippable_mAh_cm2",
                             "platable_mAh_cm2", "interdiffusivity_m2_s") if k in rows[0]]
        fig, axes = plt.subplots(1, len(shown), figsize=(3.6 * len(shown), 3.4),
                                 layout="constrained", squeeze=False)
        for ax, key in zip(axes[0], shown, strict=True):
            plot_thermo_table(ax, rows, key)
        save(fig, "thermodynamics")
