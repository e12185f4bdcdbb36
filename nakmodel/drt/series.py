"""DRTs of an operando series (spectra taken at several currents, times, capacities).

All spectra are inverted on one τ grid with one λ so that changes of γ along the series
are changes of the data: with an automatic criterion λ is chosen on every spectrum and
the median of those values is used for all (``lam`` may also be a number).  The settings
are those of :func:`~nakmodel.drt.compute` (:data:`~nakmodel.drt.DEFAULT_SETTINGS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputProblem, ParameterError
from .inversion import DRT, compute, spectrum_arrays
from .settings import DRTSettings, resolve


@dataclass
class DRTSeries:
    """``x`` (one value per spectrum, e.g. current density), ``tau`` [s] the common
    output grid, ``gamma`` [Ω] of shape (len(x), len(tau)), the individual ``drts``."""

    x: np.ndarray
    tau: np.ndarray
    gamma: np.ndarray
    drts: list[DRT]
    lam: float
    x_label: str = "x"


def drt_series(spectra, x=None, lam: float | str | None = None, x_label: str = "x",
               settings: DRTSettings | None = None, **options) -> DRTSeries:
    """Invert every spectrum of ``spectra`` alike (same τ grid and λ).

    ``settings``/``options`` as for :func:`~nakmodel.drt.compute` (default
    :data:`~nakmodel.drt.DEFAULT_SETTINGS`); the τ grid spans all spectra's frequencies,
    extended like a single spectrum's.  With an automatic λ a choice at a bound raises a
    :class:`~nakmodel.drt.LambdaBoundWarning` (from that spectrum's inversion)."""
    spectra = list(spectra)
    if not spectra:
        raise ParameterError(InputProblem("spectra", "is empty", 0, "at least one spectrum"))
    x = np.arange(len(spectra), dtype=float) if x is None else np.asarray(x, dtype=float)
    if x.size != len(spectra):
        raise ParameterError(InputProblem("x", f"has {x.size} values for {len(spectra)} spectra",
                                          x.size, "one value per spectrum"))
    tau = options.pop("tau", None)
    s = resolve(settings, lam=lam, **options)
    freqs = [spectrum_arrays(sp)[0] for sp in spectra]
    fmin = min(f.min() for f in freqs)
    fmax = max(f.max() for f in freqs)
    n = max(f.size for f in freqs)
    if tau is None:
        lo, hi = np.log10(1 / (2 * np.pi * fmax)), np.log10(1 / (2 * np.pi * fmin))
        step = (hi - lo) / max(n - 1, 1)
        short, long_ = s.extension
        lo -= step * np.ceil(short / step) if short > 0 else 0.0
        hi += step * np.ceil(long_ / step) if long_ > 0 else 0.0
        tau = np.logspace(lo, hi, int(round((hi - lo) / step)) + 1)
    if isinstance(s.lam, str):
        lams = [compute(sp, s, tau=tau).lam for sp in spectra]
        lam_value = float(np.median(lams))
    else:
        lam_value = float(s.lam)
    fixed = s.replace(lam=lam_value)
    drts = [compute(sp, fixed, tau=tau) for sp in spectra]
    grid = drts[0].tau
    gamma = np.vstack([d.gamma_at(grid) for d in drts])
    return DRTSeries(x, grid, gamma, drts, lam_value, x_label)


def plot_drt_heatmap(ax, series: DRTSeries, cmap: str = "viridis", colorbar: bool = True):
    """γ as colour over (x, τ): one column per spectrum of the series."""
    mesh = ax.pcolormesh(series.x, series.tau, series.gamma.T, cmap=cmap, shading="nearest")
    ax.set_yscale("log")
    ax.set_xlabel(series.x_label)
    ax.set_ylabel("τ / s")
    if colorbar:
        ax.figure.colorbar(mesh, ax=ax, label="γ / Ω")
    return ax
