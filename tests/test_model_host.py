"""Porous carbon host in the FE model (effective medium, :class:`PorousHost`): inventory
eps x dense, Na conservation, D_eff = D eps/tau (Sand-type depletion), the Delesse
interface fraction, the host carried from a Cell to the model and the impedance, bad input."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from nakmodel import thermo
from nakmodel.errors import ParameterError
from nakmodel.geometry import Cell, PorousHost
from nakmodel.model.materials import ElectrodeInterface
from nakmodel.model.meshes import interval_cell
from nakmodel.model.problem import CoupledProblem
from nakmodel.model.simulation import Simulation
from nakmodel.model.verification import constant_current_depletion, sand_depletion, sand_problem
from nakmodel.parameters import load_parameters
from nakmodel.protocol import Protocol

FARADAY = 96485.33212331001


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def _film(thickness, host):
    return Cell(geometry="1d", alloy_thickness=thickness, mesh_size=thickness / 5, host=host)


@pytest.mark.parametrize("host", [PorousHost(0.5, 2.0), PorousHost(0.3, 4.0, 0.6)])
def test_thin_film_in_host_strips_eps_times_the_inventory(params, host):
    """A thin uniform film in a host, stripped at low current, reaches the K-rich liquidus
    after eps x thermo.inventory of the layer (within 2 %), whatever tau and the interface
    fraction."""
    thickness = 10e-6
    res = Simulation(_film(thickness, host), params,
                     Protocol.parse("Strip at 0.05 mA/cm2 until liquidus")).run()
    dense = float(thermo.inventory(params.alloy.composition, params.temperature,
                                   thickness=thickness, params=params))
    assert res.termination == "liquidus"
    assert res.final_capacity == pytest.approx(host.porosity * dense, rel=0.02)
    assert res.x_interface_min[-1] == pytest.approx(res.liquid_window[0], abs=2e-3)


def test_na_conservation_with_a_host(params):
    """Inventory int eps c dV changes by the faradaic charge / F to 1e-8 through stripping
    past the liquidus, rest and plating, in a host; the initial inventory is eps x dense.
    Past the liquidus the interface is two-phase and its liquid is pinned (issue #11): only
    the interface's own Na is left to strip, so the second strip ends at its voltage limit
    (without one the galvanostatic step has no solution once that Na is gone)."""
    host = PorousHost(0.4, 2.5)
    protocol = Protocol.parse(["Strip at 1 mA/cm2 until liquidus",
                               "Strip at 1 mA/cm2 for 1 min or until above 1 V",
                               "Rest for 10 min", "Plate at 1 mA/cm2 for 20 min"])
    sim = Simulation(_film(10e-6, host), params, protocol)
    res = sim.run()
    assert res.step_terminations[1] == "above 1 V"
    assert np.min(res.liquid_fraction_interface) < 0.5  # phase separation happened
    removed = (res.inventory[0] - res.inventory) * FARADAY / res.nominal_area
    scale = np.max(np.abs(res.faradaic_capacity))
    assert np.max(np.abs(removed - res.faradaic_capacity)) / scale < 1e-8
    pb = sim.problem
    c0 = pb.concentration(params.alloy.composition.x_na)
    dense = c0 * 10e-6 * res.nominal_area  # mol in the dense layer
    assert res.inventory[0] == pytest.approx(host.porosity * dense, rel=1e-12)


@pytest.mark.parametrize("host", [None, PorousHost(0.5, 2.0), PorousHost(0.7, 1.0)])
def test_sand_depletion_follows_the_effective_medium(params, host):
    """Constant flux N = i/F into a semi-infinite hosted liquid: eps dc/dt = (eps/tau) D c''
    with (eps/tau) D dc/dz = N gives c0 - c(0, t) = (2 N / eps) sqrt(tau t / (pi D))
    (Crank, constant-flux solution [M], with D -> D/tau and N -> N/eps) within 1 %."""
    eps, tau = (1.0, 1.0) if host is None else (host.porosity, host.tortuosity)
    x0, T = params.alloy.composition.x_na, params.temperature
    D = float(thermo.interdiffusivity(x0, T, params=params))
    times, depletion = constant_current_depletion(sand_problem(params, host), 40.0, 0.01,
                                                  400, 50)
    analytic = sand_depletion(40.0, D, times, eps, tau)
    assert np.max(np.abs(depletion / analytic - 1.0)) < 0.01


def test_interface_fraction_defaults_to_porosity_delesse():
    """Delesse: the pore (metal) fraction of the interface is the porosity unless given; the
    model's contact fraction is the working contact fraction times it."""
    assert PorousHost(0.35).areal_fraction == 0.35
    assert PorousHost(0.35, 2.0, 0.8).areal_fraction == 0.8
    assert PorousHost.bruggeman(0.25).tortuosity == pytest.approx(2.0)
    cm = interval_cell(1e-4, 1e-5, 4, 4, host=PorousHost(0.35))
    working = ElectrodeInterface.from_parameters(contact_fraction=0.5)
    pb = CoupledProblem(cm, temperature=298.15, working=working)
    assert pb.contact == pytest.approx(0.5 * 0.35)
    explicit = CoupledProblem(cm, temperature=298.15, working=working,
                              host=PorousHost(0.35, 1.0, 0.9))  # overrides the mesh's host
    assert explicit.contact == pytest.approx(0.5 * 0.9)


@pytest.mark.parametrize("interface_fraction", [None, 0.25])
def test_impedance_of_a_host_cell_sees_the_host(params, interface_fraction):
    """Cell(host=...) -> CellMesh -> model -> exact modes: the interface (charge-transfer ||
    C_dl) resistance is R_ct / a_f, the slowest diffusion
    mode is tau times slower (L^2 tau / D), the film's chemical capacitance is eps x dense;
    the non-contacting area adds its blocked capacitance to the interface time constant.

    The exact R_ct / a_f scaling holds without the sub-grid constriction of the partial
    contact (``interface.patch_size`` = 0 here); with it the hosted interface adds
    r_c(a_f) in series (checked below)."""
    from nakmodel.impedance import relaxation_spectrum
    from nakmodel.impedance.model import build_problem, linearise
    from nakmodel.model.constriction import subgrid_resistance

    with_constriction = params
    params = params.replace({"interface.patch_size": 0.0})
    dense = Cell(geometry="1d", alloy_thickness="20 um", mesh_size="4 um")
    host = PorousHost(0.5, 2.0, interface_fraction)
    hosted = dataclasses.replace(dense, host=host)
    modes = {}
    for name, cell in (("dense", dense), ("hosted", hosted)):
        table = relaxation_spectrum(cell, params).table()
        iface = max((row for row in table if row[2] == "interface"), key=lambda r: r[1])
        bulk = max((row for row in table if row[2] == "alloy bulk"), key=lambda r: r[0])
        modes[name] = iface, bulk
    (t_d, r_d, _), (tb_d, _, _) = modes["dense"]
    (t_h, r_h, _), (tb_h, _, _) = modes["hosted"]
    assert r_h == pytest.approx(r_d / host.areal_fraction, rel=1e-6)
    # the non-contacting area keeps the blocked capacitance: tau_h = R_ct (C_dl + C_b (1-f)/f)
    f, w = host.areal_fraction, params.interface
    ratio = 1 + w.blocked_capacitance * (1 - f) / (w.double_layer_capacitance * f)
    assert t_h == pytest.approx(t_d * ratio, rel=1e-6)
    assert tb_h == pytest.approx(host.tortuosity * tb_d, rel=1e-4)
    # with the sub-grid constriction: R(interface + constriction) = R_ct/a_f + r_c(a_f)/A
    table = relaxation_spectrum(hosted, with_constriction).table()
    r_arc = sum(R for _, R, g in table if g in ("interface", "constriction"))
    pb = build_problem(hosted, with_constriction)
    w = with_constriction.interface
    r_c = subgrid_resistance(pb.contact, w.patch_size, pb.nasicon.conductivity_at(pb.temperature),
                             w.patch_shape) / pb.area_nominal
    assert r_c > 0.002 * r_arc
    assert r_arc == pytest.approx(r_d / host.areal_fraction + r_c, rel=1e-3)
    c_dense = linearise(build_problem(dense, params)).inventory_mode()[1]
    c_host = linearise(build_problem(hosted, params)).inventory_mode()[1]
    assert c_host == pytest.approx(host.porosity * c_dense, rel=1e-6)


def test_every_cell_path_carries_the_host(params):
    """Cell(host=...) -> CellMesh.host -> CoupledProblem.host, through Simulation.build and
    the impedance module's build_problem (axisymmetric, gmsh mesh); the study option table
    builds the same Cell."""
    from nakmodel.impedance.model import build_problem
    from nakmodel.model.simulation import ConstantCurrent
    from nakmodel.study.simulation import parse_cell_options

    host = PorousHost(0.4, 3.0)
    cell = Cell(geometry="axisymmetric", pellet_radius="0.2 mm", pellet_thickness="0.1 mm",
                alloy_thickness="20 um", mesh_size="10 um", host=host)
    cm = cell.build_mesh()
    assert cm.host is host
    for pb in (Simulation(cm, params, ConstantCurrent(0.0, 1.0)).build(),
               build_problem(cell, params)):
        assert pb.host is host
        assert pb.contact == pytest.approx(params.interface.contact_fraction * 0.4)
        # inventory int eps c dV = eps x dense (the axisymmetric layer volume pi b^2 L_a)
        c0 = pb.concentration(params.alloy.composition.x_na)
        dense = c0 * math.pi * 0.2e-3**2 * 20e-6
        assert pb.functional("inventory") == pytest.approx(0.4 * dense, rel=1e-9)
    problems = []
    options = parse_cell_options({"geometry": "1d", "host": {"porosity": 0.4, "tortuosity": 3}},
                                 "ccd", params, problems)
    assert not problems and options.build().host == host


@pytest.mark.parametrize("make, key", [
    (lambda: PorousHost(0.0), "host.porosity"),
    (lambda: PorousHost(1.2), "host.porosity"),
    (lambda: PorousHost(True), "host.porosity"),
    (lambda: PorousHost(0.5, 0.9), "host.tortuosity"),
    (lambda: PorousHost(0.5, float("nan")), "host.tortuosity"),
    (lambda: PorousHost(0.5, 2.0, 0.0), "host.interface_fraction"),
    (lambda: PorousHost(0.5, 2.0, 1.5), "host.interface_fraction"),
    (lambda: PorousHost.bruggeman(-0.1), "host.porosity"),
    (lambda: Cell(geometry="1d", host=(0.5, 2.0)), "host"),
    (lambda: CoupledProblem(interval_cell(1e-4, 1e-5, 2, 2), temperature=298.15,
                            host={"porosity": 0.5}), "host"),
])
def test_bad_host_input_raises(make, key):
    with pytest.raises(ParameterError) as err:
        make()
    assert any(p.key == key for p in err.value.problems)
