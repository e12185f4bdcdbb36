"""Phase separation in the alloy as a mechanism (issue #11): pinned liquid in the two-phase
field (mixture transport), phase-correct thermodynamics of the FE forms against
:mod:`nakmodel.thermo`, direction-dependent blocking (plating on solid K with its own
exchange current density), and the Lagrangian factor normal to the interface only."""

from __future__ import annotations

import math

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
import ufl
from dolfinx import fem

from nakmodel import thermo
from nakmodel.errors import ParameterError
from nakmodel.geometry import Cell
from nakmodel.model import thermo_ufl as tu
from nakmodel.model import two_phase
from nakmodel.model.materials import AlloyProperties, ElectrodeInterface
from nakmodel.model.meshes import interval_cell, rectangle_cell
from nakmodel.model.problem import CoupledProblem, VoltageControl
from nakmodel.model.simulation import Simulation
from nakmodel.parameters import load_parameters

FARADAY = 96485.33212331001
R = 8.31446261815324


def _conservation(res):
    """max |Na removed F / A - faradaic charge| relative to max(|charge|, inventory F / A)."""
    removed = (res.inventory[0] - res.inventory) * FARADAY / res.nominal_area
    scale = max(np.max(np.abs(res.faradaic_capacity)),
                res.inventory[0] * FARADAY / res.nominal_area)
    return float(np.max(np.abs(removed - res.faradaic_capacity)) / scale)


# ------------------------------------------------------------------ item 2: FE vs thermo
@pytest.mark.parametrize("celsius", [25.0, 60.0])
def test_fe_thermodynamics_agree_with_thermo_over_the_whole_composition_range(celsius):
    """The FE model's own UFL forms (problem.phases with its fem.Constants, evaluated on the
    nodes of a 1D alloy whose content runs over 0 < x_Na < 1) agree with nakmodel.thermo:
    equilibrium potential to 0.5 mV, liquid fraction to 1e-3 (no negative fraction),
    activity to 0.5 mV-equivalent, liquid interdiffusivity at the liquid composition."""
    T = 273.15 + celsius
    p = load_parameters({"temperature": f"{celsius} degC"})
    a = AlloyProperties.from_parameters(p)
    n = 3000
    pb = CoupledProblem(interval_cell(1e-4, 1e-4, 4, n), temperature=T, alloy=a,
                        parameters=p, x_initial=0.5)
    V1 = fem.functionspace(pb.mesh, ("Lagrange", 1))
    z = V1.tabulate_dof_coordinates()[:, 0]
    s = np.clip((z - 1e-4) / 1e-4, 0.0, 1.0)
    # log-spaced at both ends, dense through the phase boundaries
    x_nodes = 0.5 * (1 + np.tanh(12.0 * (s - 0.5)) / np.tanh(6.0)) * (1 - 2e-7) + 1e-7
    c = fem.Function(V1)
    c.x.array[:] = pb.concentration(x_nodes)
    k = pb.constants
    x = pb.x_of(c)
    ph = pb.phases
    exprs = {
        "ocv": ph.ocv_vs_na(x, k["T"], k["L0"], k["L1"], k["tm_na"], k["dh_na"], k["L2"]),
        "f_l": ph.liquid_fraction(x), "ln_a": ph.ln_activity_na(x, k["T"], k["L0"], k["L1"],
                                                               k["L2"]),
        "x_l": ph.liquid_composition(x),
        "d_l": tu.interdiffusivity(ph.liquid_composition(x), k["T"], k["L0"], k["L1"],
                                   k["d_na"], k["d_k"], k["factor"], k["L2"]),
    }
    out = {}
    for name, e in exprs.items():
        f = fem.Function(V1)
        f.interpolate(fem.Expression(e, V1.element.interpolation_points))
        out[name] = f.x.array.copy()
    alloy = s > 0
    xs = x_nodes[alloy]
    assert xs.min() < 1e-6 and xs.max() > 1 - 1e-6
    e_ref = thermo.ocv_vs_na(xs, T, p)
    f_ref = thermo.liquid_fraction(xs, T, p)
    b = thermo.phase_boundaries(T, p)
    x_l_ref = np.clip(xs, b.liquid_low, b.liquid_high)
    dg = p.alloy.na_enthalpy_of_fusion * (1 - T / p.alloy.na_melting_point)
    ln_a_ref = -(FARADAY * e_ref + dg) / (R * T)
    assert np.max(np.abs(out["ocv"][alloy] - e_ref)) < 0.5e-3
    assert np.max(np.abs(out["f_l"][alloy] - f_ref)) < 1e-3
    assert out["f_l"].min() >= 0.0 and out["f_l"].max() <= 1.0 + 1e-12
    assert np.max(np.abs(out["ln_a"][alloy] - ln_a_ref)) * R * T / FARADAY < 0.5e-3
    assert np.max(np.abs(out["x_l"][alloy] - x_l_ref)) < 1e-3 * b.liquid_low
    assert np.allclose(out["d_l"][alloy], thermo.interdiffusivity(x_l_ref, T, p), rtol=1e-3)
    # every phase field was sampled: K(ss), K-side mush, liquid, Na-side mush, Na(ss)
    for lo, hi in ((0, b.solid_low), (b.solid_low, b.liquid_low), (b.liquid_low, b.liquid_high),
                   (b.liquid_high, b.solid_high), (b.solid_high, 1)):
        assert np.sum((xs > lo) & (xs < hi)) > 20


