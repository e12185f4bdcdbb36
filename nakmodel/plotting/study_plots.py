"""Figures from saved study results (``nakmodel run`` folders and ``nakmodel sweep`` stores).

:func:`load_study_results` reads a results folder into :class:`StudyResults`: ``rows``
(the CCD table ``ccd_results.csv``, a run's ``summary.csv`` or a sweep's ``results.csv``)
and ``runs`` (label -> folder holding ``timeseries.csv`` and friends).  Every plot
function takes an ``ax`` first and returns it; :func:`plot_all` writes every figure that
the folder has data for.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..constants import A_M2_PER_MA_CM2 as _MA_CM2
from ..constants import C_M2_PER_MAH_CM2 as _MAH_CM2
from ..errors import InputProblem, ParameterError
from .study_results import (  # noqa: F401 - re-exported: importable from here as before
    StudyResults,
    _number,
    _read_rows,
    load_study_results,
    read_drt_series,
    read_timeseries,
)

MECHANISM_MARKERS = {"voltage": "o", "liquidus": "s", "solid_coverage": "D", "crack": "X",
                     "none": "^"}
"""Marker of each limiting mechanism ("none" = not reached: lower bound)."""


# --------------------------------------------------------------------------- plots
def _x_na(row) -> float:
    """x_Na of a results row (run table ``x_Na`` or sweep column ``alloy.composition [x_Na]``)."""
    for key in ("x_Na", "alloy.composition [x_Na]"):
        if row.get(key) not in (None, ""):
            return _number(row[key])
    return math.nan


def _swept_columns(rows) -> list[str]:
    """Numeric SI columns of swept keys in a sweep table: ``key [unit]`` next to a column
    ``key`` holding the given value."""
    if not rows:
        return []
    return [k for k in rows[0] if k.endswith("]") and " [" in k
            and rows[0].get(k.split(" [")[0]) != rows[0].get(k)
            and any(math.isfinite(_number(r.get(k))) for r in rows)]


def plot_sweep_categories(ax, rows, key: str, y: str = "ccd", group: str | None = None,
                          scale: float = _MA_CM2, y_label: str = "CCD [mA/cm$^2$]"):
    """Output ``y`` for each value of a non-numeric swept ``key`` (e.g. a contact table),
    one marker series per ``group`` value; markers show the limiting mechanism."""
    values = list(dict.fromkeys(r.get(key, "") for r in rows))
    groups: dict = {}
    for r in rows:
        if r.get("status", "ok") == "ok":
            groups.setdefault(r.get(group, "") if group else "", []).append(r)
    n = max(len(groups), 1)
    for k, (label, sel) in enumerate(sorted(groups.items())):
        for r in sel:
            xi = values.index(r.get(key, "")) + (k - (n - 1) / 2) * 0.08
            mech = str(r.get("limiting_mechanism", "")) or "none"
            ax.plot(xi, _number(r.get(y)) / scale, marker=MECHANISM_MARKERS.get(mech, "o"),
                    color=f"C{k}", ls="none", mfc="none" if mech == "none" else None)
        ax.plot([], [], "o", color=f"C{k}", label=f"{group} = {label}" if group else None)
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels([textwrap_label(v) for v in values], fontsize=6)
    from .labels import describe
    from .style import legend_outside

    ax.set_xlabel(describe(key)[0])
    ax.set_ylabel(y_label)
    if group:
        legend_outside(ax)
    return ax


def textwrap_label(value, width: int = 22) -> str:
    import textwrap

    text = str(value).replace('"', "").replace("{", "").replace("}", "")
    return "\n".join(textwrap.wrap(text, width)) or "-"


def plot_sweep_output(ax, rows, x_column: str, y: str = "ccd", group: str | None = None,
                      scale: float = _MA_CM2, y_label: str = "CCD [mA/cm$^2$]"):
    """Output ``y`` (divided by ``scale``) against a swept SI column, one line per value of
    the ``group`` column; markers show the limiting mechanism (open: not reached)."""
    from .labels import describe
    from .style import curve_colors, legend_outside

    groups: dict = {}
    for r in rows:
        if r.get("status", "ok") != "ok":
            continue
        groups.setdefault(r.get(group, "") if group else "", []).append(r)
    x_label, x_convert = describe(x_column)
    if y_label is None or scale is None:
        y_label, y_convert = describe(y)
    else:
        y_convert = lambda v: v / scale  # noqa: E731
    group_words = describe(group)[0].split(" [")[0] if group else ""
    colors = curve_colors(len(groups))
    for color, (label, sel) in zip(colors, sorted(groups.items()), strict=True):
        sel.sort(key=lambda r: _number(r.get(x_column)))
        x = x_convert(np.array([_number(r.get(x_column)) for r in sel]))
        yv = y_convert(np.array([_number(r.get(y)) for r in sel]))
        ax.plot(x, yv, color=color, lw=1, label=f"{group_words} = {label}" if group else None)
        for r, xi, yi in zip(sel, x, yv, strict=True):
            mech = str(r.get("limiting_mechanism", "")) or "none"
            ax.plot(xi, yi, marker=MECHANISM_MARKERS.get(mech, "o"), color=color, ls="none",
                    mfc="none" if mech == "none" else None)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if group:
        legend_outside(ax)
    return ax


def plot_ccd_vs_composition(ax, rows, quantity: str = "ccd"):
    """CCD [mA/cm²] or critical capacity [mAh/cm²] vs x_Na, one line per direction; the
    marker shows the limiting mechanism (:data:`MECHANISM_MARKERS`; "none": the scan
    ended without reaching a criterion, the max current/capacity is plotted as a lower
    bound with an open marker)."""
    if quantity not in ("ccd", "critical_capacity"):
        raise ParameterError(InputProblem("quantity", "unknown quantity", quantity,
                                          "'ccd' or 'critical_capacity'"))
    scale = _MA_CM2 if quantity == "ccd" else _MAH_CM2
    fallback = "max_current_density" if quantity == "ccd" else "max_capacity"
    directions = sorted({str(r.get("direction", "")) for r in rows})
    seen = set()
    for k, direction in enumerate(directions):
        sel = sorted((r for r in rows if str(r.get("direction", "")) == direction),
                     key=_x_na)
        x = np.array([_x_na(r) for r in sel])
        y = np.array([_number(r.get(quantity)) for r in sel]) / scale
        color = f"C{k}"
        ax.plot(x, y, color=color, lw=1, label=direction or None)
        for r, xi, yi in zip(sel, x, y, strict=True):
            mech = str(r.get("limiting_mechanism", "none")) or "none"
            marker = MECHANISM_MARKERS.get(mech, "*")
            if mech == "none" or not math.isfinite(yi):
                yi = _number(r.get(fallback)) / scale
                ax.plot(xi, yi, marker=marker, color=color, mfc="none", ls="none")
            else:
                ax.plot(xi, yi, marker=marker, color=color, ls="none")
            if mech not in seen:
                seen.add(mech)
                ax.plot([], [], marker=marker, color="0.3", ls="none",
                        label=f"marker: limited by {mech}")
            if r.get("composition"):
                ax.annotate(str(r["composition"]), (xi, yi), textcoords="offset points",
                            xytext=(3, 3), fontsize=7)
    from .style import legend_outside

    ax.set_xlabel("x$_{Na}$ of the alloy [-]")
    ax.set_ylabel("CCD [mA/cm$^2$]" if quantity == "ccd" else
                  "critical capacity [mAh/cm$^2$]")
    legend_outside(ax)
    return ax


def plot_voltage_runs(ax, runs: dict, x: str = "time"):
    """Cell voltage of every run vs time [h] or |capacity| [mAh/cm²]."""
    if x not in ("time", "capacity"):
        raise ParameterError(InputProblem("x", "unknown abscissa", x, "'time' or 'capacity'"))
    from .style import curve_colors, legend_outside

    for color, (label, folder) in zip(curve_colors(len(runs)), runs.items(), strict=True):
        ts = read_timeseries(folder)
        xs = ts["time"] / 3600 if x == "time" else ts["capacity"] / _MAH_CM2
        ax.plot(xs, ts["voltage"] * 1e3, label=label, lw=1, color=color)
    ax.set_xlabel("time [h]" if x == "time" else "capacity [mAh/cm$^2$]")
    ax.set_ylabel("cell voltage [mV]")
    legend_outside(ax)
    return ax


def plot_voltage_vs_current(ax, runs: dict):
    """Cell voltage vs applied current density [mA/cm²] (current scans)."""
    from .style import curve_colors, legend_outside

    for color, (label, folder) in zip(curve_colors(len(runs)), runs.items(), strict=True):
        ts = read_timeseries(folder)
        ax.plot(np.abs(ts["current_density"]) / _MA_CM2, ts["voltage"] * 1e3, label=label, lw=1,
                color=color)
    ax.set_xlabel("|current density| [mA/cm$^2$]")
    ax.set_ylabel("cell voltage [mV]")
    legend_outside(ax)
    return ax


def plot_operando_drt(ax, folder, x_label: str = "current density [mA/cm$^2$]"):
    """DRT γ(τ) of the operando GEIS spectra of one run as a heat map over x (current)."""
    series = read_drt_series(folder)
    if series is None:
        ax.text(0.5, 0.5, "no GEIS spectra", ha="center", va="center", transform=ax.transAxes)
        return ax
    x, tau, gamma = series
    if len(x) == 1:
        ax.semilogx(tau, gamma[0])
        ax.set_xlabel("τ [s]")
        ax.set_ylabel("γ [Ω]")
        return ax
    mesh = ax.pcolormesh(x, tau, gamma.T, shading="nearest", cmap="viridis")
    ax.set_yscale("log")
    ax.set_xticks(x)  # the levels at which the spectra were recorded
    ax.set_xticklabels([f"{v:.3g}" for v in x], fontsize=7, rotation=90 if len(x) > 8 else 0)
    ax.set_xlabel(x_label)
    ax.set_ylabel("τ [s]")
    ax.figure.colorbar(mesh, ax=ax, label="γ [Ω]")
    return ax


def plot_k_ratio_vs_current(ax, runs: dict):
    """K_I/K_IC of the flaw vs |current density| (runs with ``k_ratio.csv``), log scale;
    the first crack onset (K_I >= K_IC) of each run is marked and its current given in the
    legend."""
    for n, (label, folder) in enumerate(runs.items()):
        path = Path(folder) / "k_ratio.csv"
        if not path.is_file():
            continue
        rows = _read_rows(path)
        i = np.array([abs(_number(r["current_density [A/m^2]"])) for r in rows]) / _MA_CM2
        k = np.array([_number(r["k_ratio [-]"]) for r in rows])
        hit = np.nonzero(np.nan_to_num(k, nan=-1.0) >= 1.0)[0]
        onset = f": onset {i[hit[0]]:.3g} mA/cm²" if hit.size else ": no onset"
        color = f"C{n % 10}"
        short = label.translate(str.maketrans("", "", "{}'\""))
        ax.plot(i, np.where(k > 0, k, np.nan), label=short + onset, lw=1, color=color)
        if hit.size:
            ax.plot(i[hit[0]], k[hit[0]], "o", color=color, ms=6, mfc="none")
    ax.axhline(1.0, color="k", ls=":", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("|current density| [mA/cm$^2$]")
    ax.set_ylabel("K$_I$ / K$_{IC}$ (o: crack onset)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax


def plot_interface_phase_map(ax, folder, liquid_window=None):
    """Interface x_Na over (time, position) from ``interface_profiles.csv``; contours mark
    the liquidus compositions (the phase boundaries) when ``liquid_window`` is given."""
    path = Path(folder) / "interface_profiles.csv"
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    times = np.unique(data[:, 0])
    coords = np.unique(data[:, 1])
    grid = np.full((times.size, coords.size), np.nan)
    for t, r, x in data:
        grid[np.searchsorted(times, t), np.searchsorted(coords, r)] = x
    if coords.size == 1:  # 1D cell: one point, plot x_Na(t)
        ax.plot(times / 3600, grid[:, 0])
        ax.set_xlabel("time [h]")
        ax.set_ylabel("x$_{Na}$ at the interface")
        return ax
    mesh = ax.pcolormesh(coords * 1e3, times / 3600, grid, shading="nearest", cmap="coolwarm_r")
    ax.figure.colorbar(mesh, ax=ax, label="x$_{Na}$")
    if liquid_window is not None and times.size > 1:
        levels = sorted(v for v in liquid_window if np.isfinite(v))
        if levels and np.nanmin(grid) < max(levels) and np.nanmax(grid) > min(levels):
            ax.contour(coords * 1e3, times / 3600, grid, levels=levels, colors="k",
                       linewidths=0.8)
    ax.set_xlabel("position along the interface [mm]")
    ax.set_ylabel("time [h]")
    return ax


_NOT_OUTPUTS = ("point_id", "status", "error", "wall_time_s")


def _plot_generic_sweep(rows, save) -> None:
    """A sweep of any kind without CCD outputs: every numeric output against each numeric
    swept column, one line per value of the other swept key (up to 4 outputs a figure)."""
    import matplotlib.pyplot as plt

    swept = _swept_columns(rows)
    raw = {c.split(" [")[0] for c in swept}
    outputs = [k for k in rows[0] if k.split(" [")[0] not in _NOT_OUTPUTS and k not in swept
               and k not in raw and (" [" in k or not any(k + " [" in c for c in rows[0]))
               and any(math.isfinite(_number(r.get(k))) for r in rows)]
    if not swept or not outputs:
        return
    per_row = 3
    for x in swept:
        others = [c.split(" [")[0] for c in swept if c != x]
        group = others[0] if others else None
        n_rows = -(-len(outputs) // per_row)
        n_cols = min(per_row, len(outputs))
        fig, axes = plt.subplots(n_rows, n_cols, figsize=(4.6 * n_cols + 1.5, 3.4 * n_rows),
                                 layout="constrained", squeeze=False)
        flat = list(axes.ravel())
        for ax, y in zip(flat, outputs, strict=False):  # every output, not only the first few
            plot_sweep_output(ax, rows, x, y, group, scale=None, y_label=None)
        for ax in flat[len(outputs):]:
            ax.set_visible(False)
        save(fig, f"outputs_vs_{x.split(' [')[0].replace('.', '_')}")


def plot_all(folder, outdir=None, parameters=None, *, pdf: bool = False) -> list[Path]:
    """Write every figure the results folder has data for into ``outdir`` (default
    ``folder/figures``); returns the written paths.  Folders of every study kind work
    (impedance, flaw_size and thermodynamics: :mod:`.kind_plots`); ``pdf``: a vector PDF
    next to every PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .kind_plots import plot_kind_folder
    from .style import publication_style, save_figure

    root = Path(folder)
    outdir = Path(outdir) if outdir else root / "figures"
    written: list[Path] = []

    def save(fig, name):
        outdir.mkdir(parents=True, exist_ok=True)
        name = name if name.endswith(".png") else name + ".png"
        written.extend(save_figure(fig, outdir / name, pdf=pdf, dpi=140))
        plt.close(fig)

    with publication_style():
        if root.is_dir():
            plot_kind_folder(root, save)
        if written and not _has_run_results(root):
            return written
        _plot_run_results(load_study_results(folder), save, written, outdir, parameters)
    return written


