"""Impedance of the FE model: analytic Randles/Warburg limits, GEIS = PEIS, exact modes,
Kramers–Kronig, time-domain cross-check and input validation (1D, fast).

Verification configuration (every feature visible between 1 mHz and 10 MHz): NASICON
10 µm, σ = 0.01 S/m, εr = 100 (τ_g = ε0 εr/σ = 89 ns); WE i0 = 50 A/m², C_dl = 0.1 F/m²;
CE i0 = 20 A/m², C_dl = 10 F/m²; alloy NaK x = 0.5, 10 µm, interdiffusivity factor 1e-4
(τ_d = L²/D ≈ 1.7e3 s).  The analytic reference is built from the model's own numbers
(numpy mirrors of its constitutive functions), never from the FE solution.
"""

from __future__ import annotations

import dolfinx_solver  # noqa: F401, I001

import numpy as np
import pytest

from nakmodel.errors import ParameterError
from nakmodel.impedance import impedance, linearise, relaxation_spectrum
from nakmodel.impedance.model import EPSILON_0, interface_coefficients
from nakmodel.impedance.modes import dense_modes, slepc_modes
from nakmodel.model.meshes import interval_cell
from nakmodel.model.problem import CoupledProblem
from nakmodel.model.verification import randles_materials

FARADAY, GAS, T = 96485.33212331001, 8.31446261815324, 298.15
L_N, L_A, SIGMA, EPS_R = 10e-6, 10e-6, 0.01, 100.0
I0_WE, CDL_WE, I0_CE, CDL_CE = 50.0, 0.1, 20.0, 10.0


def _problem(n_alloy=200, grading=1e3, x=0.5):
    cm = interval_cell(L_N, L_A, n_nasicon=4, n_alloy=n_alloy, grading=grading)
    materials = randles_materials()  # the values below, on the default parameter set
    assert (materials["nasicon"].conductivity, materials["working"].exchange_current_density,
            materials["working"].double_layer_capacitance,
            materials["counter"].exchange_current_density,
            materials["counter"].double_layer_capacitance) == (SIGMA, I0_WE, CDL_WE, I0_CE,
                                                               CDL_CE)
    return CoupledProblem(cm, temperature=T, x_initial=x, **materials)


@pytest.fixture(scope="module")
def problem():
    return _problem()


def _analytic(problem, f, eps_r=EPS_R):
    """R_b ∥ C_g + (R_ct + Z_W) ∥ C_dl + R_ct,CE ∥ C_dl,CE  (per m², 1D).

    Finite-length reflective Warburg of the alloy film (derived in the module doc of
    nakmodel.impedance.model / report): with δc_s the interface content change,
    δU = (dU/dc) δc_s and D δc'' = iω δc, −D ∂δc/∂n = δi/F at the interface, zero flux at
    the collector: Z_W = R_d coth√(iωτ)/√(iωτ), R_d = |dU/dc| L/(F D), τ = L²/D.
    """
    w = 2 * np.pi * f
    k = interface_coefficients(problem)  # the model's own constitutive derivatives
    D = k["diffusivity"]
    r_d = abs(k["dU_dc"]) * L_A / (FARADAY * D)
    tau = L_A**2 / D
    s = np.sqrt(1j * w * tau)
    z_w = r_d / np.tanh(s) / s
    r_ct = 1.0 / k["conductance"]
    r_ce = GAS * T / (FARADAY * I0_CE)  # α_a + α_c = 1
    z_b = 1.0 / (1.0 / (L_N / SIGMA) + 1j * w * EPSILON_0 * eps_r / L_N)
    z_we = 1.0 / (1.0 / (r_ct + z_w) + 1j * w * CDL_WE)
    z_ce = 1.0 / (1.0 / r_ce + 1j * w * CDL_CE)
    return z_b + z_we + z_ce, dict(r_d=r_d, tau=tau, r_ct=r_ct, r_ce=r_ce, z_w=z_w)


def test_randles_1d_matches_analytic(problem):
    f = np.logspace(-3, 7, 61)
    spec = impedance(problem, frequencies=f, relative_permittivity=EPS_R)
    z_ref, parts = _analytic(problem, f)
    err = np.abs(spec.Z / z_ref - 1)
    assert err.max() < 5e-3, err.max()
    # every feature is visible: each resistance is >= 10 % of the largest
    sizes = [L_N / SIGMA, parts["r_ct"], parts["r_ce"], parts["r_d"]]
    assert min(sizes) > 0.1 * max(sizes)
    # area-specific output of a 1D (per m²) mesh is the same number
    spec_a = impedance(problem, frequencies=f[:3], relative_permittivity=EPS_R,
                       area_specific=True)
    assert np.allclose(spec_a.Z, spec.Z[:3] * problem.area_nominal)