def test_rest_below_the_solidus_shows_the_thermo_potential():
    """The issue's case: a 1D cell resting at x_Na = 0.017 (K(ss)) shows thermo's 35.3 mV
    (was 24.5 mV), and the FE liquid fraction is 0 there, not negative."""
    p = load_parameters()
    cell = Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="50 um",
                mesh_size="2.5 um")
    res = Simulation(cell, p, "Rest for 600 s", x_initial=0.017).run()
    assert res.voltage[-1] == pytest.approx(float(thermo.ocv_vs_na(0.017, 298.15, p)),
                                            abs=0.05e-3)
    assert res.voltage[-1] == pytest.approx(35.3e-3, abs=0.1e-3)
    assert res.liquid_fraction_interface[-1] == 0.0
    assert _conservation(res) < 1e-10


# ------------------------------------------------------------------ item 1: mush at rest
def test_a_mush_at_rest_stays_put():
    """Planar cell 1 mm wide, 50 um alloy, entirely in the two-phase field (x_Na 0.05 ->
    0.12 across the width, K-rich liquidus 0.147) resting 2 h at no current: the liquid is
    pinned at the liquidus, so the phase-fraction gradient drives no flux; the interface
    spread is kept (>= 90 %, was 0 %), Na conserved to 1e-10."""
    p = load_parameters()
    cell = Cell(geometry="planar", pellet_radius="1 mm", pellet_thickness="1 mm",
                alloy_thickness="50 um", mesh_size="25 um")

    def x0(X):
        return 0.05 + 0.07 * np.clip(X[0] / 1e-3, 0.0, 1.0)

    res = Simulation(cell, p, "Rest for 2 h", x_initial=x0).run()
    spread = res.x_interface_max - res.x_interface_min
    assert spread[0] == pytest.approx(0.07, rel=0.02)
    assert spread[-1] >= 0.9 * spread[0]
    assert res.time[-1] == pytest.approx(7200.0)
    assert _conservation(res) < 1e-10
    assert abs(res.inventory[-1] / res.inventory[0] - 1.0) < 1e-10


# ------------------------------------------------------------------ item 4: lateral decay
def test_lateral_sine_decays_at_the_interdiffusivity_rate():
    """A lateral composition wave in a uniform liquid (x_Na = 0.3 +- 0.002 cos(pi x / b),
    planar, no interface current) decays at D~(0.3) k^2 (within 5 %): the Lagrangian factor
    1/J^2 acts only normal to the interface.  Na conserved to 1e-10."""
    p = load_parameters()
    a = AlloyProperties.from_parameters(p)
    T = 298.15
    b = 1e-3
    cm = rectangle_cell(b, 1e-4, 5e-5, 40, 2, 4, axisymmetric=False)
    amp = 2e-3

    def x0(X):
        return 0.3 + amp * np.cos(math.pi * X[0] / b)

    pb = CoupledProblem(cm, temperature=T, alloy=a, parameters=p, x_initial=x0,
                        x_reference=0.5, include_interface=False)
    rate = float(thermo.interdiffusivity(0.3, T, p)) * (math.pi / b) ** 2
    X = ufl.SpatialCoordinate(pb.mesh)
    mode = fem.form(pb.u[0] * ufl.cos(math.pi * X[0] / b) * pb.dx_alloy)

    def amplitude():
        return fem.assemble_scalar(mode)

    inv0 = pb.functional("inventory")
    a0 = amplitude()
    t_end = 1.0 / rate
    steps = 200
    for _ in range(steps):
        pb.solve_or_raise(VoltageControl(0.0), t_end / steps)
        pb.accept()
    measured = -math.log(amplitude() / a0) / t_end
    # backward Euler: amplitude ratio (1 + rate dt)^-n, i.e. rate ln(1 + r dt)/(r dt)
    be = math.log(1 + rate * t_end / steps) / (t_end / steps)
    assert measured == pytest.approx(be, rel=0.05)
    assert measured == pytest.approx(rate, rel=0.05)
    assert abs(pb.functional("inventory") / inv0 - 1.0) < 1e-10


