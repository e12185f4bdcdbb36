"""DRT inversion against closed-form distributions (ZARC, two ZARCs, finite Warburg)."""

import numpy as np
import pytest

from nakmodel.drt import compute
from nakmodel.drt.analytic import (
    warburg_transmissive_impedance,
    warburg_transmissive_lines,
    zarc_drt,
    zarc_impedance,
)
from nakmodel.drt.regularization import LAMBDA_METHODS
from nakmodel.errors import ParameterError
from nakmodel.spectrum import Spectrum

F = np.logspace(6, -2, 81)


def noisy(Z0, seed, level=0.01):
    """Complex Gaussian noise with rms |δZ| = level·|Z| (σ = level|Z|/√2 per part)."""
    rng = np.random.default_rng(seed)
    return Z0 + level * np.abs(Z0) * (rng.standard_normal(Z0.size)
                                      + 1j * rng.standard_normal(Z0.size)) / np.sqrt(2)


def l2_error(drt, truth):
    y = np.log(drt.tau)
    return np.sqrt(np.trapezoid((drt.gamma - truth) ** 2, y) / np.trapezoid(truth**2, y))


def test_noiseless_zarc_is_reproduced_closely():
    Z = 10 + zarc_impedance(F, 50, 1e-3, 0.8)
    drt = compute(Spectrum(F, Z), lam=1e-6)
    assert l2_error(drt, zarc_drt(drt.tau, 50, 1e-3, 0.8)) < 0.03
    assert drt.polarization_resistance == pytest.approx(50, rel=2e-3)
    assert drt.R_inf == pytest.approx(10, abs=0.02)
    assert np.max(np.abs(drt.relative_residuals)) < 1e-3


def test_zarc_with_one_percent_noise_peak_and_polarization():
    """Median over noise realisations: peak τ within 3 %, R_pol within 1 %."""
    tau_err, rpol_err, l2 = [], [], []
    for seed in range(5):
        Z = noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), seed)
        drt = compute(Spectrum(F, Z))
        main = max(drt.peaks(), key=lambda p: p.R)
        tau_err.append(abs(main.tau / 1e-3 - 1))
        rpol_err.append(abs(drt.polarization_resistance / 50 - 1))
        l2.append(l2_error(drt, zarc_drt(drt.tau, 50, 1e-3, 0.8)))
    assert np.median(tau_err) < 0.03
    assert np.median(rpol_err) < 0.01
    assert np.median(l2) < 0.25


def test_two_zarcs_a_decade_apart_are_resolved():
    for seed in range(3):
        Z = noisy(10 + zarc_impedance(F, 30, 1e-3, 0.9) + zarc_impedance(F, 20, 1e-2, 0.9), seed)
        drt = compute(Spectrum(F, Z))
        big = [p for p in drt.peaks() if p.R > 0.1 * drt.polarization_resistance]
        assert len(big) == 2
        assert big[0].tau == pytest.approx(1e-3, rel=0.15)
        assert big[1].tau == pytest.approx(1e-2, rel=0.2)
        assert big[0].R + big[1].R == pytest.approx(50, rel=0.05)
        assert big[0].R > big[1].R  # 30 Ω vs 20 Ω


def test_finite_warburg_reproduces_its_line_series():
    """DRT of R tanh√(iωτ)/√(iωτ): lines τ_k = τ/((k−½)²π²), R_k = 2R/((k−½)²π²).
    The first line is resolved; the cumulative resistance between lines matches."""
    f = np.logspace(6, -3, 91)
    Z = 5 + warburg_transmissive_impedance(f, 40, 1.0)
    drt = compute(Spectrum(f, Z), lam=1e-6)
    tau_k, r_k = warburg_transmissive_lines(40, 1.0)
    first = max(drt.peaks(0.005), key=lambda p: p.tau)
    assert first.tau == pytest.approx(tau_k[0], rel=0.03)
    assert first.R == pytest.approx(r_k[0], rel=0.05)
    assert drt.polarization_resistance == pytest.approx(40, rel=0.01)
    y = np.log(drt.tau)
    for k in (1, 2, 3):  # resistance above the geometric midpoint between lines k and k+1
        mid = np.sqrt(tau_k[k - 1] * tau_k[k])
        above = np.trapezoid(np.where(drt.tau > mid, drt.gamma, 0), y)
        assert above == pytest.approx(np.sum(r_k[:k]), rel=0.03)


def test_inductance_and_series_resistance_are_recovered():
    Z = 7 + 1j * 2 * np.pi * F * 2e-7 + zarc_impedance(F, 40, 1e-4, 0.85)
    drt = compute(Spectrum(F, Z), lam=1e-5)
    assert drt.L == pytest.approx(2e-7, rel=0.02)
    assert drt.R_inf == pytest.approx(7, abs=0.05)
    off = compute(Spectrum(F, Z), lam=1e-5, inductance=False)
    assert off.L == 0
    assert np.max(np.abs(off.relative_residuals)) > 10 * np.max(np.abs(drt.relative_residuals))


@pytest.mark.parametrize("method", LAMBDA_METHODS)
def test_every_lambda_method_gives_a_sensible_drt(method):
    Z = noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 3)
    drt = compute(Spectrum(F, Z), lam=method)
    assert 1e-7 <= drt.lam <= 1
    assert drt.lambda_choice.method == method
    main = max(drt.peaks(), key=lambda p: p.R)
    assert main.tau == pytest.approx(1e-3, rel=0.15)
    assert drt.polarization_resistance == pytest.approx(50, rel=0.03)


