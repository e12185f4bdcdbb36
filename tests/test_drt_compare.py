"""Comparison of two spectra through their DRTs, operando series, uncertainty bands, CLI."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nakmodel.drt import compare, compute, drt_series, plot_comparison, plot_drt_heatmap  # noqa: E402
from nakmodel.drt.analytic import zarc_drt, zarc_impedance  # noqa: E402
from nakmodel.spectrum import Spectrum  # noqa: E402

F = np.logspace(6, -2, 81)


def noisy(Z0, seed, level=0.01):
    rng = np.random.default_rng(seed)
    return Z0 + level * np.abs(Z0) * (rng.standard_normal(Z0.size)
                                      + 1j * rng.standard_normal(Z0.size)) / np.sqrt(2)


def two_arcs(scale_tau=1.0, scale_r=1.0):
    return 10 + zarc_impedance(F, 30, 1e-4, 0.85) + zarc_impedance(
        F, 20 * scale_r, 1e-2 * scale_tau, 0.85)


def test_identical_spectra_have_zero_distance_and_unit_ratios():
    s = Spectrum(F, noisy(two_arcs(), 0))
    result = compare(s, s)
    assert result.distance < 1e-12
    assert len(result.matches) == len(result.a.peaks(0.02)) >= 2
    assert not result.unmatched_a and not result.unmatched_b
    for m in result.matches:
        assert m.tau_ratio == pytest.approx(1.0, rel=1e-12)
        assert m.resistance_ratio == pytest.approx(1.0, rel=1e-12)


def test_shifted_and_scaled_arc_is_measured():
    measured = Spectrum(F, noisy(two_arcs(), 1, level=0.002))
    model = Spectrum(F, two_arcs(scale_tau=2.0, scale_r=1.5))
    result = compare(measured, model)
    assert result.b.lam == result.a.lam  # λ chosen on the measurement, reused
    np.testing.assert_array_equal(result.b.tau, result.a.tau)
    slow = max(result.matches, key=lambda m: m.a.tau)
    fast = min(result.matches, key=lambda m: m.a.tau)
    assert slow.tau_ratio == pytest.approx(2.0, rel=0.08)
    assert slow.resistance_ratio == pytest.approx(1.5, rel=0.08)
    # the fast arc is unchanged; its apparent peak moves a little with its neighbour's tail
    assert fast.tau_ratio == pytest.approx(1.0, rel=0.1)
    assert fast.resistance_ratio == pytest.approx(1.0, rel=0.1)
    assert result.distance > 0.2
    assert "τ_b/τ_a" in result.summary()


def test_compare_accepts_computed_drts_and_plots_modes():
    a = compute(Spectrum(F, two_arcs()), lam=1e-4)
    b = compute(Spectrum(F, two_arcs(scale_r=1.2)), lam=1e-4)
    result = compare(a, b)
    assert result.polarization_resistance_ratio == pytest.approx(54 / 50, rel=0.01)
    fig, ax = plt.subplots()
    assert plot_comparison(ax, result, modes=[(1e-4, 30.0), (1e-2, 20.0)]) is ax
    plt.close(fig)


def test_series_uses_one_lambda_and_one_grid_and_tracks_a_growing_arc():
    spectra = [Spectrum(F, noisy(two_arcs(scale_r=r), k, 0.003)) for k, r in
               enumerate([0.5, 1.0, 1.5, 2.0])]
    series = drt_series(spectra, x=[0.2, 0.4, 0.7, 1.0], x_label="i / mA cm⁻²")
    assert series.gamma.shape == (4, series.tau.size)
    assert len({d.lam for d in series.drts}) == 1
    slow_r = [max((p for p in d.peaks() if p.tau > 1e-3), key=lambda p: p.R).R
              for d in series.drts]
    # basin integrals of overlapping ZARCs (φ = 0.85) split R only to ~10 % at the
    # automatically chosen λ (the small arc leaks into the big one's basin)
    np.testing.assert_allclose(slow_r, [10, 20, 30, 40], rtol=0.1)
    fig, ax = plt.subplots()
    assert plot_drt_heatmap(ax, series) is ax
    plt.close(fig)


@pytest.mark.parametrize("method", ["bayesian", "bootstrap"])
def test_uncertainty_band_covers_the_true_drt(method):
    Z = noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 2)
    drt = compute(Spectrum(F, Z), uncertainty=method, n_samples=300, level=0.95)
    assert np.all(drt.gamma_lower <= drt.gamma_upper)
    truth = zarc_drt(drt.tau, 50, 1e-3, 0.8)
    core = (drt.tau > 1e-5) & (drt.tau < 1e-1)
    inside = (truth >= drt.gamma_lower) & (truth <= drt.gamma_upper)
    coverage = np.mean(inside[core])
    width = np.mean((drt.gamma_upper - drt.gamma_lower)[core]) / truth.max()
    # measured over 8 noise seeds: Bayesian 0.71-0.87, bootstrap 0.37-0.54 pointwise
    # coverage of the 95 % band (neither band contains the regularisation bias fully;
    # the bootstrap at fixed λ sees only the noise and is about half as wide)
    if method == "bayesian":
        assert coverage > 0.65
        assert 0.05 < width < 0.2
    else:
        assert coverage > 0.3
        assert 0.02 < width < 0.1


def test_exact_hmc_samples_a_truncated_gaussian():
    """2-D check of the exact HMC against the known marginal of a truncated normal."""
    from scipy.stats import truncnorm

    from nakmodel.drt.uncertainty import truncated_normal_hmc

    mean = np.array([0.3, -0.5])
    root = np.diag([1.0, 2.0])  # independent coordinates
    samples = truncated_normal_hmc(mean, root, np.array([1.0, 1.0]), 4000,
                                   np.random.default_rng(0))
    assert samples.min() >= -1e-12
    for k in range(2):
        a = (0 - mean[k]) / root[k, k]
        expected = truncnorm(a, np.inf, loc=mean[k], scale=root[k, k]).mean()
        assert samples[:, k].mean() == pytest.approx(expected, rel=0.05)


def test_cli_writes_csv_and_figure(tmp_path):
    from nakmodel.cli import main

    path = tmp_path / "cell.csv"
    Z = noisy(two_arcs(), 3, 0.003)
    np.savetxt(path, np.column_stack([F, Z.real, Z.imag]), delimiter=",",
               header="frequency_Hz,Z_real_ohm,Z_imag_ohm", comments="")
    out = tmp_path / "out"
    code = main(["--quiet", "drt", str(path), "--lam", "gcv", "--out", str(out), "--area", "1.5",
                 "--uncertainty", "bootstrap"])
    assert code == 0
    assert (out / "cell_drt.csv").stat().st_size > 1000
    assert (out / "cell_drt.png").stat().st_size > 10000
    assert main(["drt", str(path), "--lam", "abc", "--out", str(out)]) == 2
    assert main(["drt", str(tmp_path / "missing.csv"), "--out", str(out)]) == 2


@pytest.mark.slow
def test_exact_hmc_band_agrees_with_perturbation_band_at_the_peak():
    f = np.logspace(5, -1, 31)
    Z = noisy(5 + zarc_impedance(f, 20, 1e-3, 0.85), 0)
    hmc = compute((f, Z), lam=1e-2, uncertainty="hmc", n_samples=200)
    pert = compute((f, Z), lam=1e-2, uncertainty="bayesian", n_samples=400)
    peak = np.argmax(hmc.gamma)
    assert hmc.gamma_lower[peak] == pytest.approx(pert.gamma_lower[peak], rel=0.1)
    assert hmc.gamma_upper[peak] == pytest.approx(pert.gamma_upper[peak], rel=0.1)
    assert np.all(hmc.gamma_lower >= 0)


def test_deconvolution_into_gaussians_and_peak_capacitance():
    Z = 10 + zarc_impedance(F, 30, 1e-4, 0.95) + zarc_impedance(F, 20, 1e-2, 0.95)
    drt = compute(Spectrum(F, Z), lam=1e-4)
    fast, slow = drt.deconvolve(2)
    assert fast.tau == pytest.approx(1e-4, rel=0.1)
    assert slow.tau == pytest.approx(1e-2, rel=0.1)
    assert fast.R == pytest.approx(30, rel=0.05)
    assert slow.R == pytest.approx(20, rel=0.05)
    np.testing.assert_allclose(fast(drt.tau) + slow(drt.tau), drt.gamma,
                               atol=0.1 * drt.gamma.max())  # ZARCs are not Gaussians
    peak = max(drt.peaks(), key=lambda p: p.R)
    assert peak.capacitance == pytest.approx(peak.tau / peak.R)


def test_modulus_weighting_recovers_the_zarc():
    """Rows weighted by 1/|Z| (normalised to mean 1): same DRT for exact data."""
    Z = 10 + zarc_impedance(F, 50, 1e-3, 0.8)
    weighted = compute(Spectrum(F, Z), lam=1e-5, weights="modulus")
    plain = compute(Spectrum(F, Z), lam=1e-5)
    assert weighted.polarization_resistance == pytest.approx(50, rel=2e-3)
    y = np.log(plain.tau)
    difference = np.sqrt(np.trapezoid((weighted.gamma - plain.gamma) ** 2, y)
                         / np.trapezoid(plain.gamma**2, y))
    assert difference < 0.05


def test_cli_series_file_gets_a_heatmap(tmp_path):
    from nakmodel.cli import main

    path = tmp_path / "operando.csv"
    rows = []
    for cycle, r in enumerate([0.5, 1.0, 1.5]):
        Z = noisy(two_arcs(scale_r=r), cycle, 0.003)
        rows += [(cycle, f, z.real, z.imag) for f, z in zip(F, Z, strict=True)]
    np.savetxt(path, np.array(rows), delimiter=",", comments="",
               header="cycle,frequency_Hz,Z_real_ohm,Z_imag_ohm")
    out = tmp_path / "out"
    assert main(["--quiet", "drt", str(path), "--out", str(out), "--uncertainty", "none"]) == 0
    assert (out / "operando_drt_series.png").exists()
    assert len(list(out.glob("operando_*_drt.csv"))) == 3


def test_series_input_checks_and_lambda_plot():
    from nakmodel.errors import ParameterError

    spectra = [Spectrum(F, two_arcs()), Spectrum(F, two_arcs(scale_r=1.1))]
    with pytest.raises(ParameterError, match="x"):
        drt_series(spectra, x=[1.0])
    with pytest.raises(ParameterError, match="spectra"):
        drt_series([])
    series = drt_series(spectra, lam=1e-3)
    assert series.lam == 1e-3 and np.all(series.x == [0, 1])
    drt = compute(spectra[0], lam="rgcv")
    fig, ax = plt.subplots()
    assert drt.lambda_choice.plot(ax) is ax
    plt.close(fig)