def test_kinematic_tensor_is_one_over_j_squared_normal_only():
    J = 1.3
    assert two_phase.kinematic_tensor(J, 1) == pytest.approx(1 / J**2)
    from dolfinx import mesh as dmesh
    from mpi4py import MPI

    msh = dmesh.create_unit_square(MPI.COMM_SELF, 1, 1)
    Cinv = two_phase.kinematic_tensor(fem.Constant(msh, J), 2)
    vals = [[fem.assemble_scalar(fem.form(Cinv[i, j] * ufl.dx(domain=msh))) for j in range(2)]
            for i in range(2)]
    assert np.allclose(vals, [[1.0, 0.0], [0.0, 1 / J**2]])


# ------------------------------------------------------------------ item 3: plating on K
def _butler_volmer_eta(i, i0, T, aa=0.5, ac=0.5):
    from scipy.optimize import brentq

    f = FARADAY / (R * T)
    return brentq(lambda e: i0 * (math.exp(aa * f * e) - math.exp(-ac * f * e)) - i, -2, 2,
                  xtol=1e-14)


@pytest.mark.parametrize("i0_k", ["1 mA/cm^2", "0.1 mA/cm^2"])
def test_plating_on_pure_k_has_the_butler_volmer_overpotential_of_solid_k(i0_k):
    """A pristine K working electrode (x_Na = 1e-3, K(ss)) plated at 0.1 mA/cm2: the whole
    interface is solid K, yet Na+ is reduced on it with
    ``interface.solid_k_exchange_current_density``; the working-electrode overpotential
    (V - U(x_int) - ohmic - CE) is Butler-Volmer's with i0_K a_Na^alpha_c (within 10 %),
    and does not depend on the numerical blocking_smoothing."""
    T = 298.15
    etas = []
    for smoothing in (0.02, 0.005):
        p = load_parameters({"interface.solid_k_exchange_current_density": i0_k,
                             "interface.blocking_smoothing": smoothing})
        cell = Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="100 um",
                    mesh_size="1 um", working_metal="K")
        res = Simulation(cell, p, "Plate at 0.1 mA/cm2 for 2 s", x_initial=1e-3).run()
        assert res.termination.startswith("completed") or res.time[-1] == pytest.approx(2.0)
        x_i = res.x_interface_mean[-1]
        assert x_i < thermo.phase_boundaries(T, p).solid_low  # still solid K(ss)
        ocv = float(thermo.ocv_vs_na(x_i, T, p))
        dg = p.alloy.na_enthalpy_of_fusion * (1 - T / p.alloy.na_melting_point)
        activity = math.exp(-(FARADAY * ocv + dg) / (R * T))
        i = -1.0  # A/m^2
        ohmic = i * p.cell.pellet_thickness / p.nasicon.conductivity
        eta_ce = -_butler_volmer_eta(i, p.counter_electrode.exchange_current_density, T)
        eta_we = res.voltage[-1] - ocv - ohmic - eta_ce
        i0 = p.interface.solid_k_exchange_current_density * math.sqrt(activity)
        expected = _butler_volmer_eta(i, i0, T)
        assert eta_we == pytest.approx(expected, rel=0.10)
        assert _conservation(res) < 1e-10
        etas.append(eta_we)
    assert etas[0] == pytest.approx(etas[1], rel=1e-3)


def test_solid_k_blocks_stripping_but_not_plating():
    """Direction of blocking (numpy branch of the interface law): fully covered interface,
    reduction passes i0_K, oxidation only theta of it; zero at equilibrium."""
    from nakmodel.model.interface import ButlerVolmer

    bv = ButlerVolmer()
    T, theta = 298.15, 0.02
    eta = np.array([-0.05, -0.01, 0.0, 0.01, 0.05])
    i, _ = two_phase.interface_current(bv, eta, 100.0, 10.0, 0.0, T, theta)
    full = bv.current(eta, 10.0, T)
    assert np.allclose(i[:2], full[:2], rtol=1e-6)
    assert i[2] == 0.0
    assert np.allclose(i[3:], theta * full[3:], rtol=1e-2)


@pytest.mark.parametrize("value", ["0 A/m^2", "-1 mA/cm^2", "nan", "1 V"])
def test_bad_solid_k_exchange_current_is_refused_before_meshing(value):
    override = {"interface.solid_k_exchange_current_density":
                float("nan") if value == "nan" else value}
    with pytest.raises(ParameterError) as info:
        load_parameters(override)
    text = str(info.value)
    assert "interface.solid_k_exchange_current_density" in text
    assert "A/m^2" in text