def test_gcv_picks_the_minimum_of_its_score():
    from nakmodel.drt.regularization import score

    Z = noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 4)
    drt = compute(Spectrum(F, Z), lam="gcv")
    choice = drt.lambda_choice
    from nakmodel.drt.basis import make_basis
    from nakmodel.drt.inversion import DRTProblem

    problem = DRTProblem(make_basis("gaussian", np.log(drt.tau_collocation)), F, Z,
                         weights=drt.settings["weights"].replace("none", "") or None,
                         capacitance=drt.settings["capacitance_fitted"])
    best = score(problem, drt.lam, "gcv")
    assert best <= np.min(choice.scores) + 1e-12
    assert best < score(problem, drt.lam * 3, "gcv")
    assert best < score(problem, drt.lam / 3, "gcv")


@pytest.mark.parametrize("basis", ["C2 matern", "C4 matern", "inverse quadratic",
                                   "piecewise linear"])
def test_other_bases_recover_the_zarc(basis):
    Z = 10 + zarc_impedance(F, 50, 1e-3, 0.8)
    # λ = 1e-5 is meant for the unweighted problem (pyDRTtools' convention)
    drt = compute(Spectrum(F, Z), lam=1e-5, basis=basis, derivative_order=2, weights=None)
    assert l2_error(drt, zarc_drt(drt.tau, 50, 1e-3, 0.8)) < 0.08
    # the inverse quadratic's 1/r² tails put some weight beyond the measured τ window
    rel = 0.03 if basis == "inverse quadratic" else 0.01
    assert drt.polarization_resistance == pytest.approx(50, rel=rel)


@pytest.mark.parametrize("data", ["real", "imag"])
def test_real_or_imaginary_part_alone(data):
    Z = 10 + zarc_impedance(F, 50, 1e-3, 0.8)
    drt = compute(Spectrum(F, Z), lam=1e-5, data=data)
    assert drt.polarization_resistance == pytest.approx(50, rel=0.01)
    assert drt.R_inf == pytest.approx(10, abs=0.1)


def test_gamma_is_non_negative_and_fit_is_consistent():
    Z = noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 5)
    drt = compute(Spectrum(F, Z))
    assert np.all(drt.coefficients >= 0) and drt.R_inf >= 0 and drt.L >= 0
    assert np.all(drt.gamma >= -1e-12)
    np.testing.assert_allclose(drt.impedance(F), drt.Z_model, rtol=1e-10)
    np.testing.assert_allclose(drt.Z_fit.Z, drt.Z_model)
    np.testing.assert_allclose(drt.gamma_at(drt.tau), drt.gamma, rtol=1e-10, atol=1e-12)
    # with noise ~1 %, the fit residuals are of the noise level, not of the signal
    assert 0.002 < np.sqrt(np.mean(np.abs(drt.relative_residuals) ** 2)) < 0.02


@pytest.mark.parametrize("kwargs,key", [
    ({"lam": -1.0}, "lam"), ({"lam": "aic"}, "lam"), ({"basis": "sinc"}, "basis"),
    ({"derivative_order": 3}, "derivative_order"), ({"data": "both"}, "data"),
    ({"uncertainty": "mcmc"}, "uncertainty"), ({"fwhm_coefficient": 0}, "fwhm_coefficient"),
    ({"weights": "square"}, "weights"), ({"extend_decades": -1}, "extend_decades"),
])
def test_bad_options_raise_parameter_error_before_solving(kwargs, key):
    Z = 10 + zarc_impedance(F, 50, 1e-3, 0.8)
    with pytest.raises(ParameterError, match=key):
        compute(Spectrum(F, Z), **kwargs)


def test_too_short_spectrum_is_rejected():
    with pytest.raises(ParameterError, match="spectrum"):
        compute((F[:3], zarc_impedance(F[:3], 1, 1e-3, 0.9)))


def test_csv_output_round_trip(tmp_path):
    Z = noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 6)
    drt = compute(Spectrum(F, Z), uncertainty="bootstrap", n_samples=60)
    path = drt.to_csv(tmp_path / "out" / "drt.csv")
    text = path.read_text()
    assert not text.startswith("#") and text.startswith("tau [s],frequency [Hz],gamma [ohm]")
    from nakmodel.drt import load_drt

    data = load_drt(path)
    np.testing.assert_allclose(data.tau, drt.tau, rtol=1e-9)
    np.testing.assert_allclose(data.gamma, drt.gamma, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(data.gamma_lower, drt.gamma_lower, rtol=1e-9, atol=1e-12)
    assert np.all(data.gamma_lower <= data.gamma_upper)
    assert data.unit == "ohm" and data.R_inf == pytest.approx(drt.R_inf, rel=1e-9)
    assert data.polarization_resistance == pytest.approx(drt.polarization_resistance, rel=0.02)


def test_plot_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drt = compute(Spectrum(F, 10 + zarc_impedance(F, 50, 1e-3, 0.8)), lam=1e-4)
    fig, ax = plt.subplots()
    assert drt.plot(ax) is ax
    plt.close(fig)


def test_lambda_at_the_search_bound_warns():
    from nakmodel.drt.regularization import LambdaBoundWarning

    Z = 10 + zarc_impedance(F, 50, 1e-3, 0.8)  # noise-free: GCV keeps decreasing
    with pytest.warns(LambdaBoundWarning, match="search range"):
        drt = compute(Spectrum(F, Z), lam="gcv")
    assert drt.lambda_choice.at_bound
    noisy_drt = compute(Spectrum(F, noisy(Z, 7)), lam="mgcv")
    assert not noisy_drt.lambda_choice.at_bound
