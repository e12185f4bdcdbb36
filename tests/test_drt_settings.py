"""One DRT for every entry point: the shared defaults, the series capacitance and
inductance, R∞ not absorbed into a peak, extrapolated peaks, λ bound warnings.

References are closed forms (RC, ZARC: Boukamp, Electrochim. Acta 252 (2017) 154) and the
FE model's exact modal spectrum (:func:`nakmodel.relaxation_spectrum`), never the DRT
itself.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakmodel.drt import DEFAULT_SETTINGS, DRTSettings, LambdaBoundWarning, compute
from nakmodel.drt.analytic import zarc_drt, zarc_impedance
from nakmodel.drt.settings import needs_series_capacitance
from nakmodel.errors import ParameterError
from nakmodel.spectrum import Spectrum

F = np.logspace(6, -3, 91)
W = 2 * np.pi * F


def noisy(Z0, seed, level=0.002):
    rng = np.random.default_rng(seed)
    return Z0 + level * np.abs(Z0) * (rng.standard_normal(Z0.size)
                                      + 1j * rng.standard_normal(Z0.size)) / np.sqrt(2)


def rc(R, tau):
    return R / (1 + 1j * W * tau)


def quiet_compute(spectrum, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LambdaBoundWarning)
        return compute(spectrum, **options)


# ---------------------------------------------------------------- series capacitance
@pytest.mark.parametrize("noise_seed", [None, 3])
def test_rc_plus_series_capacitor_gives_c_and_one_peak(noise_seed):
    """R∞ + R/(1 + iωτ) + 1/(iωC) + iωL: the default DRT recovers C, R∞, L and one peak
    at τ with resistance R, and no peak at the long-τ end."""
    R_inf, R, tau, C, L = 12.0, 40.0, 1e-3, 2e-3, 2e-7
    f = np.logspace(6, -1, 71)  # at 1 mHz noise ∝ |Z| ≈ 1/(ωC) would exceed R itself
    w = 2 * np.pi * f
    Z = R_inf + R / (1 + 1j * w * tau) + 1 / (1j * w * C) + 1j * w * L
    if noise_seed is not None:
        Z = noisy(Z, noise_seed)
    drt = quiet_compute(Spectrum(f, Z))
    assert drt.settings["capacitance_fitted"]
    assert drt.C == pytest.approx(C, rel=0.01)
    assert drt.R_inf == pytest.approx(R_inf, rel=0.01)
    assert drt.L == pytest.approx(L, rel=0.05)
    peaks = [p for p in drt.relaxations() if p.R > 0.02 * R]
    assert len(peaks) == 1
    assert peaks[0].tau == pytest.approx(tau, rel=0.05)
    assert peaks[0].R == pytest.approx(R, rel=0.02)
    assert drt.polarization_resistance == pytest.approx(R, rel=0.02)
    assert not any(p.extrapolated and p.R > 0.01 * R for p in drt.peaks())


def test_without_the_capacitance_term_the_capacitor_becomes_a_long_tau_artefact():
    """The same spectrum inverted without C: the capacitor is forced into γ at the end of
    the grid (an extrapolated 'peak' far larger than R): what the term removes."""
    Z = 12.0 + zarc_impedance(F, 40.0, 1e-3, 0.85) + 1 / (1j * W * 2e-3)
    with_c = quiet_compute(Spectrum(F, Z))
    without = quiet_compute(Spectrum(F, Z), capacitance=False)
    assert with_c.C == pytest.approx(2e-3, rel=0.01)
    assert with_c.polarization_resistance == pytest.approx(40, rel=0.02)
    y = np.log(with_c.tau)
    truth = zarc_drt(with_c.tau, 40.0, 1e-3, 0.85)
    err = np.sqrt(np.trapezoid((with_c.gamma - truth) ** 2, y) / np.trapezoid(truth**2, y))
    assert err < 0.1
    assert without.polarization_resistance > 3 * 40
    assert any(p.extrapolated for p in without.peaks())


def test_series_capacitance_detection():
    arc = 5 + zarc_impedance(F, 40, 1e-3, 0.9)
    assert not needs_series_capacitance(F, arc)
    assert needs_series_capacitance(F, arc + 1 / (1j * W * 1e-2))
    # a semi-infinite Warburg tail (slope −1/2, phase −45°) alone is not a capacitor
    warburg = arc + 30 / np.sqrt(1j * W)
    assert not needs_series_capacitance(F, warburg)
    drt = quiet_compute(Spectrum(F, arc), capacitance=True)  # forced on a closing arc
    assert drt.C > 1e3 or not np.isfinite(drt.C)  # S = 1/C ≈ 0: the term stays unused


# ---------------------------------------------------------------- R∞ and the window
def test_high_frequency_intercept_is_r_inf_not_a_peak():
    """A 50 Ω intercept in front of an arc: R∞ = 50 Ω, no peak below the measured τ
    window (the grid is not extended below τ_min, where a basis function acts as a
    resistor for every measured frequency)."""
    f = np.logspace(7, -2, 91)
    Z = 50.0 + zarc_impedance(f, 2000.0, 1e-2, 0.8)
    spectrum = Spectrum(f, noisy(Z, 1))
    drt = quiet_compute(spectrum)
    assert drt.R_inf == pytest.approx(50.0, rel=0.02)
    lo, _ = drt.window
    assert all(p.tau >= lo for p in drt.peaks() if p.R > 0.5)


def test_peak_outside_the_window_is_marked_extrapolated():
    """A second arc with τ = 30 s measured only down to 0.1 Hz (τ_max = 1.6 s): its peak
    is extrapolated and not among the relaxations; the in-window arc is."""
    f = np.logspace(5, -1, 61)
    w = 2 * np.pi * f
    Z = 3 + 10 / (1 + 1j * w * 1e-3) + 30 / (1 + 1j * w * 30.0)
    drt = quiet_compute(Spectrum(f, Z), capacitance=False)
    lo, hi = drt.window
    assert hi == pytest.approx(1 / (2 * np.pi * 0.1))
    outside = [p for p in drt.peaks() if p.extrapolated]
    assert outside and all(p.tau > hi or p.tau < lo for p in outside)
    inside = drt.relaxations()
    assert any(abs(np.log(p.tau / 1e-3)) < 0.1 for p in inside)
    assert all(lo <= p.tau <= hi for p in inside)
    assert "(extrapolated)" in drt.summary()


# ---------------------------------------------------------------- one set of defaults
def test_settings_are_one_object_and_keywords_override_it():
    s = Spectrum(F, noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 2))
    a = quiet_compute(s)
    b = quiet_compute(s, settings=DEFAULT_SETTINGS)
    assert a.lam == b.lam and np.array_equal(a.gamma, b.gamma)
    c = compute(s, DEFAULT_SETTINGS.replace(lam=1e-3))
    d = compute(s, lam=1e-3)
    assert c.lam == d.lam == 1e-3 and np.array_equal(c.gamma, d.gamma)
    assert isinstance(DEFAULT_SETTINGS, DRTSettings)
    with pytest.raises(ParameterError, match="lamda"):
        DEFAULT_SETTINGS.replace(lamda=1e-3)
    with pytest.raises(ParameterError, match="lambda_range"):
        compute(s, lambda_range=(1e-3, 2e-3))
    with pytest.raises(ParameterError, match="capacitance"):
        compute(s, capacitance="sometimes")


def test_entry_points_take_their_defaults_from_the_settings():
    """The CLI parsers and compare/drt_series have no DRT default of their own."""
    import argparse
    import inspect

    from nakmodel.cli import compare as cli_compare
    from nakmodel.cli import drt as cli_drt
    from nakmodel.drt import compare, drt_series

    for module in (cli_drt, cli_compare):
        parser = argparse.ArgumentParser()
        module.register(parser.add_subparsers())
        sub = parser._subparsers._group_actions[0].choices
        name = "drt" if module is cli_drt else "compare"
        args = sub[name].parse_args(["x.csv"] + (["--study", "s.toml"] if name == "compare"
                                                  else []))
        assert cli_drt.settings_from_args(args) == DEFAULT_SETTINGS
    for function in (compare, drt_series):
        assert inspect.signature(function).parameters["lam"].default is None


def test_bound_hit_warns_and_is_recorded():
    s = Spectrum(F, noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 2))
    with pytest.warns(LambdaBoundWarning):
        drt = compute(s, lam="gcv", lambda_range=(1e-3, 1e-1))
    assert drt.lambda_at_bound
    assert any("end of the search range" in m for m in drt.warnings)
    assert "AT A BOUND" in drt.summary()


def test_auto_lambda_is_inside_the_range_on_a_noisy_zarc():
    s = Spectrum(F, noisy(10 + zarc_impedance(F, 50, 1e-3, 0.8), 5, 0.01))
    with warnings.catch_warnings():
        warnings.simplefilter("error", LambdaBoundWarning)
        drt = compute(s)
    assert not drt.lambda_at_bound
    assert drt.lambda_choice.reason
    y = np.log(drt.tau)
    truth = zarc_drt(drt.tau, 50, 1e-3, 0.8)
    err = np.sqrt(np.trapezoid((drt.gamma - truth) ** 2, y) / np.trapezoid(truth**2, y))
    # re-im regularises a little more than GCV does on white noise (mGCV: 0.14 here)
    assert err < 0.25
    assert len(drt.relaxations(0.05)) == 1


def test_auto_lambda_keeps_an_interior_minimum_whose_plateau_runs_past_the_range():
    f = np.logspace(6, -2, 81)
    rng = np.random.default_rng(0)
    Z0 = 10 + zarc_impedance(f, 30, 1e-3, 0.9) + zarc_impedance(f, 20, 1e-2, 0.9)
    for level in (0.001, 0.01):  # same noise draw as the peer test's spectrum
        Z = Z0 + level * np.abs(Z0) * (rng.standard_normal(81)
                                       + 1j * rng.standard_normal(81)) / np.sqrt(2)
    s = Spectrum(f, Z)
    wide = compute(s)  # default range: the plateau edge is inside it, λ moves there
    minimum = wide.lambda_choice.grid[np.argmin(wide.lambda_choice.scores)]
    assert wide.lam > 3 * minimum and "plateau" in wide.lambda_choice.reason
    # a range ending between the minimum and the plateau edge: the edge is unknown
    top = np.sqrt(minimum * wide.lam)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LambdaBoundWarning)
        narrow = compute(s, lambda_range=(top * 1e-6, top))
    assert not narrow.lambda_at_bound
    assert narrow.lam == pytest.approx(minimum, rel=0.5)
    assert narrow.lam < top / 1.5
    assert "kept" in narrow.lambda_choice.reason


# ---------------------------------------------------------------- the model's spectrum
@pytest.fixture(scope="module")
def model_geis():
    """A 1D cell whose galvanostatic spectrum has the ceramic, WE, CE arcs, the alloy's
    diffusion and its inventory capacitor (verification numbers of
    tests/test_impedance_model.py: every feature between 10 µHz and 10 MHz)."""
    pytest.importorskip("dolfinx_solver")
    import dolfinx_solver  # noqa: F401, I001

    from nakmodel.impedance import impedance, relaxation_spectrum
    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.problem import CoupledProblem
    from nakmodel.model.verification import randles_materials

    cm = interval_cell(10e-6, 10e-6, n_nasicon=4, n_alloy=200, grading=1e3)
    problem = CoupledProblem(cm, temperature=298.15, x_initial=0.5, **randles_materials())
    f = np.logspace(-5, 7, 121)
    spectrum = impedance(problem, frequencies=f, relative_permittivity=100.0)
    modes = relaxation_spectrum(problem, relative_permittivity=100.0)
    return spectrum, modes


def test_operando_geis_drt_matches_the_modal_spectrum(model_geis):
    """Default DRT of the model's GEIS spectrum against its exact modes: the series C is
    the inventory capacitor, R∞ = Z_∞, R_pol = Σ R_k, and every peak's resistance equals
    the modal resistance inside its basin (1 % of the span)."""
    spectrum, modes = model_geis
    assert np.isfinite(modes.series_capacitance)
    drt = quiet_compute(spectrum)
    span = float(np.sum(modes.R))
    assert drt.C == pytest.approx(modes.series_capacitance, rel=0.01)
    assert drt.R_inf == pytest.approx(float(np.real(modes.Z_inf)), abs=0.01 * span)
    assert drt.polarization_resistance == pytest.approx(span, rel=0.01)
    big = [p for p in drt.peaks() if p.R > 0.02 * span]
    assert len(big) == 4  # ceramic, WE interface, CE, alloy diffusion
    for p in big:
        lo, hi = p.basin
        inside = float(np.sum(modes.R[(modes.tau >= lo) & (modes.tau < hi)]))
        assert p.R == pytest.approx(inside, abs=0.01 * span)
        assert not p.extrapolated


def test_operando_geis_without_c_term_has_the_inventory_artefact(model_geis):
    spectrum, modes = model_geis
    drt = quiet_compute(spectrum, capacitance=False)
    span = float(np.sum(modes.R))
    artefacts = [p for p in drt.peaks() if p.extrapolated and p.R > span]
    assert artefacts  # the inventory capacitor as a huge "relaxation" beyond the window
