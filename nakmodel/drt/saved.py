"""A DRT read back from the files :meth:`nakmodel.drt.DRT.to_csv` writes.

:func:`load_drt` returns a :class:`SavedDRT`: γ(τ) with its band, the unit (Ω, or Ω m² for
an area-specific spectrum) and the scalars of the sidecar (R_inf, L, λ, R_pol, settings).
It can find peaks and plot like a computed :class:`~nakmodel.drt.DRT`; what it cannot do
is re-evaluate the basis expansion (the coefficients are not saved).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SavedDRT:
    """γ [``unit``] on ``tau`` [s] from a DRT CSV, and the sidecar's ``meta``."""

    tau: np.ndarray
    gamma: np.ndarray
    gamma_lower: np.ndarray | None = None
    gamma_upper: np.ndarray | None = None
    unit: str = "ohm"
    label: str = ""
    meta: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"SavedDRT({self.label!r}, {self.tau.size} τ points, "
                f"R_pol={self.polarization_resistance:.4g} {self.unit})")

    @property
    def R_inf(self) -> float:
        return float(self.meta.get("R_inf", math.nan))

    @property
    def polarization_resistance(self) -> float:
        """∫ γ d ln τ (trapezoid on the saved grid) [``unit``]."""
        y = np.log(self.tau)
        return float(np.sum(0.5 * (self.gamma[1:] + self.gamma[:-1]) * np.diff(y)))

    def peaks(self, prominence: float = 0.01):
        """Peaks of γ (:func:`nakmodel.drt.peaks.find_peaks`) in this DRT's unit."""
        from dataclasses import replace

        from .peaks import find_peaks

        return [replace(p, unit=self.unit) for p in find_peaks(self.tau, self.gamma,
                                                                prominence=prominence)]

    def plot(self, ax, band: bool = True, label: str | None = None, **kw):
        """γ(τ) on a log τ axis (Ω, or Ω cm² when area-specific); returns ``ax``."""
        scale, unit = (1e4, "Ω cm²") if self.unit != "ohm" else (1.0, "Ω")
        line, = ax.semilogx(self.tau, self.gamma * scale, label=label or self.label or "DRT",
                            **kw)
        if band and self.gamma_lower is not None:
            ax.fill_between(self.tau, self.gamma_lower * scale, self.gamma_upper * scale,
                            alpha=0.3, color=line.get_color(), lw=0)
        ax.set_xlabel("τ / s")
        ax.set_ylabel(f"γ / {unit}")
        return ax


def load_drt(path) -> SavedDRT:
    """Read a DRT CSV written by nakmodel (``tau [s],frequency [Hz],gamma [ohm]...`` with its
    ``.meta.json`` sidecar; files of older versions with ``tau_s,...,gamma_ohm`` headers and
    ``#`` comment lines are read too)."""
    from ..tables import read_sidecar, read_table

    rows, units = read_table(path)
    tau_key = "tau" if "tau" in units else "tau_s"
    gamma_key = "gamma" if "gamma" in units else "gamma_ohm"
    tau = np.array([float(r[tau_key]) for r in rows])
    order = np.argsort(tau)

    def column(name):
        for key in (name, f"{name}_ohm"):
            if key in units:
                return np.array([float(r[key]) for r in rows])[order]
        return None

    gamma = np.array([float(r[gamma_key]) for r in rows])[order]
    meta = read_sidecar(path)
    unit = meta.get("unit") or units.get("gamma") or "ohm"
    return SavedDRT(tau[order], gamma, column("gamma_lower"), column("gamma_upper"), unit,
                    str(meta.get("label", "")), meta)


__all__ = ["SavedDRT", "load_drt"]

