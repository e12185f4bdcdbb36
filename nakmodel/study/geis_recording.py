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


@dataclass
class GEISRecorder:
    """Observer (``problem, t, result``; :meth:`Simulation.add_observer`): operando GEIS
    spectra of the linearised FE model (:func:`nakmodel.impedance.impedance`,
    Z = e_V^T (iωM + J)^-1 e_I) at chosen ``times`` [s] (the stepper lands on them when
    they are passed as ``profile_times``).
    ``labels`` holds one x value per time (e.g. the DC current density)."""

    times: tuple
    frequencies: object
    parameters: object
    labels: tuple = ()
    spectra: list = None
    recorded: list = None

    def __post_init__(self):
        self.spectra, self.recorded, self.skipped = [], [], {}

    def __call__(self, problem, t, result):
        from ..impedance import impedance

        for k, target in enumerate(self.times):
            if (k in self.recorded or k in self.skipped
                    or abs(t - target) > 1e-9 * max(1.0, target)):
                continue
            try:
                spec = impedance(problem, self.parameters, self.frequencies)
            except ParameterError as err:  # e.g. a fully blocked (solid) interface: Z = inf
                self.skipped[k] = str(err)
                result.info.setdefault("geis_skipped", {})[float(target)] = str(err)
                continue
            self.spectra.append(spec)
            self.recorded.append(k)


def geis_frequencies(f_max: float, f_min: float, per_decade: int):
    """Log-spaced frequencies [Hz], ``per_decade`` points per decade, high to low."""
    import numpy as np

    n = max(2, int(round(np.log10(f_max / f_min) * per_decade)) + 1)
    return np.logspace(np.log10(f_max), np.log10(f_min), n)


def write_geis_outputs(recorder: GEISRecorder, folder: Path, x, x_label: str, stem="geis"):
    """Spectra CSVs, DRT of each, a DRT heat map over ``x`` and a Nyquist plot; returns
    (written paths, rows of peak summaries)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..drt import compute
    from ..drt.series import drt_series, plot_drt_heatmap

    written, rows = [], []
    if not recorder.spectra:
        return written, rows
    folder.mkdir(parents=True, exist_ok=True)
    xs = [x[k] for k in recorder.recorded]
    for xk, spec in zip(xs, recorder.spectra, strict=True):
        tag = f"{stem}_{xk:.6g}"
        written.append(spec.to_csv(folder / f"{tag}.csv"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            drt = compute(spec)
        written.append(drt.to_csv(folder / f"{tag}_drt.csv"))
        peaks = sorted(drt.peaks(), key=lambda p: -p.R)
        main = peaks[0] if peaks else None
        rows.append({"x": xk, "R_total_ohm": float(spec.real[-1] if spec.frequency[-1] <
                                                    spec.frequency[0] else spec.real[0]),
                     "n_peaks": len(peaks),
                     "peak_tau_s": main.tau if main else float("nan"),
                     "peak_R_ohm": main.R if main else float("nan"),
                     "peaks": ";".join(f"{p.tau:.3g}s:{p.R:.4g}ohm" for p in peaks),
                     "drt_warnings": " | ".join(str(w.message)[:80] for w in caught)})
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    from ..plotting.style import curve_colors, legend_outside

    colors = curve_colors(len(xs))
    for xk, spec, color in zip(xs, recorder.spectra, colors, strict=True):
        spec.plot_nyquist(ax1, unit="ohm cm2" if spec.area else None, color=color,
                          label=f"{x_label} = {xk:.4g}")
    legend_outside(ax1)
    if len(recorder.spectra) > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # λ warnings are recorded per spectrum above
            series = drt_series(recorder.spectra, xs, x_label=x_label)
        plot_drt_heatmap(ax2, series)
    else:
        compute(recorder.spectra[0]).plot(ax2)
    written.append(atomic_savefig(fig, folder / f"{stem}_drt.png", dpi=130))
    plt.close(fig)
    return written, rows


def geis_peak_units(x_unit: str) -> dict:
    """Units of the ``geis_peaks.csv`` columns (``x`` in ``x_unit``: h or mA/cm^2)."""
    return {"x": x_unit, "R_total_ohm": "ohm", "n_peaks": "-", "peak_tau_s": "s",
            "peak_R_ohm": "ohm", "peaks": None, "drt_warnings": None}
