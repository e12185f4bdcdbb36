"""Benchmark: nakmodel DRT vs pyDRTtools on an 80-point ZARC spectrum with 1 % noise.

Same settings on both sides: Gaussian RBF, FWHM coefficient 0.5, first-derivative
penalty, complex data with R∞ and L, collocation τ = 1/f (pyDRTtools' grid), automatic λ
by the same criterion.  Prints wall times, their ratio and the L² error of γ against the
closed-form ZARC DRT.  pyDRTtools is imported without its GUI (its package __init__
imports PyQt5): only its computational modules are loaded.

Run:  .venv/bin/python benchmarks/bench_drt.py [--method mGCV] [--repeat 3]
Needs: pip install pydrttools cvxopt scikit-learn (not dependencies of nakmodel).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # same BLAS threading for both tools
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

_METHODS = {"GCV": "gcv", "mGCV": "mgcv", "rGCV": "rgcv", "LC": "lcurve", "re-im": "re-im"}


def zarc(frequency, R, tau0, phi):
    """Z = R/(1 + (iωτ₀)^φ)."""
    return R / (1 + (2j * np.pi * frequency * tau0) ** phi)


def zarc_gamma(tau, R, tau0, phi):
    """Closed-form DRT of the ZARC (e.g. Boukamp, Electrochim. Acta 252 (2017) 154)."""
    return R / (2 * np.pi) * np.sin((1 - phi) * np.pi) / (
        np.cosh(phi * np.log(tau / tau0)) - np.cos((1 - phi) * np.pi))


def load_pydrttools():
    spec = importlib.util.find_spec("pyDRTtools")
    if spec is None:
        return None
    package = types.ModuleType("pyDRTtools")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["pyDRTtools"] = package
    import matplotlib

    matplotlib.use("Agg")
    with contextlib.redirect_stdout(io.StringIO()):
        from pyDRTtools import runs
    return runs


def l2_error(tau, gamma, truth):
    y = np.log(tau)
    return float(np.sqrt(np.trapezoid((gamma - truth) ** 2, y) / np.trapezoid(truth**2, y)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="mGCV", choices=list(_METHODS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--points", type=int, default=80)
    args = parser.parse_args(argv)

    from nakmodel.drt.inversion import compute
    from nakmodel.spectrum import Spectrum

    f = np.logspace(6, -2, args.points)
    R_inf, R, tau0, phi = 10.0, 50.0, 1e-3, 0.8
    rng = np.random.default_rng(1)
    Z0 = R_inf + zarc(f, R, tau0, phi)
    Z = Z0 + 0.01 * np.abs(Z0) * (rng.standard_normal(f.size)
                                  + 1j * rng.standard_normal(f.size)) / np.sqrt(2)
    spectrum = Spectrum(f, Z)

    compute(spectrum, lam=_METHODS[args.method], tau=1 / f)  # warm-up (imports, caches)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        drt = compute(spectrum, lam=_METHODS[args.method], tau=1 / f)
        times.append(time.perf_counter() - t)
    t_ours = min(times)
    err_ours = l2_error(drt.tau, drt.gamma, zarc_gamma(drt.tau, R, tau0, phi))
    print(f"nakmodel   : {t_ours * 1e3:8.1f} ms  λ = {drt.lam:.3g}  L2 error {err_ours:.4f}  "
          f"R_pol = {drt.polarization_resistance:.3f} Ω")

    runs = load_pydrttools()
    if runs is None:
        print("pyDRTtools not installed: pip install pydrttools cvxopt scikit-learn")
        return 0
    times = []
    for _ in range(args.repeat):
        entry = runs.EIS_object(f.copy(), Z.real.copy(), Z.imag.copy())
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            runs.simple_run(entry, rbf_type="Gaussian", data_used="Combined Re-Im Data",
                            induct_used=1, der_used="1st order", cv_type=args.method,
                            reg_param=1e-3, shape_control="FWHM Coefficient", coeff=0.5)
        times.append(time.perf_counter() - t)
    t_theirs = min(times)
    tau_p = np.asarray(entry.out_tau_vec).ravel()
    gamma_p = np.asarray(entry.gamma).ravel()
    err_theirs = l2_error(tau_p, gamma_p, zarc_gamma(tau_p, R, tau0, phi))
    lam_theirs = float(np.ravel(entry.lambda_value)[0])
    print(f"pyDRTtools : {t_theirs * 1e3:8.1f} ms  λ = {lam_theirs:.3g}  "
          f"L2 error {err_theirs:.4f}")
    print(f"speed-up   : {t_theirs / t_ours:.1f}x   error ratio (ours/theirs): "
          f"{err_ours / err_theirs:.3f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
