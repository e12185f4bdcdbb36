"""Thermodynamics of liquid NaK: consistency identities, limits, phase equilibria."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nakmodel import thermo
from nakmodel.errors import ParameterError

R = thermo.GAS_CONSTANT
ALLOY = thermo.DefaultAlloy()  # explicit parameters: the identities hold for any of them
# physics.md starter: 2-term liquid, insoluble solids
STARTER = dataclasses.replace(ALLOY, redlich_kister_L0=3648.0, redlich_kister_L1=243.0,
                              redlich_kister_L2=0.0, k_solidus_limiting_slope=0.0,
                              na_solidus_limiting_slope=0.0)
PARAM_SETS = [ALLOY, STARTER, None]


def _d5(f, x, h=1e-3):
    """Five-point derivative: exact (to round-off) for polynomials of degree <= 4."""
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


@settings(max_examples=60, deadline=None)
@given(x=st.floats(0.01, 0.99), T=st.floats(250.0, 600.0), p=st.sampled_from(PARAM_SETS))
def test_gibbs_duhem_of_activities(x, T, p):
    def ln_g_na(s):
        return np.log(thermo.activity_coefficient_na(s, T, p))

    def ln_g_k(s):
        return np.log(thermo.activity_coefficient_k(s, T, p))

    # d ln a = d ln x + d ln gamma; ln gamma is a polynomial of degree 4 in x -> exact stencil
    d_ln_a_na = 1.0 / x + _d5(ln_g_na, x)
    d_ln_a_k = -1.0 / (1.0 - x) + _d5(ln_g_k, x)
    assert abs(x * d_ln_a_na + (1.0 - x) * d_ln_a_k) < 1e-10


@settings(max_examples=40, deadline=None)
@given(x=st.floats(0.01, 0.99), T=st.floats(250.0, 600.0), p=st.sampled_from(PARAM_SETS))
def test_partial_quantities_sum_to_excess_gibbs_energy(x, T, p):
    g = thermo.excess_gibbs_energy(x, T, p)
    partial = R * T * (x * np.log(thermo.activity_coefficient_na(x, T, p))
                       + (1 - x) * np.log(thermo.activity_coefficient_k(x, T, p)))
    assert partial == pytest.approx(g, abs=1e-9 * max(1.0, abs(g)))


@settings(max_examples=40, deadline=None)
@given(x=st.floats(0.02, 0.98), T=st.floats(250.0, 600.0), p=st.sampled_from(PARAM_SETS))
def test_thermodynamic_factor_matches_numerical_derivative(x, T, p):
    def ln_g(s):
        return np.log(thermo.activity_coefficient_na(s, T, p))

    assert thermo.thermodynamic_factor(x, T, p) == pytest.approx(1 + x * _d5(ln_g, x), abs=1e-10)


def test_raoult_and_henry_limits():
    T = 298.15
    L0, L1, L2 = thermo.redlich_kister_coefficients(ALLOY)
    assert thermo.activity_coefficient_na(1.0, T, ALLOY) == pytest.approx(1.0, abs=1e-14)
    assert thermo.activity_coefficient_k(0.0, T, ALLOY) == pytest.approx(1.0, abs=1e-14)
    # Henry: RT ln gamma_Na(x_Na -> 0) = L0 - L1 + L2; RT ln gamma_K(x_K -> 0) = L0 + L1 + L2
    for x in (1e-4, 1e-6):
        assert R * T * math.log(thermo.activity_coefficient_na(x, T, ALLOY)) == pytest.approx(
            L0 - L1 + L2, abs=2e4 * x)
        assert R * T * math.log(thermo.activity_coefficient_k(1 - x, T, ALLOY)) == pytest.approx(
            L0 + L1 + L2, abs=2e4 * x)
    # approaching the limit the error shrinks linearly
    errs = [abs(R * T * math.log(thermo.activity_coefficient_na(x, T, ALLOY)) - (L0 - L1 + L2))
            for x in (1e-2, 1e-3)]
    assert errs[1] < 0.2 * errs[0]


@pytest.mark.parametrize("p", [ALLOY, STARTER])
@pytest.mark.parametrize("dT", [0.5, 8.0, 18.0, 31.0, 55.0, 80.0])
def test_chemical_potentials_equal_at_liquidus(p, dT):
    T = thermo.eutectic(p)[0] + dT
    low, high = thermo.liquid_window(T, p)
    rt = R * T
    g_na, g_k = thermo.solute_gibbs_energies(p)
    if T < p.k_melting_point:
        # liquid + K(ss): both chemical potentials equal (solid: ideal dilute solution)
        y = thermo.solidus(T, p, phase="K")
        mu_k_solid = -thermo.fusion_gibbs_energy_k(T, p) + rt * math.log1p(-y)
        assert thermo.chemical_potential_k(low, T, p) == pytest.approx(mu_k_solid, abs=1e-9)
        if math.isfinite(g_na):
            assert 0 < y < low
            assert thermo.chemical_potential_na(low, T, p) == pytest.approx(
                g_na + rt * math.log(y), abs=1e-9)
        else:
            assert y == 0.0
    else:
        assert low == 0.0
    if T >= p.na2k_peritectic_temperature:
        x_s = thermo.solidus(T, p, phase="Na")
        mu_na_solid = -thermo.fusion_gibbs_energy_na(T, p) + rt * math.log(x_s)
        assert thermo.chemical_potential_na(high, T, p) == pytest.approx(mu_na_solid, abs=1e-9)
        if math.isfinite(g_k):
            assert high < x_s < 1
            assert thermo.chemical_potential_k(high, T, p) == pytest.approx(
                g_k + rt * math.log1p(-x_s), abs=1e-9)
        else:
            assert x_s == 1.0
    else:
        # liquid in equilibrium with the line compound Na2K
        g_liq = (2 / 3) * thermo.chemical_potential_na(high, T, p) + (1 / 3) * \
            thermo.chemical_potential_k(high, T, p)
        g_na2k = thermo.na2k_gibbs_energy(T, p)
        assert g_na2k == pytest.approx(-(2 / 3) * thermo.fusion_gibbs_energy_na(T, p)
                                       - (1 / 3) * thermo.fusion_gibbs_energy_k(T, p)
                                       + thermo.na2k_formation_enthalpy(p), abs=1e-9)
        assert g_liq == pytest.approx(g_na2k, abs=1e-9)


@pytest.mark.parametrize("p", [ALLOY, STARTER])
def test_peritectic_and_eutectic_are_invariant_points(p):
    tp = p.na2k_peritectic_temperature
    # at T_p the Na liquidus and the Na2K liquidus meet
    assert thermo.liquidus(tp, p, phase="Na") == pytest.approx(
        thermo.liquidus(tp, p, phase="Na2K"), abs=1e-9)
    # Na2K is stable below T_p: its liquidus lies left of the (metastable) Na liquidus
    assert thermo.liquidus(tp - 5, p, phase="Na2K") < thermo.liquidus(tp - 5, p, phase="Na")
    # and metastable above: G(Na2K) lies above the liquid + Na(s) tangent at x = 2/3
    for T, sign in ((tp - 5, -1), (tp + 5, 1)):
        x_l = thermo.liquidus(T, p, phase="Na")
        tangent = (2 / 3) * thermo.chemical_potential_na(x_l, T, p) + (1 / 3) * \
            thermo.chemical_potential_k(x_l, T, p)
        assert sign * (thermo.na2k_gibbs_energy(T, p) - tangent) > 0
    assert thermo.na2k_formation_enthalpy(p) < 0
    te, xe = thermo.eutectic(p)
    assert te < tp
    assert thermo.liquidus(te, p, phase="K") == pytest.approx(xe, abs=1e-9)
    assert thermo.liquidus(te, p, phase="Na2K") == pytest.approx(xe, abs=1e-9)
    assert np.isnan(thermo.liquid_window(te - 1.0, p)[0])
    low, high = thermo.liquid_window(te + 1.0, p)
    assert low < xe < high


def test_window_limits_at_melting_points():
    assert thermo.liquid_window(ALLOY.k_melting_point + 1, ALLOY)[0] == 0.0
    assert thermo.liquid_window(ALLOY.na_melting_point + 1, ALLOY) == (0.0, 1.0)
    lows, highs = thermo.liquid_window(np.linspace(262.0, 360.0, 30), ALLOY)
    assert np.all(np.diff(lows) <= 0) and np.all(np.diff(highs) >= 0)  # window widens with T


@settings(max_examples=60, deadline=None)
@given(x=st.floats(0.0, 1.0), T=st.floats(262.0, 380.0))
def test_lever_rule_mass_balance(x, T):
    f = thermo.liquid_fraction(x, T, ALLOY)
    low, high = thermo.liquid_window(T, ALLOY)
    assert 0.0 <= f <= 1.0
    phase = thermo.solid_phase(x, T, ALLOY)
    if phase == "":
        assert f == 1.0
        return
    if phase == "no liquid":  # solid solution, Na2K + Na(ss)
        assert f == 0.0
        return
    x_solid = {"K": thermo.solidus(T, ALLOY, phase="K"),
               "Na": thermo.solidus(T, ALLOY, phase="Na"), "Na2K": 2 / 3}[phase]
    x_liquid = low if phase == "K" else high
    assert f * x_liquid + (1 - f) * x_solid == pytest.approx(x, abs=1e-12)


@pytest.mark.parametrize("p", [ALLOY, STARTER])
def test_ocv_sign_and_size_across_window(p):
    T = 298.15
    low, high = thermo.liquid_window(T, p)
    x = np.linspace(low, high, 50)
    e = thermo.ocv_vs_na(x, T, p)
    # the Na liquidus coexists with Na(ss): E = -RT ln x_Na(ss)/F (0 for pure Na)
    x_s = thermo.solidus(T, p, phase="Na")
    assert e[-1] == pytest.approx(-R * T * math.log(x_s) / thermo.FARADAY, abs=1e-12)
    assert np.all(e > 0 if x_s < 1 else e[:-1] > 0) and np.all(np.diff(e) < 0)
    assert 5e-3 < e[0] < 60e-3  # a few mV (tens at most) across the window
    # two-phase regions hold the liquidus potential; the solid solutions continue it
    y = thermo.solidus(T, p, phase="K")
    assert thermo.ocv_vs_na(0.5 * (low + y), T, p) == pytest.approx(e[0], abs=1e-12)
    assert thermo.ocv_vs_na(0.5 * (high + x_s), T, p) == pytest.approx(e[-1], abs=1e-12)
    if y > 0:
        assert thermo.ocv_vs_na(y * (1 - 1e-9), T, p) == pytest.approx(e[0], rel=1e-6)
        assert thermo.ocv_vs_na(0.5 * y, T, p) > e[0]
    assert thermo.ocv_vs_na(1.0, T, p) == 0.0
    # Nernst-like: E = -(mu_Na - mu_Na(s))/F
    xm = 0.5
    mu = thermo.chemical_potential_na(xm, T, ALLOY) + thermo.fusion_gibbs_energy_na(T, ALLOY)
    assert thermo.ocv_vs_na(xm, T, ALLOY) == pytest.approx(-mu / thermo.FARADAY, rel=1e-12)


@pytest.mark.parametrize("p", [ALLOY, STARTER, None])
def test_interdiffusivity_in_expected_range(p):
    x = np.linspace(0.15, 0.7, 12)
    d = thermo.interdiffusivity(x, 298.15, p)
    assert np.all(d > 0.6e-9 / 3) and np.all(d < 1.5e-9 * 3)  # physics.md, +-x3
    # Darken limits: tracer diffusivity of the dilute species' host
    assert thermo.interdiffusivity(0.0, 298.15, p) == pytest.approx(
        thermo.tracer_diffusivity_na(298.15, p), rel=1e-12)
    assert thermo.interdiffusivity(1.0, 298.15, p) == pytest.approx(
        thermo.tracer_diffusivity_k(298.15, p), rel=1e-12)


def test_interdiffusivity_factor_scales():
    fast = dataclasses.replace(ALLOY, interdiffusivity_factor=3.0)
    assert thermo.interdiffusivity(0.4, 300, fast) == pytest.approx(
        3 * thermo.interdiffusivity(0.4, 300, ALLOY), rel=1e-14)


def test_inventory_matches_closed_form_and_physics_md():
    T = 298.15
    low, high = thermo.liquid_window(T, ALLOY)
    x0 = 0.5
    n = (x0 - low) / (1 - low)
    vm = x0 * ALLOY.na_molar_volume + (1 - x0) * ALLOY.k_molar_volume
    assert thermo.inventory(x0, T, "K-liquidus", thickness=1e-4, params=ALLOY) == pytest.approx(
        n * thermo.FARADAY * 1e-4 / vm, rel=1e-12)
    # stripping exactly that charge leaves the liquid at the liquidus
    assert (x0 - n) / (1 - n) == pytest.approx(low, abs=1e-14)
    m = (high - x0) / (1 - high)
    assert (x0 + m) / (1 + m) == pytest.approx(high, abs=1e-14)
    # physics.md §3 (x_Na of NaK50/65/80, mAh/cm^2 per 100 um): model within 15 %
    mah = 36000.0
    for x, strip, plate in ((0.6297, 4.6, 2.0), (0.4780, 2.9, 5.6), (0.2983, 1.2, 9.0)):
        s = thermo.inventory(x, T, "K-liquidus", thickness="100 um", params=ALLOY) / mah
        p = thermo.inventory(x, T, "Na-liquidus", thickness=1e-4, params=ALLOY) / mah
        assert s == pytest.approx(strip, rel=0.15)
        assert p == pytest.approx(plate, rel=0.15)
    # past the liquidus nothing is strippable; per kg with a composition-like object
    assert thermo.inventory(0.5 * low, T, params=ALLOY) == 0.0

    class Comp:
        x_na = 0.5

    assert thermo.inventory(Comp(), T, params=ALLOY) == pytest.approx(
        n * thermo.FARADAY / thermo.molar_mass(0.5), rel=1e-12)


@pytest.mark.parametrize(
    "call, key",
    [
        (lambda: thermo.activity_na(1.2, 300), "x_na"),
        (lambda: thermo.activity_na(-0.1, 300), "x_na"),
        (lambda: thermo.activity_na(float("nan"), 300), "x_na"),
        (lambda: thermo.activity_na(0.5, 0.0), "T"),
        (lambda: thermo.activity_na(0.5, -5.0), "T"),
        (lambda: thermo.ocv_vs_na([0.3, 0.5], [300, float("inf")]), "T"),
        (lambda: thermo.interdiffusivity("abc", 300), "x_na"),
        (lambda: thermo.inventory(0.5, 300, to="K-solidus"), "to"),
        (lambda: thermo.inventory(0.5, 300, thickness=-1e-4), "thickness"),
        (lambda: thermo.liquidus(300, phase="Rb"), "phase"),
        (lambda: thermo.activity_na(0.5, 300, params=42), "params"),
    ],
)
def test_bad_input_raises_parameter_error(call, key):
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.problems[0].key == key
    assert info.value.problems[0].expected  # unit and range are given


def test_temperature_with_units_and_vectorisation():
    assert thermo.activity_na(0.5, "25 degC", ALLOY) == pytest.approx(
        thermo.activity_na(0.5, 298.15, ALLOY), rel=1e-12)
    a = thermo.activity_na(np.array([[0.2], [0.6]]), np.array([280.0, 300.0, 320.0]), ALLOY)
    assert a.shape == (2, 3)


@pytest.mark.parametrize("phase, slope_key, melting_key", [
    ("K", "k_solidus_limiting_slope", "k_melting_point"),
    ("Na", "na_solidus_limiting_slope", "na_melting_point")])
def test_limiting_solidus_slopes_reproduce_the_parameters(phase, slope_key, melting_key):
    """van 't Hoff limit: dx_solute(solid)/d(T_m - T) -> the given slope as T -> T_m."""
    tm, slope = getattr(ALLOY, melting_key), getattr(ALLOY, slope_key)
    errs = []
    for dt in (0.1, 0.01):
        x_s = thermo.solidus(tm - dt, ALLOY, phase=phase)
        solute = x_s if phase == "K" else 1 - x_s
        errs.append(abs(solute / dt - slope))
    assert errs[1] < 0.02 * slope and errs[1] < 0.2 * errs[0]  # converges linearly in dt
    k_na, k_k = thermo.distribution_coefficients(ALLOY)
    assert 0 < k_na < 1 and 0 < k_k < 1
    assert thermo.distribution_coefficients(STARTER) == (0.0, 0.0)