def test_alloy_film_alone_is_reflective_warburg(problem):
    """Remove the bulk, CE and double layer from the FE spectrum: what is left is Z_W."""
    f = np.logspace(-3, 1, 25)
    w = 2 * np.pi * f
    Z = linearise(problem, relative_permittivity=0.0).impedance(f)
    _, parts = _analytic(problem, f, eps_r=0.0)
    z_ce = 1.0 / (1.0 / parts["r_ce"] + 1j * w * CDL_CE)
    z_we = Z - L_N / SIGMA - z_ce
    z_w = 1.0 / (1.0 / z_we - 1j * w * CDL_WE) - parts["r_ct"]
    err = np.abs(z_w / parts["z_w"] - 1)
    assert err.max() < 5e-3, err.max()
    # semi-infinite (45°) limit of coth√(iωτ)/√(iωτ) well above 1/τ
    hi = f * parts["tau"] > 1e3
    assert np.allclose(np.angle(z_w[hi], deg=True), -45, atol=3)


def test_galvanostatic_equals_potentiostatic(problem):
    f = np.logspace(-3, 7, 21)
    zg = impedance(problem, frequencies=f, mode="galvanostatic").Z
    zp = impedance(problem, frequencies=f, mode="potentiostatic").Z
    assert np.max(np.abs(zp / zg - 1)) < 1e-8


def test_modes_residues_and_regions(problem):
    lin = linearise(problem, relative_permittivity=EPS_R)
    spec = dense_modes(lin)
    z_r0 = lin.dc_resistance()
    assert abs(spec.total_resistance - (z_r0 - spec.Z_inf.real)) < 1e-6 * abs(z_r0)
    # inventory capacitor: C = F ∫dV / |dU/dc| (uniform film)
    c_chem = FARADAY * L_A / abs(interface_coefficients(problem)["dU_dc"])
    assert spec.series_capacitance == pytest.approx(c_chem, rel=1e-3)
    f = np.logspace(-3, 7, 31)
    assert np.max(np.abs(spec.impedance(f) / lin.impedance(f) - 1)) < 1e-6
    # attribution: the ceramic mode is τ_g = ε0 εr/σ with R = R_b; CE: τ = R_ct,CE C_dl,CE
    big = {region: [(t, r) for t, r, reg in spec.table() if reg == region and r > 1e-5]
           for region in ("ceramic", "counter electrode", "interface", "alloy bulk")}
    (tau_g, r_g), = big["ceramic"]
    assert tau_g == pytest.approx(EPSILON_0 * EPS_R / SIGMA, rel=1e-6)
    assert r_g == pytest.approx(L_N / SIGMA, rel=1e-6)
    r_ce = GAS * T / (FARADAY * I0_CE)
    (tau_ce, res_ce), = big["counter electrode"]
    assert tau_ce == pytest.approx(r_ce * CDL_CE, rel=1e-3)
    assert res_ce == pytest.approx(r_ce, rel=1e-3)
    assert len(big["interface"]) == 1 and len(big["alloy bulk"]) >= 1


def test_slepc_first_modes_match_dense(problem):
    lin = linearise(problem, relative_permittivity=EPS_R)
    dense = dense_modes(lin).table()[:8]
    slepc = slepc_modes(lin, 8).table()
    tau_d, tau_s = np.array([r[0] for r in dense]), np.array([r[0] for r in slepc])
    r_d, r_s = np.array([r[1] for r in dense]), np.array([r[1] for r in slepc])
    assert np.max(np.abs(tau_s / tau_d - 1)) < 1e-6
    assert np.max(np.abs(r_s / r_d - 1)) < 1e-3
    assert [r[2] for r in slepc] == [r[2] for r in dense]


def test_relaxation_spectrum_api(problem):
    spec = relaxation_spectrum(problem, relative_permittivity=EPS_R, n_modes=5)
    assert len(spec) == 5
    assert np.all(np.diff([row[0] for row in spec.table()]) <= 0)  # slowest first
    assert set(spec.region) <= {"alloy bulk", "interface", "ceramic", "counter electrode"}


def test_model_spectrum_passes_kramers_kronig(problem):
    from nakmodel.drt import kramers_kronig

    f = np.logspace(-2, 7, 91)  # 10 points per decade
    spec = impedance(problem, frequencies=f, relative_permittivity=EPS_R)
    result = kramers_kronig(spec, warn=False)
    assert result.passed, result.summary()
    assert result.max_residual < 1e-3


@pytest.mark.parametrize("bad", [[1.0, -1.0], [0.0], [np.nan], [np.inf], []])
def test_bad_frequencies_raise(problem, bad):
    with pytest.raises(ParameterError, match="frequenc"):
        impedance(problem, frequencies=bad)


def test_bad_mode_and_flags_raise(problem):
    with pytest.raises(ParameterError, match="mode"):
        impedance(problem, frequencies=[1.0], mode="galvanic")
    with pytest.raises(ParameterError, match="area_specific"):
        impedance(problem, frequencies=[1.0], area_specific="yes")
    with pytest.raises(ParameterError, match="relative_permittivity"):
        impedance(problem, frequencies=[1.0], relative_permittivity=-1.0)


