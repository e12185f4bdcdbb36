"""Analytic limits of the coupled model: Na conservation, thin-film inventory, Sand depletion."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nakmodel import thermo
from nakmodel.model.materials import ElectrodeInterface
from nakmodel.model.simulation import Simulation
from nakmodel.model.verification import constant_current_depletion, sand_depletion, sand_problem
from nakmodel.parameters import load_parameters
from nakmodel.protocol import Protocol

FARADAY = 96485.33212331001


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def _thin_film_cell(thickness):
    from nakmodel.geometry import Cell

    return Cell(geometry="1d", alloy_thickness=thickness, mesh_size=thickness / 5)


def test_na_conservation_through_phase_separation_and_plating(params):
    """Inventory change == faradaic charge / F to 1e-8 over strip past the liquidus (solid K
    forms), rest and plating back; the total charge differs only by the double-layer charge."""
    # past the liquidus the interface blocks within seconds (its liquid is pinned, issue
    # #11): the second step ends at its voltage limit
    protocol = Protocol.parse(["Strip at 1 mA/cm2 until liquidus",
                               "Strip at 1 mA/cm2 for 2 min or until 1 V",
                               "Rest for 10 min", "Plate at 1 mA/cm2 for 40 min"])
    res = Simulation(_thin_film_cell(10e-6), params, protocol).run()
    assert res.step_terminations[0] == "liquidus"
    assert res.step_terminations[2:] == ["duration", "duration"]
    assert np.min(res.liquid_fraction_interface) < 0.5  # phase separation happened
    removed = (res.inventory[0] - res.inventory) * FARADAY / res.nominal_area  # C/m^2
    scale = np.max(np.abs(res.faradaic_capacity))
    assert np.max(np.abs(removed - res.faradaic_capacity)) / scale < 1e-8
    # double-layer charge: C_dl * (change of V - phi), far below 1e-3 of the capacity
    assert np.max(np.abs(res.capacity - res.faradaic_capacity)) / scale < 1e-3


@pytest.mark.parametrize("label", ["NaK50", "NaK80"])
def test_thin_film_strips_its_inventory(params, label):
    """A thin uniform film at low current reaches the K-rich liquidus at the capacity of
    thermo.inventory (lever rule on the composition) within 2 %."""
    from nakmodel.parameters import load_parameters

    p = load_parameters({"alloy.composition": label})
    thickness = 10e-6
    res = Simulation(_thin_film_cell(thickness), p,
                     Protocol.parse("Strip at 0.1 mA/cm2 until liquidus")).run()
    expected = float(thermo.inventory(p.alloy.composition, p.temperature, thickness=thickness,
                                      params=p))
    assert res.termination == "liquidus"
    assert res.final_capacity == pytest.approx(expected, rel=0.02)
    assert res.x_interface_min[-1] == pytest.approx(res.liquid_window[0], abs=2e-3)


def test_thick_liquid_follows_sand_depletion(params):
    """Constant flux into a semi-infinite liquid: c0 - c(0, t) = 2 (i/F) sqrt(t / (pi D)) within
    1 % (D = Darken interdiffusivity at the initial composition; double layers off)."""
    x0, T = params.alloy.composition.x_na, params.temperature
    D = float(thermo.interdiffusivity(x0, T, params=params))
    current = 100.0
    times, depletion = constant_current_depletion(sand_problem(params), current, 0.01, 400, 50)
    analytic = sand_depletion(current, D, times)
    assert np.max(np.abs(depletion / analytic - 1.0)) < 0.01
    # interface concentration vs sqrt(t): a straight line through the origin
    slope, intercept = np.polyfit(np.sqrt(times), depletion, 1)
    assert abs(intercept) < 0.01 * depletion[-1]


def test_thin_film_plates_to_the_na_liquidus(params):
    """Plating a thin film at low current reaches the Na-rich liquidus at the platable
    inventory of thermo.inventory(to="Na-liquidus") within 2 %; solid Na does not block, so
    plating continues past it without a voltage runaway."""
    thickness = 10e-6
    protocol = Protocol.parse(["Plate at 0.1 mA/cm2 until liquidus",
                               "Plate at 0.1 mA/cm2 for 30 min"])
    res = Simulation(_thin_film_cell(thickness), params, protocol).run()
    expected = float(thermo.inventory(params.alloy.composition, params.temperature,
                                      to="Na-liquidus", thickness=thickness, params=params))
    first = np.flatnonzero(res.step == 0)[-1]
    assert res.step_terminations[0] == "liquidus"
    assert -res.capacity[first] == pytest.approx(expected, rel=0.02)
    assert res.x_interface_max[first] == pytest.approx(res.liquid_window[1], abs=2e-3)
    assert res.active_fraction[-1] > 0.99  # solid Na does not block the interface
    assert abs(res.voltage[-1]) < 0.05


def test_blocking_exponent_brings_the_voltage_rise_forward(params):
    """Past the K-rich liquidus solid K blocks the interface; a larger blocking exponent
    (coverage growing faster than the solid fraction) ends the run earlier, and every run
    delivers at least the liquidus inventory before the limit."""
    thickness = 10e-6
    inventory = float(thermo.inventory(params.alloy.composition, params.temperature,
                                       thickness=thickness, params=params))
    capacities = []
    for n in (1.0, 3.0):
        working = dataclasses.replace(ElectrodeInterface.from_parameters(params),
                                      blocking_exponent=n)
        res = Simulation(_thin_film_cell(thickness), params,
                         Protocol.parse("Strip at 1 mA/cm2 until 0.1 V"), working=working).run()
        assert res.termination == "above 100 mV"
        capacities.append(res.final_capacity)
    assert capacities[1] < capacities[0]
    assert min(capacities) > inventory