@pytest.mark.parametrize("value", [0.0, -1.0, float("nan")])
def test_bad_solid_k_exchange_current_in_the_material_object(value):
    with pytest.raises(ParameterError, match="solid_k_exchange_current_density"):
        ElectrodeInterface.from_parameters(solid_k_exchange_current_density=value)


def test_bad_solid_k_exchange_current_message_names_the_range():
    with pytest.raises(ParameterError, match=r"\(0, 1e\+07\] A/m\^2"):
        load_parameters({"interface.solid_k_exchange_current_density": "0 mA/cm^2"})


# ------------------------------------------------------------------ item 1: MMS order
@pytest.mark.parametrize("regime", ["liquid", "k_solid_solution"])
def test_two_phase_operator_has_the_p1_observed_orders(regime):
    """Manufactured solution of the mixture transport operator (two_phase_mms, 1D): P1
    observed L2 order 2 and H1 order 1 in the liquid (nonlinear Darken D~, 1/J^2) and in
    the K(ss) solid solution (D_s)."""
    from nakmodel.model import two_phase_mms

    _, l2, _, (o2, o1) = two_phase_mms.convergence(1, (16, 32, 64), regime=regime)
    assert o2 == pytest.approx(2.0, abs=0.1)
    assert o1 == pytest.approx(1.0, abs=0.1)
    assert np.all(np.diff(l2) < 0)


# ------------------------------------------------------------------ item 2: smoothing
def test_halving_the_phase_smoothing_changes_capacities_by_less_than_one_percent():
    """alloy.phase_smoothing (the numerical C^2 blend of the lever rule) halved: the capacity
    of a 20 um NaK80 film to the liquidus and past it to +0.3 V (1 mA/cm2) move < 1 %.
    Na is conserved to the Newton tolerance (atol 1e-12 here, for the 1e-10 check)."""
    caps = {}
    for s in (2e-3, 1e-3):
        p = load_parameters({"alloy.composition": "NaK80", "alloy.phase_smoothing": s,
                             "numerics.newton_atol": 1e-12})
        cell = Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="20 um",
                    mesh_size="0.5 um")
        res = Simulation(cell, p, ["Strip at 1 mA/cm2 until liquidus",
                                   "Strip at 1 mA/cm2 until 0.3 V"]).run()
        assert _conservation(res) < 1e-10
        caps[s] = np.array([res.capacity[np.flatnonzero(res.step == k)[-1]] for k in (0, 1)])
    change = np.abs(caps[1e-3] / caps[2e-3] - 1.0)
    assert np.all(change < 0.01), change


# ------------------------------------------------------------------ item 5: 1D spots
def test_1d_spot_cell_includes_the_analytic_constriction():
    """A 1D cell given ContactSpots carries the spot-array constriction
    (analysis.spot_array_resistance) on its NASICON: the electrolyte resistance is the
    analytic one, a single centred spot agrees with the axisymmetric FE cell (which resolves
    it) within 2 %, and the 1D FE model's ohmic drop at 0.1 mA/cm2 is I R_spots."""
    from nakmodel.analysis import electrolyte_resistance, spot_array_resistance
    from nakmodel.geometry import ContactSpots

    p = load_parameters()
    sigma = p.nasicon.conductivity
    b, L = 1e-3, 1e-3
    spots = ContactSpots(radius="100 um", fraction=0.3, seed=1)
    one_d = Cell(geometry="1d", pellet_radius=b, pellet_thickness=L, alloy_thickness="50 um",
                 mesh_size="5 um", contact=spots)
    count = 0.3 * b * b / 1e-4**2
    r_spots = spot_array_resistance(1e-4, count, b, L, sigma)
    assert electrolyte_resistance(one_d, p) == pytest.approx(r_spots, rel=1e-12)
    assert r_spots > 1.05 * L / (sigma * math.pi * b * b)  # the constriction is not small
    # single centred spot: 1D analytic vs axisymmetric FE
    a = 0.2 * b
    single = dict(pellet_radius=b, pellet_thickness=L, alloy_thickness="100 um",
                  contact=ContactSpots(radius=a))
    r1 = electrolyte_resistance(Cell(geometry="1d", mesh_size="5 um", **single), p)
    r2 = electrolyte_resistance(Cell(geometry="axisymmetric", mesh_size=5e-5,
                                     edge_mesh_size=5e-6, **single), p)
    assert r1 == pytest.approx(r2, rel=0.02)
    # the 1D FE model carries it: ohmic part of the voltage = I R_spots
    res = Simulation(one_d, p, "Plate at 0.1 mA/cm2 for 10 s").run()
    current = -1.0 * math.pi * b * b  # A
    assert res.ohmic[-1] == pytest.approx(current * r_spots, rel=2e-3)
    assert _conservation(res) < 1e-10
