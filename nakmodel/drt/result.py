"""The result of a DRT inversion (:class:`DRT`): γ(τ), the series elements, the peaks.

Peaks whose maximum lies outside the measured window τ ∈ [1/(2π f_max), 1/(2π f_min)]
are marked ``extrapolated``: the data only see their tail, so their τ and R are not
measured relaxations (:meth:`DRT.relaxations` leaves them out).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from .basis import Basis
from .peaks import Peak, deconvolve_gaussians, find_peaks
from .regularization import LambdaChoice


def measured_window(frequency) -> tuple[float, float]:
    """(τ_min, τ_max) = (1/(2π f_max), 1/(2π f_min)) [s]."""
    f = np.asarray(frequency, dtype=float)
    return float(1 / (2 * np.pi * f.max())), float(1 / (2 * np.pi * f.min()))


@dataclass
class DRT:
    """Result of :func:`~nakmodel.drt.compute`: γ on a fine grid plus everything needed to
    re-use it.

    ``tau`` [s] and ``gamma`` [Ω] (γ per unit ln τ; Ω m² for an area-specific spectrum,
    see ``unit``) on the output grid; ``R_inf`` [Ω],
    ``L`` [H], ``C`` [F] the series capacitance (``inf`` when none is fitted or needed);
    ``lam`` the regularisation parameter and ``lambda_method`` how it was chosen;
    ``lambda_at_bound`` True when the automatic choice ended at an end of the search range;
    ``coefficients`` the basis weights on ``tau_collocation``; ``gamma_lower``/
    ``gamma_upper`` the credible (Bayesian) or percentile (bootstrap) band when requested;
    ``warnings`` the messages of the warnings raised while computing it.
    """

    tau: np.ndarray
    gamma: np.ndarray
    R_inf: float
    L: float
    lam: float
    tau_collocation: np.ndarray
    coefficients: np.ndarray
    basis: Basis = field(repr=False)
    frequency: np.ndarray = field(repr=False)
    Z: np.ndarray = field(repr=False)
    Z_model: np.ndarray = field(repr=False)
    settings: dict = field(default_factory=dict)
    lambda_choice: LambdaChoice | None = field(default=None, repr=False)
    gamma_lower: np.ndarray | None = field(default=None, repr=False)
    gamma_upper: np.ndarray | None = field(default=None, repr=False)
    band_level: float | None = None
    area: float | None = None
    label: str = ""
    C: float = float("inf")
    lambda_method: str = "fixed"
    lambda_at_bound: bool = False
    warnings: list = field(default_factory=list, repr=False)
    unit: str = "ohm"
    """Unit of γ, R_inf and the peak resistances: ``"ohm"`` for the DRT of an absolute
    spectrum, ``"ohm m^2"`` for an area-specific one (:attr:`Spectrum.unit`)."""

    @property
    def unit_text(self) -> str:
        """``"Ω"`` or ``"Ω m²"``: the unit of γ, R∞ and the peak resistances, for text."""
        return "Ω" if self.unit == "ohm" else "Ω m²"

    def __repr__(self) -> str:
        band = f", band={self.settings.get('uncertainty')}" if self.gamma_lower is not None else ""
        c = f", C={self.C:.4g} F" if np.isfinite(self.C) else ""
        u = self.unit_text
        return (f"DRT({self.label!r}, {self.settings.get('basis', '?')}, λ={self.lam:.3g} "
                f"({self.lambda_method}), R_inf={self.R_inf:.4g} {u}, L={self.L:.3g} H{c}, "
                f"R_pol={self.polarization_resistance:.4g} {u}, "
                f"{len(self.relaxations())} peaks{band})")

    @property
    def window(self) -> tuple[float, float]:
        """The measured τ window (τ_min, τ_max) [s]."""
        return measured_window(self.frequency)

    def gamma_at(self, tau) -> np.ndarray:
        """γ [Ω] at arbitrary time constants ``tau`` [s] (the continuous expansion)."""
        tau = np.asarray(tau, dtype=float)
        return self.basis.evaluate(np.log(tau.ravel())).dot(self.coefficients).reshape(tau.shape)

    @property
    def polarization_resistance(self) -> float:
        """∫ γ d ln τ [Ω], exact for the basis: Σ_m x_m ∫ φ_m."""
        return float(self.basis.areas() @ self.coefficients)

    @property
    def residuals(self) -> np.ndarray:
        """Z_measured − Z_fit [Ω] (complex)."""
        return self.Z - self.Z_model

    @property
    def relative_residuals(self) -> np.ndarray:
        """(Z_measured − Z_fit)/|Z_measured| (complex, dimensionless)."""
        return self.residuals / np.abs(self.Z)

    @cached_property
    def Z_fit(self):
        """The fitted impedance as a :class:`nakmodel.spectrum.Spectrum`."""
        from ..spectrum import Spectrum

        meta = {"unit": self.unit} if self.unit != "ohm" else {}
        return Spectrum(self.frequency, self.Z_model, area=self.area,
                        label=f"DRT fit {self.label}".strip(), meta=meta)

    def impedance(self, frequency) -> np.ndarray:
        """Z(f) = R∞ + iωL + 1/(iωC) + ∫ γ/(1 + iωτ) d ln τ [Ω] at any frequencies."""
        omega = 2 * np.pi * np.asarray(frequency, dtype=float)
        a_re, a_im = self.basis.impedance_matrices(omega)
        series_c = 1 / (1j * omega * self.C) if np.isfinite(self.C) else 0.0
        return (self.R_inf + 1j * omega * self.L + series_c
                + (a_re + 1j * a_im) @ self.coefficients)

    def peaks(self, prominence: float | None = None) -> list[Peak]:
        """Peaks of γ with their resistances (integral over each peak's basin), sorted by
        τ; ``prominence`` defaults to the settings' ``peak_prominence``.  A peak whose
        maximum lies outside the measured window has ``extrapolated=True``."""
        if prominence is None:
            prominence = self.settings.get("peak_prominence", 0.02)
        lo, hi = self.window
        tol = 1e-9
        return [replace(p, extrapolated=not (lo * (1 - tol) <= p.tau <= hi * (1 + tol)),
                        unit=self.unit)
                for p in find_peaks(self.tau, self.gamma, prominence=prominence)]

    def relaxations(self, prominence: float | None = None) -> list[Peak]:
        """The peaks inside the measured window (the measured relaxations)."""
        return [p for p in self.peaks(prominence) if not p.extrapolated]

    def deconvolve(self, n: int):
        """Fit γ by a sum of ``n`` Gaussians in ln τ; see :func:`.peaks.deconvolve_gaussians`."""
        return deconvolve_gaussians(self.tau, self.gamma, n)

    def summary(self) -> str:
        """One line: λ (method, bound), R∞, L, C, R_pol and the peaks (extrapolated ones
        marked)."""
        bound = ", AT A BOUND of the λ range" if self.lambda_at_bound else ""
        c = f", C = {self.C:.4g} F" if np.isfinite(self.C) else ""
        u = self.unit_text
        peaks = ", ".join(f"{p.tau:.3g} s/{p.R:.3g} {u}" + (" (extrapolated)" if p.extrapolated
                                                            else "") for p in self.peaks())
        return (f"λ = {self.lam:.3g} ({self.lambda_method}{bound}), R_inf = {self.R_inf:.4g} {u}, "
                f"L = {self.L:.3g} H{c}, R_pol = {self.polarization_resistance:.4g} {u}; "
                f"peaks {peaks or 'none'}")

    def to_csv(self, path) -> Path:
        """Write ``tau [s],frequency [Hz],gamma [<unit>]`` (+ band) as a plain CSV (atomic) and
        R_inf, L, C, λ (and whether at a bound), R_pol, the measured τ window, the unit and
        the settings into the sidecar ``<stem>.meta.json`` (read back by
        :func:`nakmodel.drt.load_drt`)."""
        from ..atomic_write import atomic_write_text
        from ..tables import write_sidecar

        u = self.unit
        header = f"tau [s],frequency [Hz],gamma [{u}]"
        columns = [self.tau, 1 / (2 * np.pi * self.tau), self.gamma]
        if self.gamma_lower is not None:
            header += f",gamma_lower [{u}],gamma_upper [{u}]"
            columns += [self.gamma_lower, self.gamma_upper]
        lines = [header]
        data = np.column_stack(columns)
        lines += [",".join(f"{v:.10g}" for v in row) for row in data]
        path = atomic_write_text(path, "\n".join(lines) + "\n")
        write_sidecar(path, {"label": self.label, "unit": u, "R_inf": self.R_inf,
                             "L": self.L, "L_unit": "H", "C_series": self.C, "C_unit": "F",
                             "lambda": self.lam, "lambda_method": self.lambda_method,
                             "lambda_at_bound": self.lambda_at_bound,
                             "polarization_resistance": self.polarization_resistance,
                             "measured_tau_window_s": list(self.window),
                             "band_level": self.band_level, "area": self.area,
                             "settings": dict(self.settings)})
        return path

    def plot(self, ax, band: bool = True, label: str | None = None, window: bool = True,
             **kw):
        """γ(τ) on a log τ axis, with the uncertainty band when available and the parts
        outside the measured window shaded; γ in Ω, or in Ω cm² for the DRT of an
        area-specific spectrum."""
        scale, unit = (1e4, "Ω cm²") if self.unit != "ohm" else (1.0, "Ω")
        line, = ax.semilogx(self.tau, self.gamma * scale, label=label or self.label or "DRT",
                            **kw)
        if band and self.gamma_lower is not None:
            pct = f"{100 * self.band_level:.0f}% band" if self.band_level else "band"
            ax.fill_between(self.tau, self.gamma_lower * scale, self.gamma_upper * scale,
                            alpha=0.3, color=line.get_color(), lw=0, label=pct)
        if window:
            lo, hi = self.window
            if self.tau.min() < lo:
                ax.axvspan(self.tau.min(), lo, color="0.92", zorder=0, lw=0)
            if self.tau.max() > hi:
                ax.axvspan(hi, self.tau.max(), color="0.92", zorder=0, lw=0)
        ax.set_xlabel("τ / s")
        ax.set_ylabel(f"γ / {unit}")
        return ax


def default_output_grid(tau_collocation: np.ndarray) -> np.ndarray:
    """10 points per collocation point over the collocation range ± half a decade
    (the output grid of pyDRTtools and pyimpspec)."""
    lo, hi = np.log10(tau_collocation.min()), np.log10(tau_collocation.max())
    return np.logspace(lo - 0.5, hi + 0.5, 10 * tau_collocation.size)