def test_na_solid_solution_coexisting_with_na2k():
    T = 275.0
    b = thermo.phase_boundaries(T, ALLOY)
    x_ss = b.na_ss_with_na2k
    assert 2 / 3 < x_ss < 1
    g_k = thermo.solute_gibbs_energies(ALLOY)[1]
    g = (2 / 3) * (-thermo.fusion_gibbs_energy_na(T, ALLOY) + R * T * math.log(x_ss)) + \
        (1 / 3) * (g_k + R * T * math.log1p(-x_ss))
    assert g == pytest.approx(thermo.na2k_gibbs_energy(T, ALLOY), abs=1e-9)
    # the potential is flat across Na2K + Na(ss) and matches Na(ss) at its boundary
    e = thermo.ocv_vs_na(np.array([0.7, 0.8, x_ss]), T, ALLOY)
    assert e[0] == pytest.approx(e[1], abs=1e-15) and e[1] == pytest.approx(e[2], rel=1e-9)
    assert np.isnan(thermo.phase_boundaries(300.0, ALLOY).na_ss_with_na2k)


def test_fitted_defaults_reproduce_the_phase_diagram_points():
    """DefaultAlloy is the fit: window 0.147-0.703 at 25 degC and the -12.6 degC eutectic."""
    low, high = thermo.liquid_window(298.15, ALLOY)
    te, xe = thermo.eutectic(ALLOY)
    assert low == pytest.approx(0.147, abs=1e-3) and high == pytest.approx(0.703, abs=1e-3)
    assert te == pytest.approx(260.55, abs=0.1) and xe == pytest.approx(0.33, abs=1e-3)


