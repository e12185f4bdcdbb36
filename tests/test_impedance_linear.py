"""Transfer function and relaxation modes of linearised systems (analytic circuits)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from nakmodel.errors import ParameterError
from nakmodel.impedance import LinearizedSystem


def randles(R_b=10.0, R_ct=50.0, C=1e-5):
    """u = [η, φ_b]: C dη/dt + η/R_ct = I ; φ_b − R_b I = 0 ; V = η + φ_b."""
    J = sp.csr_matrix(np.array([[1 / R_ct, 0.0], [0.0, 1.0]]))
    M = sp.csr_matrix(np.array([[C, 0.0], [0.0, 0.0]]))
    return LinearizedSystem(J, M, b=[1.0, R_b], c=[1.0, 1.0], dof_region=np.array([0, 1]),
                            region_names=["interface", "ceramic"])


def transmission_line(n=400, R_total=2.0, C_total=3.0, transmissive=False):
    """Finite-length diffusion as a cell-centred RC ladder of n cells.

    Reflective end: no current leaves the last cell; transmissive: the last
    cell is tied to ground through half a cell resistance.  The first half
    cell resistance is the direct term d.
    """
    r, c = R_total / n, C_total / n
    main = np.full(n, 2 / r)
    main[-1] = 1 / r
    off = np.full(n - 1, -1 / r)
    J = sp.diags([off, main, off], [-1, 0, 1]).tocsr()
    J = J.tolil()
    J[0, 0] = 1 / r  # current enters at cell 0 through half a cell (d below)
    if transmissive:
        J[n - 1, n - 1] += 2 / r
    M = sp.diags(np.full(n, c))
    b = np.zeros(n)
    b[0] = 1.0
    return LinearizedSystem(J.tocsr(), M, b=b, c=b.copy(), d=r / 2)


def test_randles_analytic():
    sysm = randles()
    f = np.logspace(-2, 6, 41)
    w = 2 * np.pi * f
    exact = 10.0 + 50.0 / (1 + 1j * w * 50.0 * 1e-5)
    np.testing.assert_allclose(sysm.impedance(f), exact, rtol=1e-12)
    modes = sysm.modes()
    assert modes.Z_inf.real == pytest.approx(10.0)
    assert modes.tau == pytest.approx([5e-4])
    assert modes.R == pytest.approx([50.0])
    assert modes.region == ["interface"]
    np.testing.assert_allclose(modes.impedance(f), exact, rtol=1e-12)


def test_residues_sum_to_polarisation_resistance():
    sysm = transmission_line(transmissive=True)
    modes = sysm.modes()
    z0 = sysm.dc_resistance()
    assert z0 == pytest.approx(2.0, rel=1e-12)  # n cells in series
    assert np.sum(modes.R) == pytest.approx(z0 - modes.Z_inf.real, rel=1e-9)
    f = np.logspace(-3, 3, 13)
    np.testing.assert_allclose(modes.impedance(f), sysm.impedance(f), rtol=1e-8)


def test_transmission_line_tends_to_finite_warburg():
    """Z = R_d coth(√(iωτ))/√(iωτ), τ = R_d C_d (reflective finite-length Warburg)."""
    R_d, C_d = 2.0, 3.0
    sysm = transmission_line(n=800, R_total=R_d, C_total=C_d)
    f = np.logspace(-3, 0, 10)
    s = np.sqrt(1j * 2 * np.pi * f * R_d * C_d)
    exact = R_d / (s * np.tanh(s))
    errors = [np.max(np.abs(transmission_line(n, R_d, C_d).impedance(f) - exact) / np.abs(exact))
              for n in (100, 200, 400)]
    # cell-centred ladder: second order, the error quarters when n doubles
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 1.9)
    assert np.max(np.abs(sysm.impedance(f) - exact) / np.abs(exact)) < 1e-4


@pytest.mark.parametrize("freqs", [[], [0.0, 1.0], [-1.0], [np.nan], [np.inf, 1.0]])
def test_bad_frequencies(freqs):
    with pytest.raises(ParameterError, match="frequencies"):
        randles().impedance(freqs)
