"""Closed-form impedances and DRTs used to check the inversion.

* ZARC (R‖CPE): Z = R / (1 + (iωτ₀)^φ), with the closed-form DRT
  γ(ln τ) = (R/2π) sin((1−φ)π) / (cosh(φ ln(τ/τ₀)) − cos((1−φ)π))
  (Fuoss–Kirkwood; e.g. Boukamp & Rolle, Solid State Ionics 302 (2017) 12).
* Finite-length (transmissive, "short") Warburg: Z = R tanh√(iωτ)/√(iωτ), whose DRT is a
  series of lines τ_k = τ/((k−½)²π²) with weights R_k = 2R/((k−½)²π²), Σ R_k = R
  (partial fractions of tanh; Boukamp, Electrochim. Acta 154 (2015) 35).
"""

from __future__ import annotations

import numpy as np


def zarc_impedance(frequency, R: float, tau0: float, phi: float) -> np.ndarray:
    """Z(f) [Ω] of a resistance R [Ω] in parallel with a CPE, time constant τ₀ [s]."""
    return R / (1 + (2j * np.pi * np.asarray(frequency, dtype=float) * tau0) ** phi)


def zarc_drt(tau, R: float, tau0: float, phi: float) -> np.ndarray:
    """γ(ln τ) [Ω] of the ZARC (see the module docstring)."""
    u = np.log(np.asarray(tau, dtype=float) / tau0)
    return R / (2 * np.pi) * np.sin((1 - phi) * np.pi) / (
        np.cosh(phi * u) - np.cos((1 - phi) * np.pi))


def warburg_transmissive_impedance(frequency, R: float, tau: float) -> np.ndarray:
    """Z(f) = R tanh√(iωτ)/√(iωτ) [Ω] (finite diffusion length, ideal sink)."""
    s = np.sqrt(2j * np.pi * np.asarray(frequency, dtype=float) * tau)
    return R * np.tanh(s) / s


def warburg_transmissive_lines(R: float, tau: float, n: int = 50):
    """The first ``n`` DRT lines (τ_k [s], R_k [Ω]) of the transmissive Warburg."""
    k = np.arange(1, n + 1)
    denominator = (k - 0.5) ** 2 * np.pi**2
    return tau / denominator, 2 * R / denominator