@pytest.mark.slow
def test_fit_liquid_parameters_recovers_the_defaults():
    fitted, residuals = thermo.fit_liquid_parameters()
    assert np.all(np.abs(residuals) < 0.1)
    assert fitted["redlich_kister_L0"] == pytest.approx(ALLOY.redlich_kister_L0, abs=2.0)
    assert fitted["redlich_kister_L1"] == pytest.approx(ALLOY.redlich_kister_L1, abs=2.0)
    assert fitted["redlich_kister_L2"] == pytest.approx(ALLOY.redlich_kister_L2, abs=2.0)


@pytest.mark.parametrize("L0", [4500.0, 8000.0])
def test_unstable_liquid_parameters_are_rejected(L0):
    """Strongly positive L0: the liquid demixes; no meaningful phase diagram -> clear error."""
    bad = dataclasses.replace(ALLOY, redlich_kister_L0=L0)
    with pytest.raises(ParameterError) as info:
        thermo.liquid_window(300.0, bad)
    assert info.value.problems[0].key == "alloy.redlich_kister_L0"


def test_inventory_accepts_every_composition_spelling():
    import nakmodel

    p = nakmodel.load_parameters({"alloy.composition": "NaK65"})
    expected = thermo.inventory(p.alloy.composition.x_na, 298.15, thickness=1e-4, params=p)
    for alloy in (p, p.alloy, p.alloy.composition, "NaK65"):
        assert thermo.inventory(alloy, 298.15, thickness=1e-4) == pytest.approx(expected)


def test_default_alloy_is_the_parameter_file(monkeypatch):
    """DefaultAlloy has no numbers of its own: every field is the parameter file's value, and
    a changed file (here its converted alloy section) changes it."""
    from nakmodel.parameters import load_parameters
    from nakmodel.thermo import alloy as alloy_module

    file_alloy = load_parameters().alloy
    default = thermo.DefaultAlloy()
    for f in dataclasses.fields(thermo.DefaultAlloy):
        assert f.default is dataclasses.MISSING
        assert getattr(default, f.name) == getattr(file_alloy, f.name), f.name
    changed = dataclasses.replace(file_alloy, redlich_kister_L0=1234.0, k_melting_point=300.0)
    monkeypatch.setattr(alloy_module, "default_alloy", lambda: changed)
    moved = thermo.DefaultAlloy()
    assert (moved.redlich_kister_L0, moved.k_melting_point) == (1234.0, 300.0)
    assert moved.redlich_kister_L1 == file_alloy.redlich_kister_L1
