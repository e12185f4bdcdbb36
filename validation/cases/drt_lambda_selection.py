"""Automatic λ: GCV, mGCV, rGCV, L-curve and re-im cross-validation compared on known DRTs.

The evidence behind the package default (``nakmodel.drt.inversion.DEFAULT_LAMBDA``).
Six noise draws (rms |δZ| = 1 % of |Z|) of three synthetic spectra with known DRT: a
ZARC (φ = 0.8), two ZARCs a decade apart (φ = 0.9) and a transmissive finite Warburg.
Metrics per criterion: relative L2 error of γ, error of the main peak τ, fraction of
draws in which the two ZARCs give two peaks, first-Warburg-line τ and R error.  Criteria
as reviewed by Maradesa et al., J. Electrochem. Soc. 170 (2023) 030502.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nakmodel.validation_framework import Case, Check

SOURCE = ("closed-form ZARC and Warburg DRTs; criteria of Maradesa et al., "
          "J. Electrochem. Soc. 170 (2023) 030502")
F = np.logspace(6, -2, 81)
FW = np.logspace(6, -3, 91)
SEEDS = range(20, 26)


def _noisy(Z0, seed, level=0.01):
    rng = np.random.default_rng(seed)
    return Z0 + level * np.abs(Z0) * (rng.standard_normal(Z0.size)
                                      + 1j * rng.standard_normal(Z0.size)) / np.sqrt(2)


def _l2(drt, truth):
    y = np.log(drt.tau)
    return float(np.sqrt(np.trapezoid((drt.gamma - truth) ** 2, y) / np.trapezoid(truth**2, y)))


def metrics(method):
    """Mean metrics of one criterion over the noise draws (dict)."""
    from nakmodel.drt import compute
    from nakmodel.drt.analytic import (
        warburg_transmissive_impedance,
        warburg_transmissive_lines,
        zarc_drt,
        zarc_impedance,
    )
    from nakmodel.spectrum import Spectrum

    rows = []
    tau_k, r_k = warburg_transmissive_lines(40, 1.0)
    for seed in SEEDS:
        drt = compute(Spectrum(F, _noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), seed)),
                      lam=method)
        zarc_l2 = _l2(drt, zarc_drt(drt.tau, 50, 1e-3, 0.8))
        zarc_tau = abs(max(drt.peaks(), key=lambda p: p.R).tau / 1e-3 - 1)
        Z2 = 10 + zarc_impedance(F, 30, 1e-3, 0.9) + zarc_impedance(F, 20, 1e-2, 0.9)
        drt = compute(Spectrum(F, _noisy(Z2, seed)), lam=method)
        two_l2 = _l2(drt, zarc_drt(drt.tau, 30, 1e-3, 0.9) + zarc_drt(drt.tau, 20, 1e-2, 0.9))
        big = [p for p in drt.peaks() if p.R > 0.1 * drt.polarization_resistance]
        resolved = float(len(big) == 2)
        drt = compute(Spectrum(FW, _noisy(5 + warburg_transmissive_impedance(FW, 40, 1.0),
                                          seed)), lam=method)
        first = max(drt.peaks(), key=lambda p: p.R)
        warburg = max(abs(first.tau / tau_k[0] - 1), abs(first.R / r_k[0] - 1))
        rows.append((zarc_l2, zarc_tau, two_l2, resolved, warburg))
    mean = np.mean(rows, axis=0)
    keys = ("zarc_l2", "zarc_tau", "two_zarc_l2", "two_zarc_resolved", "warburg_line")
    return dict(zip(keys, (float(v) for v in mean), strict=True))


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import warnings

    import matplotlib.pyplot as plt

    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.drt.inversion import DEFAULT_LAMBDA
    from nakmodel.drt.regularization import LAMBDA_METHODS, LambdaBoundWarning

    with warnings.catch_warnings():  # some criteria hit the bound on some draws: expected
        warnings.simplefilter("ignore", LambdaBoundWarning)
        # the named criteria and the package default (when it is a rule such as "auto")
        methods = list(LAMBDA_METHODS) + ([DEFAULT_LAMBDA] if DEFAULT_LAMBDA not in
                                          LAMBDA_METHODS else [])
        table = {m: metrics(m) for m in methods}
    keys = list(next(iter(table.values())))
    fig, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
    width = 0.8 / len(methods)
    for i, m in enumerate(methods):
        ax.bar(np.arange(len(keys)) + i * width, [table[m][k] for k in keys], width,
               label=m + (" (default)" if m == DEFAULT_LAMBDA else ""))
    ax.set_xticks(np.arange(len(keys)) + 0.4 - width / 2, keys, fontsize="small")
    ax.set_ylabel("mean over noise draws")
    ax.set_title("λ criteria on known DRTs (lower is better; 'resolved': higher)",
                 fontsize="small")
    ax.legend(fontsize="small")
    atomic_savefig(fig, Path(outdir) / "drt_lambda_selection.png", dpi=130)
    plt.close(fig)
    default = table[DEFAULT_LAMBDA]
    best_l2 = min(table[m]["zarc_l2"] for m in LAMBDA_METHODS)
    best_two = min(table[m]["two_zarc_l2"] for m in LAMBDA_METHODS)
    checks = [
        Check(f"default ({DEFAULT_LAMBDA}): two ZARCs resolved (fraction of draws)",
              default["two_zarc_resolved"], reference=1.0, abs_tol=0.0, unit="-",
              source=SOURCE),
        Check(f"default ({DEFAULT_LAMBDA}): ZARC peak τ error (mean)", default["zarc_tau"],
              low=0.0, high=0.03, unit="-", source=SOURCE),
        Check(f"default ({DEFAULT_LAMBDA}): ZARC L2 error / best criterion's",
              default["zarc_l2"] / best_l2, low=1.0, high=1.15, unit="-", source=SOURCE),
        Check(f"default ({DEFAULT_LAMBDA}): two-ZARC L2 error / best criterion's",
              default["two_zarc_l2"] / best_two, low=1.0, high=1.15, unit="-", source=SOURCE),
        Check(f"default ({DEFAULT_LAMBDA}): Warburg first-line error (mean)",
              default["warburg_line"], low=0.0, high=0.05, unit="-", source=SOURCE),
    ]
    for m, t in table.items():  # the table itself, as informative ranges
        checks.append(Check.within(f"{m}: ZARC L2 / τ err / 2-ZARC L2 / resolved / Warburg = "
                                   + " / ".join(f"{t[k]:.3f}" for k in keys),
                                   t["zarc_l2"], 0.0, 1.0, unit="-", source=SOURCE))
    return checks


CASE = Case(name="drt_lambda_selection", title="Automatic λ criteria on known DRTs", run=run,
            figures=["drt_lambda_selection.png"], description=__doc__.strip().splitlines()[0])
