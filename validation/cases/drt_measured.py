"""DRT of real measured spectra (peer data): a non-negative DRT reproduces KK-valid data.

A passive RC-type system has a non-negative DRT, so a spectrum that passes the Lin-KK
test should be reproduced by ``compute`` to about the measurement error.  Checked on the
peer files that pass Lin-KK (a Li-ion cell, a ZPlot test circuit, a solid-state battery;
see validation/data/peer/README.md), with the τ grid extended by one decade because
their arcs continue beyond the measured range, at the default automatic λ.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nakmodel.validation_framework import Case, Check

FILES = ("exampleData.csv", "Circuit3_EIS_1.z", "PEIS_SSB.mpr")
SOURCE = ("Kramers-Kronig consistency of a non-negative DRT; peer data from impedance.py "
          "(MIT) and hybrid-drt (BSD-3)")


def _peer_file(name: str) -> Path:
    """A measured peer spectrum copied, with its licence, into validation/data/peer."""
    path = Path(__file__).resolve().parents[1] / "data" / "peer" / name
    if not path.exists():
        raise FileNotFoundError(f"peer data not found: {path}")
    return path


def run(outdir):
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.drt import compute, kramers_kronig
    from nakmodel.io import read_spectrum

    checks = []
    fig, axes = plt.subplots(2, len(FILES), figsize=(5 * len(FILES), 7), layout="constrained")
    for col, name in enumerate(FILES):
        spectrum = read_spectrum(_peer_file(name))
        spectrum = spectrum[0] if isinstance(spectrum, list) else spectrum
        kk = kramers_kronig(spectrum, warn=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            drt = compute(spectrum, extend_decades=1.0, uncertainty="bayesian", n_samples=200)
        rms = float(np.sqrt(np.mean(np.abs(drt.relative_residuals) ** 2)))
        checks.append(Check.within(f"{name}: passes Lin-KK (1 = yes)", float(kk.passed), 1, 1,
                                   unit="-", source=SOURCE))
        checks.append(Check.within(f"{name}: rms |Z − Z_DRT|/|Z| (λ = {drt.lam:.2g})", rms,
                                   0.0, 0.01, unit="-", source=SOURCE))
        ax = axes[0, col]
        ax.plot(spectrum.real, -spectrum.imag, "o", ms=3, mfc="none", label="measured")
        ax.plot(drt.Z_model.real, -drt.Z_model.imag, "-", label="DRT fit")
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel("Z' / Ω")
        ax.set_ylabel("−Z'' / Ω")
        ax.set_title(name, fontsize="small")
        ax.legend(fontsize="small")
        drt.plot(axes[1, col])
        axes[1, col].set_title(f"rms residual {100 * rms:.2g} %", fontsize="small")
    atomic_savefig(fig, Path(outdir) / "drt_measured.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="drt_measured", title="DRT of measured peer spectra", run=run,
            figures=["drt_measured.png"], description=__doc__.strip().splitlines()[0])