def test_unconverged_state_raises():
    pb = _problem(n_alloy=20, grading=1.0)
    phi = pb.phi_dofs
    pb.u.x.array[phi[len(phi) // 2]] += 1e-3  # breaks the NASICON charge balance
    with pytest.raises(ParameterError, match="not a converged"):
        impedance(pb, frequencies=[1.0])


def test_solid_k_interface_has_a_finite_impedance():
    """Solid K over the whole interface blocks stripping but still reduces Na+ (issue #11,
    interface.solid_k_exchange_current_density): Z is finite, with a larger charge-transfer
    resistance than the liquid interface."""
    solid = impedance(_problem(n_alloy=20, grading=1.0, x=1e-3), frequencies=[1e-2])
    liquid = impedance(_problem(n_alloy=20, grading=1.0), frequencies=[1e-2])
    z_s, z_l = np.asarray(solid.Z), np.asarray(liquid.Z)
    assert np.all(np.isfinite(z_s)) and np.all(z_s.real > 0)
    assert z_s.real[0] > z_l.real[0]


def test_time_domain_matches_frequency_domain():
    """Sine current on the transient model (backward Euler + Richardson, lock-in) vs the
    linearisation at five frequencies: within 1 %."""
    from nakmodel.impedance.timedomain import time_domain_impedance

    pb = _problem(n_alloy=30, grading=1e2)
    f = np.array([0.3, 3.0, 30.0, 300.0, 3000.0])
    z_fd = linearise(pb).impedance(f)
    z_td = time_domain_impedance(pb, f, steps_per_period=60)
    err = np.abs(z_td / z_fd - 1)
    assert err.max() < 1e-2, err


def test_time_domain_shows_the_geometric_arc():
    """The geometric capacitance is in the model's mass: the transient model (time stepping,
    lock-in) reproduces the bulk arc R_b || C_g around f_g = σ/(2π ε0 εr) ≈ 1.8 MHz as the
    frequency domain does (1 %), where the model without it (εr = 0) is off by 15-300 %."""
    from nakmodel.impedance.timedomain import time_domain_impedance

    pb = _problem(n_alloy=30, grading=1e2)
    assert pb.nasicon.relative_permittivity == EPS_R  # the model's own εr
    f = np.array([3e5, 1.8e6, 6e6])
    z_fd = linearise(pb).impedance(f)
    z_td = time_domain_impedance(pb, f, steps_per_period=60)
    assert np.max(np.abs(z_td / z_fd - 1)) < 1e-2
    z_no_cg = linearise(pb, relative_permittivity=0.0).impedance(f)
    assert np.min(np.abs(z_no_cg / z_fd - 1)) > 0.1
    # at f_g the bulk arc is at its apex: -Im Z = R_b/2 (other elements are shorted there)
    r_b = L_N / SIGMA
    assert -z_td[1].imag == pytest.approx(0.5 * r_b, rel=0.05)


def test_krylov_reduction_matches_direct(problem):
    from nakmodel.impedance.model import galvanostatic_impedance, krylov_impedance

    lin = linearise(problem, relative_permittivity=EPS_R)
    f = np.logspace(-3, 7, 61)
    z_direct = galvanostatic_impedance(lin.system, f)
    z_krylov = krylov_impedance(lin.system, f)
    assert np.max(np.abs(z_krylov / z_direct - 1)) < 1e-8
    with pytest.raises(ParameterError, match="method"):
        lin.impedance(f, method="fast")


def test_direct_impedance_equals_dense_solves(problem):
    """The direct route (scaled complex LU, one ordering reused over all frequencies) gives
    the dense solution of (J + iωM) x = b at every frequency, 1 mHz to 10 MHz."""
    from nakmodel.impedance.model import galvanostatic_impedance

    sysm = linearise(problem, relative_permittivity=EPS_R).system
    f = np.logspace(-3, 7, 21)
    J, M = sysm.J.toarray(), sysm.M.toarray()
    dense = np.array([sysm.c @ np.linalg.solve(J + 2j * np.pi * fk * M, sysm.b) + sysm.d
                      for fk in f])
    np.testing.assert_allclose(galvanostatic_impedance(sysm, f), dense, rtol=1e-10)


def test_package_is_callable(problem):
    import nakmodel
    import nakmodel.impedance as package

    f = [1.0, 1e3]
    assert np.allclose(package(problem, frequencies=f).Z, impedance(problem, frequencies=f).Z)
    assert nakmodel.impedance is package  # the submodule import bound the name


def test_plot_modes_over_drt(problem):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.drt import compute
    from nakmodel.impedance import plot_modes

    f = np.logspace(-2, 7, 91)
    spec = impedance(problem, frequencies=f, relative_permittivity=EPS_R)
    modes = relaxation_spectrum(problem, relative_permittivity=EPS_R)
    fig, ax = plt.subplots()
    out = plot_modes(ax, modes, drt=compute(spec, lam=1e-6), fraction=1e-3)
    assert out is ax
    drawn = sum(len(c.get_segments()) for c in ax.collections)
    assert drawn == len(modes.significant(1e-3))
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"ceramic", "interface",
                                                                   "counter electrode"}
    plt.close(fig)
    with pytest.raises(ParameterError, match="scale"):
        plot_modes(ax, modes, scale="log")
