"""DRTs of an operando series (spectra taken at several currents, times, capacities).

All spectra are inverted on one τ grid with one λ so that changes of γ along the series
are changes of the data: with an automatic criterion λ is chosen on every spectrum and
the median of those values is used for all (``lam`` may also be a number).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, Problem
from .inversion import DEFAULT_LAMBDA, DRT, compute, spectrum_arrays


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


def drt_series(spectra, x=None, lam: float | str = DEFAULT_LAMBDA, x_label: str = "x",
               **options) -> DRTSeries:
    """Invert every spectrum of ``spectra`` alike (same τ grid and λ)."""
    spectra = list(spectra)
    if not spectra:
        raise ParameterError(Problem("spectra", "is empty", 0, "at least one spectrum"))
    x = np.arange(len(spectra), dtype=float) if x is None else np.asarray(x, dtype=float)
    if x.size != len(spectra):
        raise ParameterError(Problem("x", f"has {x.size} values for {len(spectra)} spectra",
                                     x.size, "one value per spectrum"))
    freqs = [spectrum_arrays(s)[0] for s in spectra]
    fmin = min(f.min() for f in freqs)
    fmax = max(f.max() for f in freqs)
    n = max(f.size for f in freqs)
    tau = options.pop("tau", None)
    if tau is None:
        tau = np.logspace(np.log10(1 / (2 * np.pi * fmax)), np.log10(1 / (2 * np.pi * fmin)), n)
    if isinstance(lam, str):
        lams = [compute(s, lam=lam, tau=tau, **options).lam for s in spectra]
        lam_value = float(np.median(lams))
    else:
        lam_value = float(lam)
    drts = [compute(s, lam=lam_value, tau=tau, **options) for s in spectra]
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
