"""Operando GEIS of a run: the frequency options of a study, the observer that records the
spectra of the linearised FE model at chosen times (:class:`GEISRecorder`) and their
outputs (spectra and DRT CSVs, the DRT map and Nyquist plot, the ``geis_peaks.csv`` units).
Used by the ``simulation`` and ``ccd`` studies.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ..atomic_write import atomic_savefig
from ..errors import InputProblem, ParameterError
from ..units import to_si


def parse_geis(table, prefix, problems) -> tuple:
    """(f_max, f_min, points per decade) of the GEIS options (defaults 1 MHz, 10 mHz, 6)."""
    values = []
    for name, default in (("geis_frequency_max", 1e6), ("geis_frequency_min", 1e-2)):
        try:
            values.append(to_si(table.get(name, default), "Hz", f"{prefix}.{name}"))
        except ParameterError as err:
            problems.extend(err.problems)
            values.append(default)
    f_max, f_min = values
    if not 0 < f_min < f_max <= 1e9:
        problems.append(InputProblem(f"{prefix}.geis_frequency_min",
                                     "need 0 < f_min < f_max <= 1 GHz",
                                     (f_min, f_max), "frequencies in Hz"))
    n = table.get("geis_points_per_decade", 6)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 50:
        problems.append(InputProblem(f"{prefix}.geis_points_per_decade", "out of range", n,
                                     "an integer in [1, 50]"))
        n = 6
    return f_max, f_min, n


BAND_EXPECTED = ("two time constants [tau_min, tau_max] in s with 0 < tau_min < tau_max "
                 "<= 1e6 s, e.g. ['1 us', '1 ms']")


def parse_geis_band(table, prefix, problems) -> tuple | None:
    """Option ``geis_peak_band = ["1 us", "1 ms"]``: the τ band [s] in which the
    ``band_peak_*`` columns of ``geis_peaks.csv`` report the largest DRT peak
    (:func:`nakmodel.drt.largest_in_band`); None when not given."""
    key = f"{prefix}.geis_peak_band"
    raw = table.get("geis_peak_band")
    if raw is None:
        return None
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        problems.append(InputProblem(key, "must be a list of two time constants", raw,
                                     BAND_EXPECTED))
        return None
    try:
        lo, hi = (to_si(v, "s", key) for v in raw)
    except ParameterError as err:
        problems.extend(err.problems)
        return None
    if not 0 < lo < hi <= 1e6:
        problems.append(InputProblem(key, "out of range", raw, BAND_EXPECTED))
        return None
    return lo, hi


def parse_geis_interval(table, prefix, hold: float, has_levels: bool, problems) -> float:
    """Option ``geis_interval`` [s] of the ccd kind: spectra every interval within each GEIS
    level (0: only at the level end); in [hold/1000, hold] and only with ``geis_currents``."""
    key, raw = f"{prefix}.geis_interval", table.get("geis_interval")
    if raw is None:
        return 0.0
    try:
        value = to_si(raw, "s", key)
    except ParameterError as err:
        problems.extend(err.problems)
        return 0.0
    if not hold / 1000 * (1 - 1e-12) <= value <= hold * (1 + 1e-12):
        problems.append(InputProblem(key, "out of range", raw, f"a duration in [hold/1000, hold] "
                                     f"= [{hold / 1000:.4g}, {hold:.4g}] s"))
        return 0.0
    if not has_levels:
        problems.append(InputProblem(key, "needs geis_currents", raw, "the levels to measure "
                                     "within, e.g. geis_currents = ['1 mA/cm2', '2 mA/cm2']"))
    return value


LEVEL_END = 1 - 1e-6
"""The level-end spectrum is taken at LEVEL_END x hold into the level: the row AT the level
boundary is the first backward-Euler step solved with the next level's current (the
control is evaluated at the step's end), so it is not the end of this level."""


def level_schedule(starts, hold: float, interval: float) -> list[tuple[float, float]]:
    """(time [s], time within the level [s]) of the spectra of levels starting at
    ``starts``: every ``interval`` after the start (0 < j·interval < hold) and at the
    level end (:data:`LEVEL_END` x ``hold``); ``interval`` 0: the level ends only."""
    end = hold * LEVEL_END
    out = []
    for start in starts:
        within = []
        if interval > 0:
            within = [j * interval for j in range(1, int(hold / interval + 1e-9) + 1)
                      if j * interval < end * (1 - 1e-9)]
        out += [(start + w, w) for w in [*within, end]]
    return out


@dataclass
class GEISRecorder:
    """Observer (``problem, t, result``; :meth:`Simulation.add_observer`): operando GEIS
    spectra of the linearised FE model (:func:`nakmodel.impedance.impedance`,
    Z = e_V^T (iωM + J)^-1 e_I) at chosen ``times`` [s] (the stepper lands on them when
    they are passed as ``profile_times``).
    ``labels`` holds one x value per time (e.g. the DC current density); ``states`` one
    dict per recorded spectrum: time ``t_s`` [s], cell ``voltage_V`` and the interface's
    ``active_fraction`` (Na-transferring area / nominal area) at that moment."""

    times: tuple
    frequencies: object
    parameters: object
    labels: tuple = ()
    spectra: list = None
    recorded: list = None

    def __post_init__(self):
        self.spectra, self.recorded, self.skipped, self.states = [], [], {}, []
        self._order = sorted(range(len(self.times)), key=lambda k: self.times[k])
        self._sorted = [self.times[k] for k in self._order]  # bisected at every step
        self._done = set()

    def __call__(self, problem, t, result):
        from bisect import bisect_left, bisect_right

        from ..impedance import impedance

        tol = 1e-9 * max(1.0, abs(t))
        for j in range(bisect_left(self._sorted, t - tol), bisect_right(self._sorted, t + tol)):
            k = self._order[j]
            if k in self._done or k in self.skipped:
                continue
            try:
                spec = impedance(problem, self.parameters, self.frequencies)
            except ParameterError as err:  # e.g. a fully blocked (solid) interface: Z = inf
                self.skipped[k] = str(err)
                result.info.setdefault("geis_skipped", {})[float(self.times[k])] = str(err)
                continue
            self.spectra.append(spec)
            self.recorded.append(k)
            self._done.add(k)
            self.states.append({"t_s": float(t), **_state(result)})


