"""Complex non-linear least squares: equivalent circuit R0 + R‖CPE with known truth."""

import numpy as np
import pytest

from nakmodel import cnls_fit as fitting
from nakmodel.errors import ParameterError
from nakmodel.spectrum import Spectrum

TRUTH = {"R0": 12.0, "R1": 45.0, "Q": 2e-5, "n": 0.82}
F = np.logspace(5, -2, 71)


def r_rcpe(p, f):
    """Z = R0 + R1/(1 + R1 Q (iω)^n)."""
    jw = 2j * np.pi * np.asarray(f)
    return p["R0"] + p["R1"] / (1 + p["R1"] * p["Q"] * jw ** p["n"])


def noisy(seed, level=0.005):
    rng = np.random.default_rng(seed)
    Z0 = r_rcpe(TRUTH, F)
    return Spectrum(F, Z0 + level * np.abs(Z0) * (rng.standard_normal(F.size)
                                                  + 1j * rng.standard_normal(F.size)))


START = {"R0": 10.0, "R1": 30.0, "Q": 1e-5, "n": 0.9}
BOUNDS = {"n": (0.3, 1.0), "Q": (1e-9, 1e-2)}


def test_noiseless_fit_recovers_truth_exactly():
    result = fitting.fit(Spectrum(F, r_rcpe(TRUTH, F)), r_rcpe, START, bounds=BOUNDS)
    for k, v in TRUTH.items():
        assert result.values[k] == pytest.approx(v, rel=1e-6)
    assert result.chi2 < 1e-16


def test_confidence_intervals_cover_the_truth_at_about_95_percent():
    """Over 40 noise realisations, each 95 % interval should contain the truth ~95 % of
    the time (binomial: at least 33/40 with probability > 0.99)."""
    hits = {k: 0 for k in TRUTH}
    ses = []
    for seed in range(40):
        result = fitting.fit(noisy(seed), r_rcpe, START, bounds=BOUNDS)
        assert result.success
        for k, v in TRUTH.items():
            lo, hi = result.ci95[k]
            hits[k] += lo <= v <= hi
        ses.append(result.std_errors["R1"])
    for k, count in hits.items():
        assert count >= 33, (k, count)
    # standard errors scale with the noise level
    small = fitting.fit(noisy(0, level=0.0005), r_rcpe, START, bounds=BOUNDS)
    assert small.std_errors["R1"] == pytest.approx(np.mean(ses) / 10, rel=0.35)


def test_result_structure():
    result = fitting.fit(noisy(1), r_rcpe, START, bounds=BOUNDS, weights="unit")
    assert result.names == list(START)
    corr = result.correlation
    np.testing.assert_allclose(np.diag(corr), 1.0, rtol=1e-12)
    assert np.all(np.abs(corr) <= 1 + 1e-12)
    assert result.dof == 2 * F.size - 4
    np.testing.assert_allclose(result.residuals, noisy(1).Z - result.Z_fit)
    assert "R1" in result.summary()


def test_fixed_parameters_and_spectrum_returning_model():
    def model(p, f):
        return Spectrum(f, r_rcpe(p, f))

    result = fitting.fit(noisy(2), model, {"R1": 30.0, "Q": 1e-5},
                         fixed={"R0": 12.0, "n": 0.82})
    assert result.values["R1"] == pytest.approx(45, rel=0.02)
    assert set(result.values) == {"R1", "Q"}


@pytest.mark.parametrize("kwargs,key", [
    ({"bounds": {"n": (0.95, 1.0)}}, "bounds.n"),
    ({"bounds": {"X": (0, 1)}}, "bounds.X"),
    ({"weights": "bogus"}, "weights"),
    ({"weights": np.ones(3)}, "weights"),
])
def test_bad_input_raises_parameter_error(kwargs, key):
    with pytest.raises(ParameterError, match=key):
        fitting.fit(noisy(0), r_rcpe, START, **kwargs)
