"""Crack onset of a metal-filled surface flaw while plating NaK past its Na-rich liquidus.

Physics (docs/theory/fracture.md, issue #13): past the Na-rich liquidus the plated Na stays solid
(the liquid is saturated) and fills the flaw; it creeps out of the mouth, so its pressure is
min(F|eta|/Omega_Na, power-law extrusion pressure) (nakmodel.mechanics.creep_extrusion); the
default criterion takes K_I per pressure from the FE domain integral of the cell's own flaw.
A *rigid* deposit (no creep: ``solid_sodium=None``) is pressurised to the bound F|eta|/Omega
and, with the handbook factor, cracks at eta_c = K_IC Omega / (1.1215 F sqrt(pi a)).
Liquid metal flows out of the flaw: no crack when plating into liquid at 0.4 mA/cm².  Unit
checks of the deposit law, then coarse FE scans.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from nakmodel import load_parameters
from nakmodel.ccd_extraction import (
    EDGE_CRACK_FACTOR,
    CrackCriterion,
    SolidCoverageCriterion,
    VoltageCriterion,
    default_criteria,
    extract_ccd,
)
from nakmodel.errors import ParameterError
from nakmodel.mechanics.creep_extrusion import (
    SolidSodium,
    deposition_velocity,
    extrusion_pressure,
)
from nakmodel.mechanics.loading import (
    FARADAY,
    NA_MOLAR_VOLUME,
    FlawLoadingModel,
    advance_solid_deposit,
    flaw_liquid_fraction,
    solid_deposit_history,
    solid_metal_pressure,
)

PARAMS = load_parameters()
RIGID = FlawLoadingModel.from_parameters(PARAMS, solid_sodium=None)
"""Loading of a rigid deposit: solid metal pressurised to the bound F|eta|/Omega."""
MA_CM2 = 10.0


def eta_critical(depth, kic, molar_volume=NA_MOLAR_VOLUME):
    """Handbook crack-onset overpotential of solid Na in an edge flaw [V]."""
    return kic * molar_volume / (EDGE_CRACK_FACTOR * FARADAY * math.sqrt(math.pi * depth))


# ------------------------------------------------------------------ deposit law (analytic)
def test_solid_deposit_fills_the_slit_in_F_h_over_2_Omega_i():
    h, i = 2e-6, 50.0
    t_fill = FARADAY * h / (2 * NA_MOLAR_VOLUME * i)  # 81 s for 2 um at 5 mA/cm2
    t = np.linspace(0.0, 2 * t_fill, 401)
    fill = solid_deposit_history(t, np.full_like(t, i), True, h)
    np.testing.assert_allclose(fill[t <= t_fill], t[t <= t_fill] / t_fill, atol=1e-12)
    assert fill[np.argmin(np.abs(t - t_fill))] == pytest.approx(1.0, rel=1e-12)
    assert np.all(fill[t > t_fill * (1 + 1e-12)] == 1.0)  # full, and capped
    # not saturated: the liquid dissolves solid Na, the flaw holds none
    assert advance_solid_deposit(0.7, i, 10.0, False, h) == 0.0
    # stripping a saturated flaw removes the deposit first
    assert advance_solid_deposit(0.5, -i, 0.25 * t_fill, True, h) == pytest.approx(0.25)
    with pytest.raises(ParameterError):
        advance_solid_deposit(0.0, i, 1.0, True, 0.0)


def test_flaw_liquid_fraction_is_the_larger_solid_share():
    assert flaw_liquid_fraction(0.9, 0.0) == 0.9
    assert flaw_liquid_fraction(0.9, 0.6) == pytest.approx(0.4)
    assert flaw_liquid_fraction(0.2, 0.1) == pytest.approx(0.2)
    assert flaw_liquid_fraction(1.0, 1.0) == 0.0


def test_criterion_without_recorded_states_waits_for_the_deposit():
    """Synthetic plating scan: interface at the Na-rich liquidus from t_sat on, |eta| above
    the solid-metal onset all the time.  The liquid stays liquid before t_sat (no crack);
    the flaw counts as solid once half filled, t_sat + F h / (4 Omega i)."""
    depth, h, i = 20e-6, 2e-6, 50.0
    t = np.linspace(0.0, 400.0, 801)
    t_sat = 100.0
    x = np.where(t >= t_sat, 0.71, 0.65)
    run = SimpleNamespace(time=t, current_density=-np.full_like(t, i) * (t > 0),
                          capacity=-i * t, voltage=-0.1 * np.ones_like(t),
                          x_interface_min=x, x_interface_max=x,
                          liquid_fraction_interface=np.ones_like(t),
                          we_overpotential=-2 * eta_critical(depth, 1.25e6) * np.ones_like(t),
                          active_fraction=np.ones_like(t), liquid_window=(0.147, 0.703), info={})
    flaw = SimpleNamespace(depth=depth, opening=h)
    crit = CrackCriterion.handbook(flaw, PARAMS, loading=RIGID)
    res = extract_ccd(run, [crit], direction="plate", parameters=PARAMS)
    t_half = t_sat + FARADAY * h / (4 * NA_MOLAR_VOLUME * i)
    assert res.limiting_mechanism == "crack"
    assert res.onsets["crack"].time == pytest.approx(t_half, abs=t[1] - t[0])
    assert np.all(res.k_ratio[t < t_sat] < 1e-2)
    # the default loading: the solid Na creeps out of the 20 x 2 um slit at 5 mA/cm2, its
    # pressure is the extrusion pressure (~9 MPa), far below the bound (280 MPa): no crack
    creeping = CrackCriterion.handbook(flaw, PARAMS)
    res = extract_ccd(run, [creeping], direction="plate", parameters=PARAMS)
    assert res.onsets["crack"] is None
    p_creep = extrusion_pressure(depth, h, deposition_velocity(i, NA_MOLAR_VOLUME),
                                 SolidSodium.from_parameters(PARAMS), PARAMS.temperature, "slit")
    assert res.k_ratio_max == pytest.approx(creeping.k_per_pressure * p_creep / 1.25e6,
                                            rel=1e-9)
    assert p_creep < 0.1 * solid_metal_pressure(2 * eta_critical(depth, 1.25e6))


# ------------------------------------------------------------------ FE scans (coarse)
def scan_study(depth, opening, **ccd):
    from nakmodel.study import load_study

    table = {"geometry": "axisymmetric", "pellet_radius": "0.5 mm",
             "pellet_thickness": "0.3 mm", "alloy_thickness": "20 um", "mesh_size": "20 um",
             "flaw": {"depth": depth, "opening": opening}, "directions": ["plate"],
             "start": "0.5 mA/cm2", "stop": "20 mA/cm2", "step": "0.5 mA/cm2", "hold": "30 s",
             "profiles": 0, "error_tolerance": 0.05}
    table.update(ccd)
    # i0 = 10 mA/cm2, not the default 100: the rigid-deposit (handbook) onset needs
    # |eta| = eta_c (~45 mV for 20 um), reached at <= 20 mA/cm2 only with the slower kinetics
    return load_study({"study": {"name": "crack", "kind": "ccd"},
                       "parameters": {"alloy": {"composition": "NaK50"},
                                      "interface": {"exchange_current_density": "10 mA/cm^2"}},
                       "ccd": table})


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """Plating scans of NaK50 (20 um) with 20 and 50 um flaws: {depth: (study, result,
    ccd)}, files written under one results folder (10 um: the slow validation case)."""
    from nakmodel.study.ccd import scan

    root = tmp_path_factory.mktemp("crack_scans")
    out = {}
    for depth, opening in ((20e-6, 2e-6), (50e-6, 5e-6)):
        study = scan_study(f"{depth * 1e6:g} um", f"{opening * 1e6:g} um")
        _, result, ccd, _, _ = scan(study.options, study.parameters,
                                    study.parameters.alloy.composition, "plate",
                                    root / f"flaw_{depth * 1e6:g}um" / "NaK50_plate")
        out[depth] = (study, result, ccd)
    return root, out


def test_20um_flaw_past_the_liquidus_extrudes_and_a_rigid_deposit_cracks(scans):
    """The study's default criterion (FE K_I of the on-axis flaw, creep-limited pressure):
    solid Na fills the flaw past the liquidus but extrudes, p = the analytic extrusion
    pressure of the recorded flaw-face current < F|eta|/Omega, no onset.  The same run with a
    rigid deposit (pressure = bound) and the handbook factor cracks at the handbook eta_c."""
    from nakmodel.study.ccd import criteria_for

    _, runs = scans
    study, result, ccd = runs[20e-6]
    params = study.parameters
    flaw = result.info["flaw_state"]
    eta = np.abs(np.asarray(flaw["overpotential"]))
    liquid = np.asarray(flaw["liquid_fraction"])
    plating = np.asarray(flaw["plating_current_density"])
    liquidus = ccd.onsets["liquidus"]
    assert liquidus is not None and ccd.limiting_mechanism == "liquidus"
    assert np.all(np.asarray(flaw["solid_deposit"])[:liquidus.index - 1] == 0.0)
    solid = np.nonzero((liquid < 0.5) & (plating > 0))[0]
    assert solid.size and solid[0] > liquidus.index
    # creep-limited (default): K_I/K_IC from the extrusion pressure of the flaw-face current
    assert ccd.onsets["crack"] is None and 0.0 < ccd.k_ratio_max < 1.0
    fe = criteria_for(study.options, params)[-1]
    assert fe.loading.channel == "pipe"
    na = SolidSodium.from_parameters(params)
    p_creep = np.array([extrusion_pressure(20e-6, 2e-6, deposition_velocity(
        float(j), params.alloy.na_molar_volume), na, params.temperature, "pipe")
        for j in plating[solid]])
    bound = np.array([solid_metal_pressure(float(e)) for e in eta[solid]])
    np.testing.assert_allclose(ccd.k_ratio[solid], fe.k_per_pressure * np.minimum(
        p_creep, bound) / params.nasicon.fracture_toughness, rtol=1e-9)
    assert np.all(p_creep[eta[solid] > 0.01] < bound[eta[solid] > 0.01])
    # rigid deposit, handbook factor: onset at the handbook overpotential, after the liquidus
    rigid = CrackCriterion.handbook(study.options.cell.build().flaw, params, loading=RIGID)
    by_rigid = extract_ccd(result, [VoltageCriterion(1.0), SolidCoverageCriterion(0.5), rigid],
                           direction="plate", parameters=params)
    assert by_rigid.limiting_mechanism == "crack"
    k = by_rigid.onsets["crack"].index
    assert k > liquidus.index and liquid[k] < 0.5 and flaw["solid_deposit"][k] > 0.5
    eta_c = eta_critical(20e-6, params.nasicon.fracture_toughness,
                         params.alloy.na_molar_volume)
    assert eta[k] == pytest.approx(eta_c, rel=0.05)
    solid_rows = np.nonzero((liquid < 0.5) & (eta >= eta_c))[0]
    assert by_rigid.ccd == pytest.approx(abs(result.current_density[solid_rows[0]]),
                                         abs=0.5 * MA_CM2 + 1e-9)
    # the FE crack of the on-axis pit (semicircular surface crack) has 0.55-0.75 of the
    # edge-crack K_I (Newman & Raju 1981): the rigid deposit needs a larger overpotential
    assert 0.55 < fe.k_per_pressure / rigid.k_per_pressure < 0.75


def test_crack_onset_falls_with_flaw_depth_and_rises_with_toughness(scans):
    """Rigid deposit (pressure = F|eta|/Omega): the onset current falls with depth and rises
    with K_IC.  Creep-limited (default): at the same flaw aspect ratio the deeper flaw has the
    larger K_I/K_IC (K_I ~ sqrt(a) x p_creep, p_creep ~ a^((n+1)/n) h^-((n+2)/n)), both far
    below the onset: the aspect-10 flaws do not crack at <= 20 mA/cm2."""
    _, runs = scans
    onset, creep = {}, {}
    for depth, (study, result, ccd) in runs.items():
        base = CrackCriterion.handbook(study.options.cell.build().flaw, study.parameters)
        for kic in (1.0e6, 1.58e6):
            crit = CrackCriterion(base.flaw, base.k_per_pressure, kic, loading=RIGID)
            res = extract_ccd(result, [crit], direction="plate", parameters=study.parameters)
            assert res.onsets["crack"] is not None, (depth, kic)
            onset[depth, kic] = res.ccd
        creep[depth] = ccd.k_ratio_max
    for kic in (1.0e6, 1.58e6):
        assert onset[20e-6, kic] > onset[50e-6, kic], onset
    for depth in runs:
        assert onset[depth, 1.58e6] > onset[depth, 1.0e6], onset
    assert 0.0 < creep[20e-6] < creep[50e-6] < 1.0, creep


def test_k_ratio_files_and_plot_show_the_flaw_state(scans, tmp_path):
    from nakmodel.cli import main
    from nakmodel.plotting.study_plots import _read_rows

    root, runs = scans
    rows = _read_rows(root / "flaw_20um" / "NaK50_plate" / "k_ratio.csv")
    assert {"k_ratio [-]", "flaw_overpotential [V]", "flaw_solid_deposit [-]",
            "flaw_pressure [Pa]", "crack_length [m]", "current_focusing [-]"} <= set(rows[0])
    k = np.array([float(r["k_ratio [-]"]) for r in rows])
    np.testing.assert_allclose(k, runs[20e-6][2].k_ratio)
    # no growth without onset: the crack length stays the flaw depth
    np.testing.assert_allclose([float(r["crack_length [m]"]) for r in rows], 20e-6)
    assert main(["plot", str(root), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "k_ratio_vs_current.png").is_file()
    import matplotlib.pyplot as plt

    from nakmodel.plotting.study_plots import load_study_results, plot_k_ratio_vs_current

    fig, ax = plt.subplots()
    assert plot_k_ratio_vs_current(ax, load_study_results(root).runs) is ax
    labels = [line.get_label() for line in ax.get_lines()]
    # creep-limited pressure: neither aspect-10 flaw reaches the onset
    assert sum("no onset" in lab for lab in labels) == 2
    plt.close(fig)


def test_no_crack_plating_into_liquid_at_0p4_mA_cm2():
    """0.4 mA/cm² for 1 h = 0.4 mAh/cm² < the 0.6 mAh/cm² headroom of 30 um NaK50: the
    flaw metal stays liquid, flows out, K_I/K_IC << 1."""
    from nakmodel.study.ccd import FlawStateRecorder
    from nakmodel.study.simulation import parse_cell_options, simulate

    problems = []
    cell = parse_cell_options({"geometry": "axisymmetric", "pellet_radius": "0.5 mm",
                               "pellet_thickness": "0.3 mm", "alloy_thickness": "30 um",
                               "mesh_size": "30 um",
                               "flaw": {"depth": "20 um", "opening": "2 um"}}, "t", PARAMS,
                              problems)
    assert not problems
    comp = PARAMS.alloy.composition
    result = simulate(cell, PARAMS, ["Plate at 0.4 mA/cm2 for 1 h"], comp, profiles=0,
                      hooks=[FlawStateRecorder()], error_tolerance=0.05)
    crit = CrackCriterion.handbook(cell.build().flaw, PARAMS)
    ccd = extract_ccd(result, list(default_criteria()) + [crit], direction="plate",
                      parameters=PARAMS)
    assert ccd.onsets["crack"] is None and ccd.k_ratio_max < 0.01
    assert np.all(np.asarray(result.info["flaw_state"]["solid_deposit"]) == 0.0)
    assert np.min(result.info["flaw_state"]["liquid_fraction"]) > 0.99
    assert abs(result.capacity[-1]) == pytest.approx(0.4 * 36000, rel=1e-6)


def test_scan_criteria_option_is_validated_and_selects_the_criteria():
    from nakmodel.study.ccd import CRITERIA, criteria_for

    study = scan_study("20 um", "2 um", criteria=["voltage", "solid_coverage", "crack"])
    names = [c.name for c in criteria_for(study.options, study.parameters)]
    assert names == ["voltage", "solid_coverage", "crack"]
    assert scan_study("20 um", "2 um").options.criteria == CRITERIA
    for bad in (["voltage", "cracks"], [], ["voltage", "voltage"], 3):
        with pytest.raises(ParameterError, match="ccd.criteria"):
            scan_study("20 um", "2 um", criteria=bad)
    from nakmodel.study import load_study

    with pytest.raises(ParameterError, match="needs a flaw"):
        load_study({"study": {"name": "c", "kind": "ccd"},
                    "ccd": {"geometry": "1d", "alloy_thickness": "20 um",
                            "criteria": ["voltage", "crack"]}})
