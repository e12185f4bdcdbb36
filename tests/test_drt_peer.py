"""Peer comparison: nakmodel's DRT vs pyimpspec's TR-RBF at the same fixed λ.

Same settings on both sides: Gaussian RBF, FWHM coefficient 0.5, first-derivative penalty,
complex data with R∞ and L ≥ 0, no series capacitance, unweighted rows, collocation
τ = 1/f (pyimpspec's grid), γ compared on pyimpspec's output grid.  The package defaults
(modulus weights, automatic series capacitance, :data:`~nakmodel.drt.DEFAULT_SETTINGS`)
differ from pyimpspec's, so the pyimpspec-equivalent settings are passed explicitly
(:data:`PYIMPSPEC_SETTINGS`).  pyimpspec (GPL) is imported only here, never in the package.
"""

import warnings
from pathlib import Path

import numpy as np
import pytest

from nakmodel.drt import DEFAULT_SETTINGS, compute
from nakmodel.drt.analytic import zarc_impedance
from nakmodel.drt.peaks import find_peaks
from nakmodel.spectrum import Spectrum

pyimpspec = pytest.importorskip("pyimpspec")
PEER = Path(__file__).resolve().parents[2] / "shared" / "peer-data"
LAM = 1e-3
#: nakmodel settings equal to the pyimpspec call in :func:`_pyimpspec_drt`
PYIMPSPEC_SETTINGS = DEFAULT_SETTINGS.replace(
    basis="gaussian", fwhm_coefficient=0.5, derivative_order=1, data="complex",
    inductance=True, capacitance=False, weights=None)


def _pyimpspec_drt(spectrum, lam):
    data = pyimpspec.DataSet(frequencies=spectrum.frequency, impedances=spectrum.Z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pyimpspec.analysis.drt.calculate_drt_tr_rbf(
            data, lambda_value=lam, cross_validation="", rbf_type="gaussian",
            derivative_order=1, rbf_shape="fwhm", shape_coeff=0.5, inductance=True,
            num_procs=1)
    return result.get_drt_data()


def _assert_peaks_agree(spectrum, lam=LAM, tolerance=0.02):
    tau_p, gamma_p = _pyimpspec_drt(spectrum, lam)
    ours = compute(spectrum, PYIMPSPEC_SETTINGS, lam=lam, tau=1 / spectrum.frequency,
                   tau_out=tau_p)
    theirs = [p for p in find_peaks(tau_p, gamma_p, 0.02) if p.height > 0.1 * gamma_p.max()]
    mine = find_peaks(ours.tau, ours.gamma, 0.02)
    assert theirs
    for p in theirs:
        q = min(mine, key=lambda q: abs(np.log(q.tau / p.tau)))
        assert q.tau == pytest.approx(p.tau, rel=tolerance)
        assert q.height == pytest.approx(p.height, rel=tolerance)
    # and pointwise, relative to the largest value
    assert np.max(np.abs(ours.gamma - gamma_p)) < tolerance * gamma_p.max()


def test_synthetic_two_zarcs_match_pyimpspec():
    f = np.logspace(6, -2, 81)
    rng = np.random.default_rng(0)
    Z0 = 10 + zarc_impedance(f, 30, 1e-3, 0.9) + zarc_impedance(f, 20, 1e-2, 0.9)
    Z = Z0 + 0.01 * np.abs(Z0) * (rng.standard_normal(81) + 1j * rng.standard_normal(81)) / 2**0.5
    _assert_peaks_agree(Spectrum(f, Z))


def test_synthetic_zarc_with_inductance_matches_pyimpspec():
    f = np.logspace(5, -1, 61)
    Z = 3 + 2j * np.pi * f * 1e-6 + zarc_impedance(f, 20, 1e-4, 0.75)
    _assert_peaks_agree(Spectrum(f, Z))


def _read(name):
    from nakmodel.io import read_spectrum

    path = PEER / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    spectrum = read_spectrum(path)
    return spectrum[0] if isinstance(spectrum, list) else spectrum


@pytest.mark.parametrize("name", ["exampleData.csv", "PEIS_SSB.mpr"])
def test_measured_spectra_match_pyimpspec(name):
    _assert_peaks_agree(_read(name))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Circuit3_EIS_1.z", "EISGALV_EISTest3.DTA",
                                  "Sample1_PEIS_EndOfDischarge.mpr"])
def test_measured_spectra_match_pyimpspec_slow(name):
    # pyimpspec assembles these non-log-uniform grids entry by entry (several seconds)
    _assert_peaks_agree(_read(name))
