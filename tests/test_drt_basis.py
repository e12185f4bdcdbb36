"""DRT discretisation: matrices against direct quadrature, exact limits, penalties."""

import numpy as np
import pytest
from scipy import integrate
from scipy.special import expit

from nakmodel.drt.basis import _SHAPES, BASIS_NAMES, make_basis, shape_factor
from nakmodel.errors import ParameterError

GRID = np.log(1 / (2 * np.pi * np.logspace(4, -2, 31)))
RBFS = [b for b in BASIS_NAMES if b != "piecewise linear"]


def _direct_A(basis, omega, m):
    phi = basis.evaluate
    y_m = basis.ln_tau[m]

    def gamma(y):
        return phi(np.array([y]))[0, m]

    def k_re(y):
        return expit(-2 * (np.log(omega) + y))

    def k_im(y):
        t = np.abs(np.log(omega) + y)
        return np.exp(-t) / (1 + np.exp(-2 * t))

    if basis.name == "inverse quadratic":  # algebraic tails: integrate to infinity
        parts = [(-np.inf, y_m), (y_m, np.inf)]
    else:
        parts = [(y_m - 60, y_m), (y_m, y_m + 60)]
    re = sum(integrate.quad(lambda y: gamma(y) * k_re(y), lo, hi, limit=400, epsabs=1e-13,
                            epsrel=1e-11)[0] for lo, hi in parts)
    im = -sum(integrate.quad(lambda y: gamma(y) * k_im(y), lo, hi, limit=400, epsabs=1e-13,
                             epsrel=1e-11)[0] for lo, hi in parts)
    return re, im


@pytest.mark.parametrize("name", [*RBFS, "piecewise linear"])
def test_impedance_matrices_match_direct_quadrature(name):
    basis = make_basis(name, GRID, 0.5)
    omega = 2 * np.pi * np.array([3e3, 1.0, 0.05])
    a_re, a_im = basis.impedance_matrices(omega)
    for n, w in enumerate(omega):
        for m in (0, 12, 30):
            re, im = _direct_A(basis, w, m)
            scale = basis.areas()[m]
            assert abs(a_re[n, m] - re) <= 1e-8 * scale
            assert abs(a_im[n, m] - im) <= 1e-8 * scale


@pytest.mark.parametrize("name", [*RBFS, "piecewise linear"])
def test_dc_limit_is_basis_area(name):
    """ω → 0: A_re → ∫φ_m (the area), A_im → 0; ω → ∞: both → 0."""
    basis = make_basis(name, GRID, 0.5)
    a_re, a_im = basis.impedance_matrices(np.array([1e-12, 1e12]))
    interior = slice(5, -5)
    # the inverse quadratic decays like 1/r²: at ln(ωτ) ≈ −30 a tail ~ 1/(30 ε) is left
    rtol = 1e-2 if name == "inverse quadratic" else 1e-9
    np.testing.assert_allclose(a_re[0, interior], basis.areas()[interior], rtol=rtol)
    assert np.max(np.abs(a_im[0])) < rtol * basis.areas().max()
    assert np.max(np.abs(a_re[1, interior])) < rtol * basis.areas().max()


@pytest.mark.parametrize("name", RBFS)
@pytest.mark.parametrize("order", [1, 2])
def test_penalty_matches_quadrature_of_derivatives(name, order):
    if name == "C0 matern" and order == 2:
        with pytest.raises(ParameterError):
            make_basis(name, GRID, 0.5).penalty(2)
        return
    basis = make_basis(name, GRID, 0.5)
    M = basis.penalty(order)
    eps = basis.epsilon
    f = basis.shape.function
    y = basis.ln_tau
    for i, j in [(10, 10), (10, 11), (10, 14)]:
        def integrand(x, i=i, j=j):
            return eps ** (2 * order) * f(eps * (x - y[i]), order) * f(eps * (x - y[j]), order)

        ref = integrate.quad(integrand, y[i] - 80 / eps, y[j] + 80 / eps,
                             points=[y[i], y[j]], limit=500, epsabs=1e-12)[0]
        assert M[i, j] == pytest.approx(ref, rel=1e-7, abs=1e-10 * abs(M[i, i]))
    assert np.allclose(M, M.T)
    assert np.linalg.eigvalsh(M).min() > -1e-9 * np.abs(M).max()


@pytest.mark.parametrize("name", RBFS)
def test_shape_derivatives_are_consistent(name):
    f = _SHAPES[name.lower()].function
    r = np.linspace(-4, 4, 161)
    r = r[np.abs(r) > 1e-3]
    h = 1e-5
    np.testing.assert_allclose(f(r, 1), (f(r + h) - f(r - h)) / (2 * h), atol=1e-7)
    if name != "C0 matern":
        np.testing.assert_allclose(f(r, 2), (f(r + h, 1) - f(r - h, 1)) / (2 * h), atol=1e-6)


def test_unit_integrals_and_fwhm_coefficient():
    for key, shape in _SHAPES.items():
        total = integrate.quad(lambda r, s=shape: s.function(np.array(r)), -np.inf, np.inf,
                               limit=400)[0]
        assert total == pytest.approx(shape.unit_integral, rel=1e-8), key
    # ε = c FWHM₁ / mean Δ ln τ; for the Gaussian FWHM₁ = 2√ln2
    eps = shape_factor("gaussian", GRID, 0.5)
    spacing = np.mean(np.abs(np.diff(GRID)))
    assert eps == pytest.approx(0.5 * 2 * np.sqrt(np.log(2)) / spacing, rel=1e-12)
    basis = make_basis("gaussian", GRID, 0.5)
    # FWHM of one basis function in ln τ equals spacing / c
    y = np.linspace(GRID[15] - 2, GRID[15] + 2, 40001)
    g = basis.evaluate(y)[:, 15]
    above = y[g >= 0.5]
    assert above[-1] - above[0] == pytest.approx(spacing / 0.5, rel=1e-3)


def test_piecewise_linear_penalty_is_exact_first_derivative_norm():
    grid = np.log(np.sort(np.random.default_rng(0).uniform(1e-4, 1, 12)))
    basis = make_basis("piecewise linear", grid)
    x = np.random.default_rng(1).random(grid.size)
    # ∫ (γ')² for the piecewise-linear γ
    exact = np.sum(np.diff(x) ** 2 / np.diff(np.sort(grid)))
    assert x @ basis.penalty(1) @ x == pytest.approx(exact, rel=1e-12)


def test_bad_basis_and_grid_raise_parameter_error():
    with pytest.raises(ParameterError, match="basis"):
        make_basis("sinc", GRID)
    with pytest.raises(ParameterError, match="tau"):
        make_basis("gaussian", GRID[:2])
    with pytest.raises(ParameterError, match="fwhm_coefficient"):
        make_basis("gaussian", GRID, -1.0)
