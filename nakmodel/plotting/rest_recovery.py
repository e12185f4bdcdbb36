"""Operando DRT of a run that passes current and then rests: how much of the interface
change made by the current is undone at rest.  Reads only saved results of a run folder
(``timeseries.csv``, ``geis_peaks.csv``, ``geis_<t>_drt.csv`` written by the ``simulation``
study kind with ``geis_times``), so it works on old results and in ``nakmodel plot``.

Phases, from the saved current density: *pristine* (spectra before any current), *charge*
(spectra while current flows, up to and including the end of the last current step) and
*rest* (spectra after it, at zero current).  The interface DRT peak (largest peak,
``peak_R_ohm``) defines the interface conductance G = 1/R.

Recovered fraction (of the change made by the current, undone at rest)::

    recovered = (G_rest,start - G_rest,end) / (G_rest,start - G_0)

with G_0 = 1/R of the pristine spectrum, or G_0 = 0 when there is none (in the model a
pristine solid-K interface is fully blocked - no liquid, no Na+ exchange: Z infinite, the
spectrum is skipped; request a GEIS time 0 to use a finite pristine spectrum).
Conductance, not resistance, because the interface conductance is proportional to the
active (liquid) area; with G_0 = 0 the recovered fraction is 1 - R_rest,start / R_rest,end:
0 = nothing recovered, 1 = back to the blocked pristine state.
The rest start is the first spectrum at zero current (the last charge spectrum is under DC
bias, which lowers the differential resistance by itself; ``bias_ratio`` reports it): put a
GEIS time just after the current stops (e.g. one minute), otherwise the recovery before the
first rest spectrum is not counted.
The same fraction is given for the interface liquid fraction (lever rule, from the time
series): (f_L,end of charge - f_L,end of rest) / (f_L,end of charge - f_L,0).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic_write import atomic_savefig, atomic_write_text
from ..constants import C_M2_PER_MAH_CM2 as _MAH_CM2
from ..errors import InputProblem, ParameterError
from .study_results import _read_rows, read_drt_series


@dataclass(frozen=True)
class RestRecovery:
    """Interface DRT peak over a charge-then-rest run (SI; times in s)."""

    times: np.ndarray
    """Times of the recorded spectra [s]."""
    peak_r: np.ndarray
    """Interface (largest) DRT peak R of each spectrum [ohm]."""
    peak_tau: np.ndarray
    """Its relaxation time [s]."""
    phase: tuple
    """'pristine' | 'charge' | 'rest' per spectrum."""
    charge_capacity: np.ndarray
    """|capacity| passed up to each spectrum [C/m^2] (plated or stripped)."""
    end_of_charge: float
    """Time the last current step ends [s]."""
    liquid_fraction: tuple
    """Interface liquid fraction (mean) at (start, end of charge, end of run) [-]."""
    liquid_fraction_max: float
    """Largest interface-mean liquid fraction while current flows [-]."""

    def _phase_r(self, phase):
        return [r for r, p in zip(self.peak_r, self.phase, strict=True) if p == phase]

    @property
    def pristine_conductance(self) -> float:
        """G_0 [S]: 1/R of the pristine spectrum, 0 if none (blocked solid interface)."""
        r = self._phase_r("pristine")
        return 1.0 / r[0] if r else 0.0

    @property
    def fall_ratio(self) -> float:
        """R at the end of charge / R of the first charge spectrum (< 1: the peak falls)."""
        r = self._phase_r("charge")
        return r[-1] / r[0] if len(r) >= 2 else math.nan

    @property
    def bias_ratio(self) -> float:
        """R at the rest start (zero current) / R at the end of charge (DC bias): the bias
        effect when the first rest spectrum follows the end of charge closely."""
        rc, rr = self._phase_r("charge"), self._phase_r("rest")
        return rr[0] / rc[-1] if rc and rr else math.nan

    @property
    def recovered_fraction(self) -> float:
        """(G_rest,start - G_rest,end) / (G_rest,start - G_0) (module docstring)."""
        r = self._phase_r("rest")
        if len(r) < 2:
            return math.nan
        g_start, g_end, g0 = 1.0 / r[0], 1.0 / r[-1], self.pristine_conductance
        return (g_start - g_end) / (g_start - g0) if g_start != g0 else math.nan

    @property
    def recovered_liquid_fraction(self) -> float:
        """(f_L,end of charge - f_L,end) / (f_L,end of charge - f_L,0)."""
        f0, fc, fe = self.liquid_fraction
        return (fc - fe) / (fc - f0) if fc != f0 else math.nan

    @property
    def rest_window(self) -> tuple:
        """(first, last) time of the rest spectra [s] (NaN if fewer than two)."""
        s = [t for t, p in zip(self.times, self.phase, strict=True) if p == "rest"]
        return (float(s[0]), float(s[-1])) if len(s) >= 2 else (math.nan, math.nan)

    def summary(self) -> dict:
        """Scalars for tables (SI; capacities in C/m^2)."""
        return {"fall_ratio": self.fall_ratio, "bias_ratio": self.bias_ratio,
                "recovered_fraction": self.recovered_fraction,
                "recovered_liquid_fraction": self.recovered_liquid_fraction,
                "liquid_fraction_end_of_charge": self.liquid_fraction[1],
                "liquid_fraction_end": self.liquid_fraction[2],
                "liquid_fraction_max": self.liquid_fraction_max,
                "charge_capacity": float(self.charge_capacity.max(initial=0.0)),
                "end_of_charge": self.end_of_charge, "rest_start": self.rest_window[0],
                "rest_end": self.rest_window[1]}


def _rows(path: Path) -> list[dict]:
    return _read_rows(path)  # "name [unit]" columns reachable by their bare name too


def _timeseries(folder: Path) -> dict:
    with open(folder / "timeseries.csv") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    header = [h.split(" [")[0].strip() for h in lines[0].strip().split(",")]
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2) if len(lines) > 1 else np.zeros(
        (0, len(header)))
    return {name: data[:, k] for k, name in enumerate(header)}


def is_charge_then_rest(folder) -> bool:
    """True if ``folder`` holds a run with GEIS peaks whose current stops before its end."""
    folder = Path(folder)
    if not ((folder / "timeseries.csv").is_file() and (folder / "geis_peaks.csv").is_file()):
        return False
    ts = _timeseries(folder)
    on = _flowing(ts.get("current_density", np.zeros(0)))
    return on.size > 0 and on[-1] < ts["time"].size - 1


def _flowing(current):
    """Indices of rows where current flows (|i| above 1e-6 of its maximum: the rest
    current of the saved time series is zero to the solver tolerance, not exactly)."""
    i = np.abs(np.asarray(current, dtype=float))
    return np.flatnonzero(i > 1e-6 * i.max()) if i.size and i.max() > 0 else np.zeros(0, int)


def read_rest_recovery(folder) -> RestRecovery:
    """:class:`RestRecovery` of a saved run folder (``time [h]`` GEIS labels, as written by
    the ``simulation`` study kind).  Raises ParameterError if the folder has no such run."""
    folder = Path(folder)
    if not is_charge_then_rest(folder):
        raise ParameterError(InputProblem(
            "folder", "no charge-then-rest run with operando GEIS here", str(folder),
            "a run folder with timeseries.csv (current, then a rest) and geis_peaks.csv"))
    ts = _timeseries(folder)
    t = ts["time"]
    on = _flowing(ts["current_density"])
    t_start, t_end = float(t[on[0] - 1] if on[0] > 0 else t[0]), float(t[on[-1]])
    dq = np.diff(ts["capacity"], prepend=ts["capacity"][0])
    charged = np.cumsum(np.abs(dq))
    rows = _rows(folder / "geis_peaks.csv")
    times = np.array([float(r["x"]) * 3600.0 for r in rows])
    order = np.argsort(times)
    times = times[order]
    peak_r = np.array([float(r["peak_R_ohm"]) for r in rows])[order]
    peak_tau = np.array([float(r["peak_tau_s"]) for r in rows])[order]
    tol = 1e-6 * max(t_end, 1.0)
    phase = tuple("pristine" if s <= t_start + tol and s < t[on[0]] - tol else
                  "charge" if s <= t_end + tol else "rest" for s in times)
    fl = np.maximum(ts["liquid_fraction_interface"], 0.0)  # smoothed lever rule dips < 0
    k_end = int(on[-1])
    flowing = slice(int(on[0]), k_end + 1)
    return RestRecovery(times=times, peak_r=peak_r, peak_tau=peak_tau, phase=phase,
                        charge_capacity=np.interp(times, t, charged), end_of_charge=t_end,
                        liquid_fraction=(float(fl[0]), float(fl[k_end]), float(fl[-1])),
                        liquid_fraction_max=float(np.max(fl[flowing])))


def plot_peak_vs_time(ax, rec: RestRecovery):
    """Interface DRT peak R vs time [h], charge and rest marked; returns ``ax``."""
    colours = {"pristine": "k", "charge": "tab:red", "rest": "tab:blue"}
    for name in ("pristine", "charge", "rest"):
        sel = [k for k, p in enumerate(rec.phase) if p == name]
        if sel:
            ax.plot(rec.times[sel] / 3600, rec.peak_r[sel], "o-", color=colours[name],
                    label=name)
    ax.axvline(rec.end_of_charge / 3600, color="0.5", ls=":", lw=0.8)
    ax.set_xlabel("time [h]")
    ax.set_ylabel("interface DRT peak R [Ω]")
    ax.set_title(f"recovered at rest: {rec.recovered_fraction:.3f} (peak conductance), "
                 f"{rec.recovered_liquid_fraction:.3f} (liquid)", fontsize=9)
    ax.legend(fontsize=7)
    return ax


def plot_drt_map(ax, folder, rec: RestRecovery):
    """DRT γ(τ) heat map over time with the charge capacity [mAh/cm²] on a top axis."""
    series = read_drt_series(folder)
    if series is None:
        return ax
    x, tau, gamma = series
    mesh = ax.pcolormesh(x, tau, gamma.T, shading="nearest", cmap="viridis")
    ax.set_yscale("log")
    ax.set_xlabel("time [h]")
    ax.set_ylabel("τ [s]")
    ax.axvline(rec.end_of_charge / 3600, color="w", ls=":", lw=0.8)
    ax.figure.colorbar(mesh, ax=ax, label="γ [Ω]")
    top = ax.secondary_xaxis("top")
    ticks, labels, last = [], [], -np.inf
    span = max(float(np.ptp(rec.times)), 1.0) / 3600
    for t, q in zip(rec.times / 3600, rec.charge_capacity, strict=True):
        if t - last >= 0.04 * span:  # skip labels that would overlap
            ticks.append(t)
            labels.append(f"{q / _MAH_CM2:.2g}")
            last = t
    top.set_ticks(ticks, labels=labels, fontsize=7)
    top.set_xlabel("capacity passed [mAh/cm$^2$]", fontsize=8)
    return ax


def write_rest_recovery(folder, outdir=None, title: str = "") -> list[Path]:
    """``rest_recovery.csv`` (one row per spectrum), ``rest_recovery.md`` (the recovered
    fractions) and ``rest_recovery.png`` (DRT map + peak R vs time) into ``outdir``
    (default: the run folder).  Nothing is written for a run without a rest."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    if not is_charge_then_rest(folder):
        return []
    outdir = Path(outdir) if outdir else folder
    outdir.mkdir(parents=True, exist_ok=True)
    rec = read_rest_recovery(folder)
    buffer = io.StringIO()
    buffer.write("time [s],phase,capacity passed [C/m^2],peak R [ohm],peak tau [s]\n")
    for k, s in enumerate(rec.times):
        buffer.write(f"{s:.10g},{rec.phase[k]},{rec.charge_capacity[k]:.10g},"
                     f"{rec.peak_r[k]:.10g},{rec.peak_tau[k]:.10g}\n")
    written = [atomic_write_text(outdir / "rest_recovery.csv", buffer.getvalue())]
    s = rec.summary()
    g0 = ("1/R of the pristine spectrum" if "pristine" in rec.phase else
          "0: no pristine spectrum (a solid K interface is blocked in the model, Z infinite)")
    lines = [f"# Interface DRT peak during current and rest{': ' + title if title else ''}", "",
             f"- capacity passed: {s['charge_capacity'] / _MAH_CM2:.3f} mAh/cm², current "
             f"stops at {rec.end_of_charge / 3600:.3g} h",
             f"- peak R end of charge / first charge spectrum: {s['fall_ratio']:.3f} "
             "(< 1: falls while current flows)",
             f"- peak R rest start (0 A) / end of charge (DC bias): {s['bias_ratio']:.3f}",
             f"- **recovered fraction at rest (peak conductance): "
             f"{s['recovered_fraction']:.3f}** (G_0 = {g0}; rest spectra from "
             f"{s['rest_start'] / 3600:.3g} h to {s['rest_end'] / 3600:.3g} h)",
             f"- recovered fraction of the interface liquid: "
             f"{s['recovered_liquid_fraction']:.3f} (liquid fraction {rec.liquid_fraction[0]:.3f}"
             f" -> {rec.liquid_fraction[1]:.3f} at the end of charge -> "
             f"{rec.liquid_fraction[2]:.3f} at the end)", ""]
    written.append(atomic_write_text(outdir / "rest_recovery.md", "\n".join(lines)))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    plot_drt_map(ax1, folder, rec)
    plot_peak_vs_time(ax2, rec)
    if title:
        fig.suptitle(title)
    written.append(atomic_savefig(fig, outdir / "rest_recovery.png", dpi=130))
    plt.close(fig)
    return written
