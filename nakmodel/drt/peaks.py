"""Peaks of a DRT: position, resistance, width; deconvolution into Gaussians in ln τ.

A peak's resistance is the integral of γ over its *basin*: the ln τ interval between the
minima of γ that separate it from its neighbours (or the ends of the grid),
R_k = ∫_basin γ d ln τ, so that Σ R_k = ∫ γ d ln τ = R_pol.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import find_peaks as _scipy_find_peaks
from scipy.signal import peak_widths


@dataclass(frozen=True)
class Peak:
    """One DRT peak: ``tau`` [s] of the maximum, ``frequency`` = 1/(2πτ) [Hz],
    ``R`` (integral over the basin) and ``height`` (γ at the maximum) in ``unit``: Ω for
    the DRT of an absolute spectrum, Ω m² for an area-specific one; ``fwhm`` full width at
    half maximum in ln τ, ``basin`` (τ_low, τ_high) [s]; ``extrapolated`` True when the
    maximum lies outside the measured τ window (only its tail is measured)."""

    tau: float
    frequency: float
    R: float
    fwhm: float
    height: float
    basin: tuple[float, float] = (0.0, 0.0)
    extrapolated: bool = False
    unit: str = "ohm"

    @property
    def capacitance(self) -> float:
        """C = τ/R of the equivalent RC element: [F], or [F/m^2] when ``unit`` is Ω m²."""
        return self.tau / self.R if self.R > 0 else float("nan")


def _trapezoid(y, x):
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def _refine_maximum(y: np.ndarray, g: np.ndarray, i: int) -> tuple[float, float]:
    """Parabolic interpolation of the maximum through the three points around ``i``."""
    if 0 < i < g.size - 1:
        g0, g1, g2 = g[i - 1], g[i], g[i + 1]
        denom = g0 - 2 * g1 + g2
        if denom < 0:
            d = 0.5 * (g0 - g2) / denom
            h = y[i + 1] - y[i] if d >= 0 else y[i] - y[i - 1]
            return y[i] + d * h, g1 - 0.25 * (g0 - g2) * d
    return y[i], g[i]


def find_peaks(tau, gamma, prominence: float = 0.01) -> list[Peak]:
    """Local maxima of ``gamma`` over ``tau`` (log grid) with prominence above
    ``prominence`` × max γ, sorted by τ.  Basins end at the lowest point between peaks."""
    tau = np.asarray(tau, dtype=float)
    gamma = np.asarray(gamma, dtype=float)
    order = np.argsort(tau)
    tau, gamma = tau[order], gamma[order]
    y = np.log(tau)
    top = float(np.max(gamma)) if gamma.size else 0.0
    if top <= 0:
        return []
    padded = np.concatenate([[0.0], gamma, [0.0]])  # maxima at the grid ends count too
    idx, _ = _scipy_find_peaks(padded, prominence=prominence * top)
    idx = idx - 1
    if idx.size == 0:
        return []
    widths = peak_widths(padded, idx + 1, rel_height=0.5)[0]
    spacing = np.mean(np.diff(y))
    bounds = [0]
    for a, b in zip(idx[:-1], idx[1:], strict=True):
        bounds.append(a + int(np.argmin(gamma[a:b + 1])))
    bounds.append(gamma.size - 1)
    peaks = []
    for k, i in enumerate(idx):
        lo, hi = bounds[k], bounds[k + 1]
        resistance = _trapezoid(gamma[lo:hi + 1], y[lo:hi + 1])
        y_max, g_max = _refine_maximum(y, gamma, i)
        peaks.append(Peak(tau=float(np.exp(y_max)), frequency=float(1 / (2 * np.pi *
                                                                           np.exp(y_max))),
                          R=resistance, fwhm=float(widths[k] * spacing), height=float(g_max),
                          basin=(float(tau[lo]), float(tau[hi]))))
    return peaks


def largest_in_band(peaks, tau_min: float, tau_max: float) -> Peak | None:
    """The peak of largest R among ``peaks`` whose τ of the maximum lies in
    [``tau_min``, ``tau_max``] [s] (None when none does).  Picks one relaxation by its
    time-constant band instead of "the largest peak", which switches between arcs of
    similar size (e.g. the interface arc and the NASICON grain-boundary arc)."""
    inside = [p for p in peaks if tau_min <= p.tau <= tau_max]
    return max(inside, key=lambda p: p.R) if inside else None


def band_resistance(tau, gamma, tau_min: float, tau_max: float) -> float:
    """R_band = ∫ γ d ln τ over [``tau_min``, ``tau_max``] [s] (γ interpolated linearly in
    ln τ at the band edges): the resistance of every relaxation in the band, independent of
    where the basins of neighbouring peaks end (a peak's R changes when a new peak appears
    next to it and splits its basin; this integral does not)."""
    tau = np.asarray(tau, dtype=float)
    gamma = np.asarray(gamma, dtype=float)
    order = np.argsort(tau)
    y, g = np.log(tau[order]), gamma[order]
    lo, hi = max(np.log(tau_min), y[0]), min(np.log(tau_max), y[-1])
    if hi <= lo:
        return 0.0
    inside = (y > lo) & (y < hi)
    yy = np.concatenate([[lo], y[inside], [hi]])
    return _trapezoid(np.interp(yy, y, g), yy)


@dataclass(frozen=True)
class GaussianComponent:
    """R/(σ√(2π)) exp(−(ln τ − ln τ₀)²/(2σ²)): ``tau`` τ₀ [s], ``R`` [Ω], ``sigma`` in ln τ."""

    tau: float
    R: float
    sigma: float

    @property
    def fwhm(self) -> float:
        return 2 * np.sqrt(2 * np.log(2)) * self.sigma

    def __call__(self, tau):
        y = np.log(np.asarray(tau, dtype=float))
        return self.R / (self.sigma * np.sqrt(2 * np.pi)) * np.exp(
            -0.5 * ((y - np.log(self.tau)) / self.sigma) ** 2)


def deconvolve_gaussians(tau, gamma, n: int) -> list[GaussianComponent]:
    """Least-squares fit of γ(ln τ) by ``n`` Gaussians (started at the ``n`` most
    prominent peaks; R ≥ 0, σ > 0), sorted by τ."""
    from ..errors import InputProblem, ParameterError

    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(InputProblem("n", "must be a positive integer", n, "1, 2, ..."))
    tau = np.asarray(tau, dtype=float)
    gamma = np.asarray(gamma, dtype=float)
    y = np.log(tau)
    found = sorted(find_peaks(tau, gamma, prominence=1e-3), key=lambda p: -p.R)[:n]
    starts = [(np.log(p.tau), max(p.R, 1e-12), max(p.fwhm / 2.3548, 0.05)) for p in found]
    span = (y.min(), y.max())
    while len(starts) < n:  # spread any missing components across the range
        starts.append((np.interp(len(starts) + 0.5, [0, n], span), 0.1 * np.trapezoid(gamma, y)
                       / n, 0.5))
    p0 = np.array(starts, dtype=float).ravel()

    def model(p):
        p = p.reshape(n, 3)
        return sum(r / (s * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((y - m) / s) ** 2)
                   for m, r, s in p)

    lower = np.tile([span[0] - 2, 0.0, 1e-3], n)
    upper = np.tile([span[1] + 2, np.inf, 20.0], n)
    fit = least_squares(lambda p: model(p) - gamma, np.clip(p0, lower + 1e-9, upper - 1e-9),
                        bounds=(lower, upper))
    comps = [GaussianComponent(float(np.exp(m)), float(r), float(s))
             for m, r, s in fit.x.reshape(n, 3)]
    return sorted(comps, key=lambda c: c.tau)