def _has_run_results(root: Path) -> bool:
    return any((root / n).is_file() for n in ("ccd_results.csv", "summary.csv", "results.csv")
               ) or any(True for _ in root.rglob("timeseries.csv"))


def _plot_run_results(res, save, written, outdir, parameters) -> None:
    """The figures of ccd / simulation / sweep results (see :func:`plot_all`)."""
    import matplotlib.pyplot as plt

    rows = [r for r in res.rows if r.get("status", "ok") == "ok"]
    if rows and "ccd" in rows[0] and any(math.isfinite(_x_na(r)) for r in rows) and (
            len({_x_na(r) for r in rows}) > 1 or res.kind == "ccd"):
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
        plot_ccd_vs_composition(a1, rows, "ccd")
        plot_ccd_vs_composition(a2, rows, "critical_capacity")
        save(fig, "ccd_vs_composition")
    if res.kind == "sweep" and rows and "ccd" in rows[0]:
        numeric = {c.split(" [")[0]: c for c in _swept_columns(rows)}
        swept = list(dict.fromkeys(c.split(" [")[0] for c in rows[0]
                                   if c.endswith("]") and " [" in c
                                   and rows[0].get(c.split(" [")[0]) != rows[0].get(c)))
        for key in swept:
            others = [k for k in swept if k != key and k in rows[0]]
            group = others[0] if others else None
            fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
            if key in numeric:
                plot_sweep_output(a1, rows, numeric[key], "ccd", group)
                if "critical_capacity" in rows[0]:
                    plot_sweep_output(a2, rows, numeric[key], "critical_capacity", group,
                                      _MAH_CM2, "critical capacity [mAh/cm$^2$]")
            elif key in rows[0]:
                plot_sweep_categories(a1, rows, key, "ccd", group)
                if "critical_capacity" in rows[0]:
                    plot_sweep_categories(a2, rows, key, "critical_capacity", group, _MAH_CM2,
                                          "critical capacity [mAh/cm$^2$]")
            save(fig, f"ccd_vs_{key.replace('.', '_')}")
    if res.kind == "sweep" and rows:  # every output against every swept key
        _plot_generic_sweep(rows, save)
    if res.runs:
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
        plot_voltage_runs(a1, res.runs, "time")
        plot_voltage_runs(a2, res.runs, "capacity")
        save(fig, "voltage.png")
        fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
        plot_voltage_vs_current(ax, res.runs)
        save(fig, "voltage_vs_current.png")
    if any((f / "k_ratio.csv").is_file() for f in res.runs.values()):
        fig, ax = plt.subplots(figsize=(11, 4), layout="constrained")
        plot_k_ratio_vs_current(ax, res.runs)
        save(fig, "k_ratio_vs_current.png")
    window = None
    try:
        from .. import thermo
        from ..parameters import load_parameters

        p = parameters or load_parameters()
        window = thermo.liquid_window(p.temperature, p)
    except Exception:  # noqa: BLE001 - the contours are optional decoration
        window = None
    for label, run_dir in res.runs.items():
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in label.replace("=", "-"))
        if read_drt_series(run_dir) is not None:
            fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
            x_label = ("time [h]" if (res.kind == "simulation" or "time" in label)
                       else "current density [mA/cm$^2$]")
            plot_operando_drt(ax, run_dir, x_label=x_label)
            ax.set_title(label)
            save(fig, f"drt_{safe}.png")
        if (run_dir / "rest_recovery.csv").is_file():  # a simulation run with a rest
            from .rest_recovery import write_rest_recovery

            written += [p for p in write_rest_recovery(
                run_dir, Path(outdir) / f"rest_recovery_{safe}", label) if p.suffix == ".png"]
        if (run_dir / "interface_profiles.csv").is_file():
            fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
            plot_interface_phase_map(ax, run_dir, window)
            ax.set_title(label)
            save(fig, f"interface_map_{safe}.png")
    return None
