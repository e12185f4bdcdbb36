"""DRT inversion against closed-form distributions: ZARC, two ZARCs, finite Warburg.

Synthetic spectra, 81 points over 10⁶–10⁻² Hz, complex Gaussian noise with rms
|δZ| = 1 % of |Z|, five noise realisations, automatic λ (package default).  References:
the closed-form ZARC DRT (Fuoss–Kirkwood; Boukamp & Rolle, Solid State Ionics 302 (2017)
12) and the line series of the transmissive finite-length Warburg (Boukamp, Electrochim.
Acta 154 (2015) 35).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nakmodel.validation_framework import Case, Check

ZARC_SOURCE = "closed-form ZARC DRT (Boukamp & Rolle, Solid State Ionics 302 (2017) 12)"
WARBURG_SOURCE = ("transmissive Warburg lines τ_k = τ/((k−½)²π²), R_k = 2R/((k−½)²π²) "
                  "(Boukamp, Electrochim. Acta 154 (2015) 35)")
F = np.logspace(6, -2, 81)


def _noisy(Z0, seed, level=0.01):
    rng = np.random.default_rng(seed)
    return Z0 + level * np.abs(Z0) * (rng.standard_normal(Z0.size)
                                      + 1j * rng.standard_normal(Z0.size)) / np.sqrt(2)


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.drt import compute
    from nakmodel.drt.analytic import (
        warburg_transmissive_impedance,
        warburg_transmissive_lines,
        zarc_drt,
        zarc_impedance,
    )
    from nakmodel.spectrum import Spectrum

    fig, axes = plt.subplots(1, 3, figsize=(14, 4), layout="constrained")
    # --- single ZARC -------------------------------------------------------------------
    tau_err, rpol_err, l2 = [], [], []
    for seed in range(5):
        drt = compute(Spectrum(F, _noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), seed)),
                      uncertainty="bayesian" if seed == 0 else None, n_samples=300)
        main = max(drt.peaks(), key=lambda p: p.R)
        tau_err.append(abs(main.tau / 1e-3 - 1))
        rpol_err.append(abs(drt.polarization_resistance / 50 - 1))
        truth = zarc_drt(drt.tau, 50, 1e-3, 0.8)
        y = np.log(drt.tau)
        l2.append(np.sqrt(np.trapezoid((drt.gamma - truth) ** 2, y) / np.trapezoid(truth**2, y)))
        if seed == 0:
            drt.plot(axes[0], label="nakmodel (1 % noise)")
            axes[0].semilogx(drt.tau, truth, "k--", label="analytic")
            axes[0].set_title("ZARC R = 50 Ω, τ₀ = 1 ms, φ = 0.8", fontsize="small")
            axes[0].legend(fontsize="small")
    # --- two ZARCs a decade apart ---------------------------------------------------------
    resolved, tau_fast, tau_slow = [], [], []
    for seed in range(5):
        Z = _noisy(10 + zarc_impedance(F, 30, 1e-3, 0.9) + zarc_impedance(F, 20, 1e-2, 0.9),
                   seed)
        drt = compute(Spectrum(F, Z))
        big = [p for p in drt.peaks() if p.R > 0.1 * drt.polarization_resistance]
        resolved.append(len(big) == 2)
        if len(big) == 2:
            tau_fast.append(abs(big[0].tau / 1e-3 - 1))
            tau_slow.append(abs(big[1].tau / 1e-2 - 1))
        if seed == 0:
            drt.plot(axes[1], label="nakmodel (1 % noise)")
            axes[1].semilogx(drt.tau, zarc_drt(drt.tau, 30, 1e-3, 0.9)
                             + zarc_drt(drt.tau, 20, 1e-2, 0.9), "k--", label="analytic")
            axes[1].set_title("two ZARCs, τ = 1 ms and 10 ms", fontsize="small")
            axes[1].legend(fontsize="small")
    worst = float(max(tau_fast + tau_slow)) if tau_fast else float("inf")
    # --- finite Warburg (noise-free: the line series is the reference) --------------------
    fw = np.logspace(6, -3, 91)
    drt = compute(Spectrum(fw, 5 + warburg_transmissive_impedance(fw, 40, 1.0)), lam=1e-6)
    tau_k, r_k = warburg_transmissive_lines(40, 1.0)
    first = max(drt.peaks(0.005), key=lambda p: p.tau)
    y = np.log(drt.tau)
    cumulative = []
    for k in (1, 2, 3):
        mid = np.sqrt(tau_k[k - 1] * tau_k[k])
        cumulative.append(np.trapezoid(np.where(drt.tau > mid, drt.gamma, 0), y)
                          / np.sum(r_k[:k]) - 1)
    drt.plot(axes[2], label="nakmodel")
    twin = axes[2].twinx()
    twin.vlines(tau_k[:6], 0, r_k[:6], color="k", lw=1.5)
    twin.set_ylabel("line R_k / Ω")
    twin.set_ylim(bottom=0)
    axes[2].set_title("finite Warburg R = 40 Ω, τ = 1 s (lines: exact)", fontsize="small")
    axes[2].legend(fontsize="small")
    atomic_savefig(fig, Path(outdir) / "drt_analytic.png", dpi=130)
    plt.close(fig)
    return [
        Check("ZARC peak τ error (median of 5 noise draws)", float(np.median(tau_err)),
              low=0.0, high=0.03, unit="-", source=ZARC_SOURCE),
        Check("ZARC polarisation resistance error (median)", float(np.median(rpol_err)),
              low=0.0, high=0.01, unit="-", source=ZARC_SOURCE),
        Check("ZARC relative L2 error of γ (median)", float(np.median(l2)), low=0.0, high=0.25,
              unit="-", source=ZARC_SOURCE),
        Check("two ZARCs resolved into two peaks (fraction of draws)", float(np.mean(resolved)),
              reference=1.0, abs_tol=0.0, unit="-", source=ZARC_SOURCE),
        Check("two ZARCs: worst peak τ error", worst, low=0.0, high=0.2, unit="-",
              source=ZARC_SOURCE),
        Check("Warburg first line τ₁", first.tau, reference=float(tau_k[0]), rel_tol=0.03,
              unit="s", source=WARBURG_SOURCE),
        Check("Warburg first line R₁", first.R, reference=float(r_k[0]), rel_tol=0.05,
              unit="Ω", source=WARBURG_SOURCE),
        Check("Warburg cumulative R above lines 1-3 (worst relative error)",
              float(np.max(np.abs(cumulative))), low=0.0, high=0.03, unit="-",
              source=WARBURG_SOURCE),
        Check("Warburg polarisation resistance", drt.polarization_resistance, reference=40.0,
              rel_tol=0.01, unit="Ω", source=WARBURG_SOURCE),
    ]


CASE = Case(name="drt_analytic", title="DRT of ZARC, two ZARCs and finite Warburg", run=run,
            figures=["drt_analytic.png"], description=__doc__.strip().splitlines()[0])
