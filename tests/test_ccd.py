"""CCD extraction (nakmodel.ccd_extraction) on synthetic runs with known onsets, plus one
FE-backed run."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from nakmodel import load_parameters
from nakmodel.ccd_extraction import (
    EDGE_CRACK_FACTOR,
    CrackCriterion,
    Direction,
    LiquidusCriterion,
    SolidCoverageCriterion,
    VoltageCriterion,
    default_criteria,
    extract_ccd,
    scan_protocol,
)
from nakmodel.errors import ParameterError
from nakmodel.mechanics.loading import FARADAY, NA_MOLAR_VOLUME, FlawLoadingModel

PARAMS = load_parameters()
WINDOW = (0.147, 0.703)


def synthetic_scan(sign=1.0, *, n_levels=20, hold=100.0, step=1.0, x0=0.478, dxdq=-2e-5,
                   v0=0.01, r_ohm=1e-3, v_jump_q=math.inf, solid_at_q=math.inf, eta=None):
    """A stepped scan, 10 points per level: |i|_k = k*step [A/m^2].  x at the interface
    moves linearly with the passed charge, V = sign*(v0 + r|i|) (+1 V past v_jump_q)."""
    t = np.linspace(0.0, n_levels * hold, 10 * n_levels + 1)
    level = np.ceil(t / hold - 1e-12)  # rows in ((k-1) hold, k hold] carry level k
    i = sign * level * step
    q = np.concatenate([[0.0], np.cumsum(i[1:] * np.diff(t))])
    qa = np.abs(q)
    x = x0 + dxdq * qa if sign > 0 else x0 - dxdq * qa
    v = sign * (v0 + r_ohm * np.abs(i) + np.where(qa >= v_jump_q, 1.0, 0.0))
    liquid = np.where(qa >= solid_at_q, 0.2, 1.0)
    return SimpleNamespace(time=t, current_density=i, capacity=q, voltage=v,
                           x_interface_min=x, x_interface_max=x,
                           liquid_fraction_interface=liquid,
                           we_overpotential=np.zeros_like(t) if eta is None else eta(t),
                           active_fraction=np.ones_like(t), liquid_window=WINDOW, info={})


def analytic_level(q_target, hold, step):
    """Level k at which the cumulative charge sum_{j<=k} j step hold first reaches q."""
    k, q = 0, 0.0
    while True:
        k += 1
        if q + k * step * hold >= q_target:
            return k
        q += k * step * hold


def test_liquidus_onset_matches_analytic_capacity_and_level():
    run = synthetic_scan(n_levels=40)
    q_liq = (0.478 - WINDOW[0]) / 2e-5  # C/m^2 at which x reaches the K-rich liquidus
    res = extract_ccd(run, parameters=PARAMS)
    assert res.direction is Direction.STRIP
    assert res.limiting_mechanism == "liquidus"
    k = analytic_level(q_liq, 100.0, 1.0)
    assert res.ccd == pytest.approx(k * 1.0)
    # capacity at the first sampled row past the onset: within one sample of charge
    tol = LiquidusCriterion().tolerance / 2e-5  # the criterion fires tol early
    assert q_liq - tol <= res.critical_capacity <= q_liq + k * 1.0 * 10.0 + 1e-9
    assert res.onsets["voltage"] is None and res.onsets["solid_coverage"] is None


def test_first_criterion_limits_and_each_onset_is_reported():
    run = synthetic_scan(n_levels=40, v_jump_q=2000.0, solid_at_q=5000.0)
    res = extract_ccd(run, default_criteria(voltage_limit=0.5, solid_coverage=0.5),
                      parameters=PARAMS)
    assert res.limiting_mechanism == "voltage"
    assert res.critical_capacity == pytest.approx(res.onsets["voltage"].capacity)
    assert 2000.0 <= res.onsets["voltage"].capacity < res.onsets["solid_coverage"].capacity
    assert res.onsets["solid_coverage"].capacity >= 5000.0
    assert res.onsets["liquidus"].capacity > res.onsets["voltage"].capacity
    row = res.summary()
    assert row["limiting_mechanism"] == "voltage" and row["ccd_liquidus"] >= row["ccd"]


def test_plating_uses_na_rich_liquidus_and_negative_voltage():
    run = synthetic_scan(-1.0, n_levels=60, dxdq=-2e-5)
    res = extract_ccd(run, parameters=PARAMS)
    assert res.direction is Direction.PLATE
    q_liq = (WINDOW[1] - 0.478) / 2e-5
    assert res.limiting_mechanism == "liquidus"
    assert q_liq - 5.0 <= res.critical_capacity < q_liq + 600.0
    assert res.critical_capacity > 0  # magnitude in the scan direction
    # voltage criterion on a plating run triggers on V <= -limit only
    run_v = synthetic_scan(-1.0, n_levels=10, v_jump_q=300.0)
    assert extract_ccd(run_v, [VoltageCriterion(0.5)], parameters=PARAMS
                       ).limiting_mechanism == "voltage"
    assert extract_ccd(run_v, [VoltageCriterion(0.5)], direction="strip", parameters=PARAMS
                       ).limiting_mechanism == "none"


def test_no_criterion_reached_gives_nan_and_a_lower_bound():
    run = synthetic_scan(n_levels=5, dxdq=-1e-9)
    res = extract_ccd(run, parameters=PARAMS)
    assert res.limiting_mechanism == "none"
    assert math.isnan(res.ccd) and math.isnan(res.critical_capacity)
    assert res.max_current_density == pytest.approx(5.0)


def test_crack_onset_for_solid_metal_at_the_analytic_overpotential():
    """Solid metal in an edge flaw: K_I = 1.1215 (F|eta|/Omega) sqrt(pi a) = K_IC at
    eta_c = K_IC Omega / (1.1215 F sqrt(pi a))."""
    flaw = SimpleNamespace(depth=20e-6, opening=1e-6)
    kic = PARAMS.nasicon.fracture_toughness
    eta_c = kic * NA_MOLAR_VOLUME / (EDGE_CRACK_FACTOR * FARADAY * math.sqrt(math.pi * 20e-6))
    run = synthetic_scan(-1.0, n_levels=20, x0=0.69, dxdq=-1e-4,
                         eta=lambda t: -2.03 * eta_c * t / t[-1])
    # the electrochemical bound alone (no creep limit of the solid)
    crit = CrackCriterion.handbook(flaw, PARAMS, loading=FlawLoadingModel.from_parameters(
        PARAMS, solid_sodium=None))
    res = extract_ccd(run, [crit], parameters=PARAMS)
    assert res.limiting_mechanism == "crack"
    k = res.onsets["crack"].index
    eta = np.abs(run.we_overpotential)
    assert eta[k] >= eta_c * (1 - 1e-9) and eta[k - 1] < eta_c
    assert res.k_ratio[k - 1] < 1.0 <= res.k_ratio[k]
    assert res.k_ratio_max == pytest.approx(2.03, rel=1e-6)


def test_no_crack_when_plating_into_liquid_at_0p4_mA_cm2():
    """Liquid metal flows out of the flaw: the pressure is outflow + capillary limited."""
    flaw = SimpleNamespace(depth=20e-6, opening=1e-6)
    run = synthetic_scan(-1.0, n_levels=4, step=1.0, dxdq=-1e-7,
                         eta=lambda t: -0.2 * np.ones_like(t))
    run.current_density = np.where(run.current_density < 0, -4.0, 0.0)  # 0.4 mA/cm2
    res = extract_ccd(run, [CrackCriterion.handbook(flaw, PARAMS)], parameters=PARAMS)
    assert res.limiting_mechanism == "none"
    assert 0 < res.k_ratio_max < 0.1
    # the same overpotential with solid metal pressurised to the bound would crack
    # (F*0.2/Omega = 0.8 GPa) ...
    solid = synthetic_scan(-1.0, n_levels=4, x0=0.9, dxdq=-1e-7,
                           eta=lambda t: -0.2 * np.ones_like(t))
    bound_only = FlawLoadingModel.from_parameters(PARAMS, solid_sodium=None)
    assert extract_ccd(solid, [CrackCriterion.handbook(flaw, PARAMS, loading=bound_only)],
                       parameters=PARAMS).limiting_mechanism == "crack"
    # ... but solid Na creeps out of the mouth: at 0.4 mA/cm2 the extrusion pressure is
    # far below the bound and the flaw does not crack either
    creeping = extract_ccd(solid, [CrackCriterion.handbook(flaw, PARAMS)], parameters=PARAMS)
    assert creeping.limiting_mechanism == "none" and creeping.k_ratio_max < 0.2


@pytest.mark.parametrize("make", [
    lambda: VoltageCriterion(-1.0),
    lambda: LiquidusCriterion(tolerance=0.2),
    lambda: SolidCoverageCriterion(fraction=0.0),
    lambda: CrackCriterion(flaw=None, k_per_pressure=0.0, fracture_toughness=1e6),
    lambda: Direction.parse("sideways"),
])
def test_bad_criteria_raise_parameter_error(make):
    with pytest.raises(ParameterError):
        make()


def test_duplicate_criterion_names_and_currentless_runs_are_rejected():
    run = synthetic_scan()
    with pytest.raises(ParameterError, match="unique"):
        extract_ccd(run, [VoltageCriterion(), VoltageCriterion(2.0)], parameters=PARAMS)
    run.current_density = np.zeros_like(run.time)
    with pytest.raises(ParameterError, match="no current"):
        extract_ccd(run, parameters=PARAMS)


def test_scan_protocol_parses_and_has_the_levels():
    from nakmodel.protocol import Protocol

    text = scan_protocol("plate", 1.0, 5.0, 1.0, 30.0, 0.8)
    step = Protocol.parse(text)[0]
    assert step.value(15.0) == pytest.approx(-1.0) and step.value(4 * 30 + 1) == pytest.approx(
        -5.0)
    assert step.until[0].volts == pytest.approx(-0.8)


def test_fe_scan_critical_capacity_is_the_lever_rule_inventory():
    """1D cell, NaK80 stripped at 0.5 mA/cm2: the liquidus is reached when the Na inventory
    of the 100 um layer is used up (thermo.inventory), within 5 %."""
    from nakmodel import Cell, thermo
    from nakmodel.model.simulation import Simulation

    p = PARAMS.replace({"alloy.composition": "NaK80"})
    cell = Cell(geometry="1d", pellet_radius="5 mm", pellet_thickness="1 mm",
                alloy_thickness="100 um")
    run = Simulation(cell, p, "Strip at 0.5 mA/cm2 until 1 V or liquidus").run()
    res = extract_ccd(run, parameters=p)
    q_ref = float(thermo.inventory(p.alloy.composition, p.temperature, to="K-liquidus",
                                   thickness=100e-6, params=p))
    assert res.limiting_mechanism == "liquidus"
    assert res.ccd == pytest.approx(5.0)
    assert res.critical_capacity == pytest.approx(q_ref, rel=0.05)
    assert res.onsets["voltage"] is None