def _state(result) -> dict:
    """Cell voltage [V] and active interface fraction [-] of the latest result row."""
    out = {}
    for name, column in (("voltage_V", "voltage"), ("active_fraction", "active_fraction")):
        values = getattr(result, "rows", {}).get(column) or [float("nan")]
        out[name] = float(values[-1])
    return out


def geis_frequencies(f_max: float, f_min: float, per_decade: int):
    """Log-spaced frequencies [Hz], ``per_decade`` points per decade, high to low."""
    import numpy as np

    n = max(2, int(round(np.log10(f_max / f_min) * per_decade)) + 1)
    return np.logspace(np.log10(f_max), np.log10(f_min), n)


def write_geis_outputs(recorder: GEISRecorder, folder: Path, x, x_label: str, stem="geis",
                       band=None, extra=None):
    """Spectra CSVs, DRT of each, a DRT heat map over ``x`` and a Nyquist plot; returns
    (written paths, rows of peak summaries).  ``x`` and ``extra`` (optional dicts of more
    columns) hold one entry per time of the recorder.  A row's ``peak_*`` is the largest
    DRT peak, ``band_peak_*`` the largest one with τ in ``band`` = (τ_min, τ_max) [s]
    (NaN without a band or a peak in it) and ``band_R_ohm`` = ∫ γ d ln τ over the band
    (:func:`nakmodel.drt.band_resistance`).  When several spectra share an ``x`` (spectra
    within a level) the files are tagged by the time too and the heat map runs over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..drt import compute
    from ..drt.peaks import band_resistance, largest_in_band
    from ..drt.series import drt_series, plot_drt_heatmap

    written, rows = [], []
    if not recorder.spectra:
        return written, rows
    folder.mkdir(parents=True, exist_ok=True)
    xs = [x[k] for k in recorder.recorded]
    times = [st["t_s"] for st in recorder.states]
    repeated = len(set(xs)) < len(xs)
    nan = float("nan")
    for n, (k, xk, spec) in enumerate(zip(recorder.recorded, xs, recorder.spectra, strict=True)):
        tag = f"{stem}_{xk:.6g}" + (f"_t{times[n]:.6g}s" if repeated else "")
        written.append(spec.to_csv(folder / f"{tag}.csv"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            drt = compute(spec)
        written.append(drt.to_csv(folder / f"{tag}_drt.csv"))
        peaks = sorted(drt.peaks(), key=lambda p: -p.R)
        main = peaks[0] if peaks else None
        chosen = largest_in_band(peaks, *band) if band else None
        rows.append({"x": xk, **(extra[k] if extra else {}), **recorder.states[n],
                     "R_total_ohm": float(spec.real[-1] if spec.frequency[-1] <
                                          spec.frequency[0] else spec.real[0]),
                     "n_peaks": len(peaks),
                     "peak_tau_s": main.tau if main else nan,
                     "peak_R_ohm": main.R if main else nan,
                     "band_peak_tau_s": chosen.tau if chosen else nan,
                     "band_peak_R_ohm": chosen.R if chosen else nan,
                     "band_R_ohm": band_resistance(drt.tau, drt.gamma, *band) if band else nan,
                     "peaks": ";".join(f"{p.tau:.3g}s:{p.R:.4g}ohm" for p in peaks),
                     "drt_warnings": " | ".join(str(w.message)[:80] for w in caught)})
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    from ..plotting.style import curve_colors, legend_outside

    shown = range(len(xs))
    if repeated and len(xs) > 10:  # at most 10 Nyquist curves, the last one included
        shown = sorted({round(j * (len(xs) - 1) / 9) for j in range(10)})
    colors = curve_colors(len(shown))
    for j, color in zip(shown, colors, strict=True):
        label = f"{x_label} = {xs[j]:.4g}" + (f", t = {times[j]:.5g} s" if repeated else "")
        recorder.spectra[j].plot_nyquist(ax1, unit="ohm cm2" if recorder.spectra[j].area
                                         else None, color=color, label=label)
    legend_outside(ax1)
    if len(recorder.spectra) > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # λ warnings are recorded per spectrum above
            series = (drt_series(recorder.spectra, [t / 60 for t in times],
                                 x_label="time [min]") if repeated else
                      drt_series(recorder.spectra, xs, x_label=x_label))
        plot_drt_heatmap(ax2, series)
    else:
        compute(recorder.spectra[0]).plot(ax2)
    written.append(atomic_savefig(fig, folder / f"{stem}_drt.png", dpi=130))
    plt.close(fig)
    return written, rows


def geis_peak_units(x_unit: str) -> dict:
    """Units of the ``geis_peaks.csv`` columns (``x`` in ``x_unit``: h or mA/cm^2)."""
    return {"x": x_unit, "t_in_level_s": "s", "t_s": "s", "voltage_V": "V",
            "active_fraction": "-", "R_total_ohm": "ohm", "n_peaks": "-", "peak_tau_s": "s",
            "peak_R_ohm": "ohm", "band_peak_tau_s": "s", "band_peak_R_ohm": "ohm",
            "band_R_ohm": "ohm",
            "peaks": None, "drt_warnings": None}
