"""Automatic λ on real measured spectra: nakmodel next to pyimpspec's TR-RBF.

Both invert the same data alike (complex data, Gaussian basis, FWHM coefficient 0.5,
first-derivative penalty, R∞ and L fitted, τ = 1/f) and choose λ with the same named
criterion (GCV, mGCV, rGCV).  The files are the real spectra in ``../shared/peer-data``.
pyimpspec (GPL) is a test/benchmark oracle only, never imported by the package.

Run: ``.venv/bin/python benchmarks/report_drt_lambda.py`` (a few minutes).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from nakmodel.drt import compute
from nakmodel.io import read_spectrum

PEER = Path(__file__).resolve().parents[2] / "shared" / "peer-data"
FILES = ("exampleData.csv", "Circuit3_EIS_1.z", "PEIS_SSB.mpr", "EISGALV_EISTest3.DTA")
CRITERIA = ("gcv", "mgcv", "rgcv")


def theirs(spectrum, criterion):
    import pyimpspec

    data = pyimpspec.DataSet(frequencies=spectrum.frequency, impedances=spectrum.Z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pyimpspec.analysis.drt.calculate_drt_tr_rbf(
            data, lambda_value=-1.0, cross_validation=criterion, rbf_type="gaussian",
            derivative_order=1, rbf_shape="fwhm", shape_coeff=0.5, inductance=True,
            num_procs=1)
    return float(result.get_lambda_value()) if hasattr(result, "get_lambda_value") \
        else float(result.lambda_value)


def ours(spectrum, criterion):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(compute(spectrum, lam=criterion, inductance=True).lam)


def main() -> None:
    print(f"{'file':<24} {'criterion':<6} {'nakmodel λ':>11} {'pyimpspec λ':>12} "
          f"{'t ours [s]':>10} {'t theirs [s]':>12}")
    for name in FILES:
        spectrum = read_spectrum(PEER / name)
        if isinstance(spectrum, list):
            spectrum = spectrum[0]
        for criterion in CRITERIA:
            t0 = time.perf_counter()
            lam_ours = ours(spectrum, criterion)
            t1 = time.perf_counter()
            try:
                lam_theirs = theirs(spectrum, criterion)
            except Exception as exc:  # report, do not hide, an oracle failure
                lam_theirs = np.nan
                print(f"  pyimpspec failed on {name}/{criterion}: {exc}")
            t2 = time.perf_counter()
            print(f"{name:<24} {criterion:<6} {lam_ours:>11.3g} {lam_theirs:>12.3g} "
                  f"{t1 - t0:>10.2f} {t2 - t1:>12.2f}")


if __name__ == "__main__":
    main()
