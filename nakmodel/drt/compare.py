"""Compare two spectra (e.g. a measurement and the model) through their DRTs.

Both are inverted exactly alike: the τ grid, basis, shape factor and λ are chosen on the
first one (``a``, the measurement) and re-used for the second, so differences in γ come
from the data, not from the inversion settings.  Peaks are matched by nearest ln τ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .inversion import DRT, compute
from .peaks import Peak
from .settings import DRTSettings, resolve


@dataclass(frozen=True)
class PeakMatch:
    """Two matched peaks: ``tau_ratio`` = τ_b/τ_a, ``resistance_ratio`` = R_b/R_a."""

    a: Peak
    b: Peak

    @property
    def tau_ratio(self) -> float:
        return self.b.tau / self.a.tau

    @property
    def resistance_ratio(self) -> float:
        return self.b.R / self.a.R if self.a.R > 0 else float("nan")


@dataclass
class DRTComparison:
    """Result of :func:`compare`.

    ``distance`` = ‖γ_b − γ_a‖ / ‖γ_a‖ in L²(ln τ) on the common grid; ``matches`` the
    peaks paired within ``max_decades`` decades; ``unmatched_a``/``unmatched_b`` the rest.
    """

    a: DRT
    b: DRT
    distance: float
    matches: list[PeakMatch]
    unmatched_a: list[Peak] = field(default_factory=list)
    unmatched_b: list[Peak] = field(default_factory=list)

    @property
    def polarization_resistance_ratio(self) -> float:
        return self.b.polarization_resistance / self.a.polarization_resistance

    def summary(self) -> str:
        lines = [f"DRT distance (L2, relative to a): {self.distance:.3g}",
                 f"R_pol b/a: {self.polarization_resistance_ratio:.3g}"]
        for m in self.matches:
            lines.append(f"peak τ_a = {m.a.tau:.3g} s: τ_b/τ_a = {m.tau_ratio:.3g}, "
                         f"R_b/R_a = {m.resistance_ratio:.3g}")
        for p in self.unmatched_a:
            lines.append(f"peak only in a: τ = {p.tau:.3g} s, R = {p.R:.3g} Ω")
        for p in self.unmatched_b:
            lines.append(f"peak only in b: τ = {p.tau:.3g} s, R = {p.R:.3g} Ω")
        return "\n".join(lines)


def match_peaks(peaks_a: list[Peak], peaks_b: list[Peak], max_decades: float = 1.0):
    """Greedy pairing by nearest log τ (closest pairs first), within ``max_decades``."""
    pairs = sorted(((abs(np.log10(pa.tau / pb.tau)), i, j)
                    for i, pa in enumerate(peaks_a) for j, pb in enumerate(peaks_b)))
    used_a, used_b, matches = set(), set(), []
    for distance, i, j in pairs:
        if distance > max_decades or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matches.append(PeakMatch(peaks_a[i], peaks_b[j]))
    matches.sort(key=lambda m: m.a.tau)
    rest_a = [p for i, p in enumerate(peaks_a) if i not in used_a]
    rest_b = [p for j, p in enumerate(peaks_b) if j not in used_b]
    return matches, rest_a, rest_b


def compare(a, b, lam: float | str | None = None, prominence: float | None = None,
            max_decades: float = 1.0, settings: DRTSettings | None = None,
            **options) -> DRTComparison:
    """Compare ``a`` (measurement) with ``b`` (model or another measurement).

    Each is a Spectrum (inverted here with ``settings``/``lam``/``options`` of
    :func:`~nakmodel.drt.compute`, default :data:`~nakmodel.drt.DEFAULT_SETTINGS`; λ and
    the τ grid chosen on ``a`` are re-used for ``b``) or an already computed :class:`DRT`
    (then γ_b is evaluated on a's output grid).  Only peaks inside each measured window
    are matched (extrapolated peaks are not relaxations); a λ at a bound of the search
    range raises :class:`~nakmodel.drt.LambdaBoundWarning` (``cmp.a.lambda_at_bound``).
    """
    s = resolve(settings, lam=lam, **options)
    if prominence is None:
        prominence = s.peak_prominence
    drt_a = a if isinstance(a, DRT) else compute(a, s)
    if isinstance(b, DRT):
        drt_b = b
    else:
        same = s.replace(lam=drt_a.lam, basis=drt_a.settings.get("basis", s.basis),
                         fwhm_coefficient=drt_a.settings.get("fwhm_coefficient",
                                                             s.fwhm_coefficient))
        drt_b = compute(b, same, tau=drt_a.tau_collocation, tau_out=drt_a.tau)
    y = np.log(drt_a.tau)
    gamma_b = drt_b.gamma_at(drt_a.tau)
    norm_a = np.sqrt(np.trapezoid(drt_a.gamma**2, y))
    distance = float(np.sqrt(np.trapezoid((gamma_b - drt_a.gamma) ** 2, y)) / norm_a) \
        if norm_a > 0 else float("inf")
    matches, rest_a, rest_b = match_peaks(drt_a.relaxations(prominence),
                                          drt_b.relaxations(prominence), max_decades)
    return DRTComparison(drt_a, drt_b, distance, matches, rest_a, rest_b)


def plot_comparison(ax, comparison: DRTComparison, modes=None, labels=("measured", "model"),
                    mode_label: str = "model modes"):
    """Overlay γ_a and γ_b; optional model relaxation modes as stems (τ_k, R_k) on a
    second axis (R_k in Ω: the weights of the model's discrete DRT lines)."""
    comparison.a.plot(ax, label=labels[0], color="k")
    comparison.b.plot(ax, label=labels[1], color="tab:red", ls="--")
    handles, names = ax.get_legend_handles_labels()
    if modes:
        tau_k = np.array([m[0] for m in modes], dtype=float)
        r_k = np.array([m[1] for m in modes], dtype=float)
        twin = ax.twinx()
        stems = twin.vlines(tau_k, 0, r_k, color="tab:blue", lw=1.5, label=mode_label)
        twin.plot(tau_k, r_k, "o", color="tab:blue", ms=3)
        twin.set_ylabel("mode R_k / Ω")
        twin.set_ylim(bottom=0)
        handles.append(stems)
        names.append(mode_label)
    ax.legend(handles, names, fontsize="small")
    ax.set_title(f"DRT distance {comparison.distance:.2g}", fontsize="small")
    return ax
