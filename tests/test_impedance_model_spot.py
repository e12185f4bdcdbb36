"""Impedance of the FE model with constriction (one contact spot, axisymmetric) and under a
DC current (operando GEIS)."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401, I001

import numpy as np
import pytest

from nakmodel.impedance import impedance, linearise
from nakmodel.model.problem import CurrentControl

B, L, A_SPOT = 1e-3, 1e-3, 0.25e-3  # pellet radius, thickness, spot radius [m]


@pytest.fixture(scope="module")
def spot_cell():
    from nakmodel.geometry import Cell, ContactSpots

    h = 2e-5
    cell = Cell(geometry="axisymmetric", pellet_radius=B, pellet_thickness=L,
                alloy_thickness=1e-4, contact=ContactSpots(radius=A_SPOT), mesh_size=h,
                edge_mesh_size=h / 10, bulk_mesh_size=2e-4)
    return cell.build_mesh()


def test_spot_low_frequency_limit_is_electrolyte_resistance(spot_cell):
    """Fast kinetics and fast diffusion make the interface terms separable: the DC limit of
    the spectrum (inventory capacitor excluded) minus the two charge-transfer resistances
    R_ct = RT/(F i0 A) is the constriction + bulk resistance of the ceramic."""
    from nakmodel.analysis import electrolyte_resistance
    from nakmodel.impedance.model import build_problem
    from nakmodel.parameters import load_parameters

    p = load_parameters().replace({"interface.exchange_current_density": 1e6,
                                   "counter_electrode.exchange_current_density": 1e6,
                                   "alloy.interdiffusivity_factor": 100.0})
    pb = build_problem(spot_cell, p)
    lin = linearise(pb, relative_permittivity=100.0)
    rt_f = 8.31446261815324 * p.temperature / 96485.33212331001
    r_ct = rt_f / (1e6 * pb.area_contact) + rt_f / (1e6 * np.pi * B**2)
    r_ceramic = lin.dc_resistance() - r_ct
    r_ref = electrolyte_resistance(spot_cell, p)
    assert abs(r_ceramic / r_ref - 1) < 5e-3, (r_ceramic, r_ref)
    # constriction really is there: well above the 1D bulk value L/(σ π b²)
    assert r_ref > 1.5 * L / (p.nasicon.conductivity * np.pi * B**2)
    # and the spectrum approaches it from above at low frequency (Re Z at 1 mHz)
    z = impedance(pb, p, frequencies=[1e-3]).Z[0]
    assert z.real == pytest.approx(lin.dc_resistance(), rel=1e-2)


def _stripped_1d_state():
    from nakmodel.model.materials import ElectrodeInterface
    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.problem import CoupledProblem

    cm = interval_cell(5e-4, 1e-4, n_nasicon=4, n_alloy=40, grading=20.0)
    pb = CoupledProblem(cm, temperature=298.15, x_initial=0.48,
                        working=ElectrodeInterface.from_parameters(
                            exchange_current_density=1.0, double_layer_capacitance=0.2))
    pristine = linearise(pb, relative_permittivity=100.0).dc_resistance()
    control = CurrentControl(50.0)  # 5 mA/cm² stripping: η_WE ≫ RT/F with i0 = 1 A/m²
    for _ in range(5):
        pb.solve_or_raise(control, 0.2)
        pb.accept()
    return pb, control, pristine


def test_operando_geis_under_dc_current():
    from nakmodel.drt import kramers_kronig

    pb, control, pristine = _stripped_1d_state()
    f = np.logspace(-2, 7, 46)
    zg = impedance(pb, frequencies=f, relative_permittivity=100.0)
    zp = impedance(pb, frequencies=f, relative_permittivity=100.0, mode="potentiostatic")
    assert np.max(np.abs(zp.Z / zg.Z - 1)) < 1e-8
    assert zg.meta["dc_current_density"] == pytest.approx(control.current_density, rel=1e-6)
    # Butler-Volmer under bias: di/dη grows, so the charge-transfer arc shrinks
    biased = linearise(pb, relative_permittivity=100.0).dc_resistance()
    assert biased < 0.5 * pristine
    assert kramers_kronig(zg, warn=False).passed


def test_state_from_simulation_and_checkpoint(tmp_path):
    """`state=` a Simulation after run() or a checkpoint file gives the same spectrum as the
    problem itself; a Result (no field state) is refused."""
    from nakmodel.errors import ParameterError
    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.simulation import ConstantCurrent, Simulation, save_checkpoint
    from nakmodel.parameters import load_parameters

    p = load_parameters()
    sim = Simulation(interval_cell(1e-3, 1e-4, n_nasicon=4, n_alloy=20), p,
                     ConstantCurrent(10.0, 60.0))
    result = sim.run()
    f = np.logspace(-1, 5, 13)
    z_sim = impedance(interval_cell(1e-3, 1e-4, n_nasicon=4, n_alloy=20), p, f, state=sim).Z
    z_own = impedance(sim.problem, p, f).Z
    assert np.allclose(z_sim, z_own, rtol=1e-10)
    path = save_checkpoint(sim.problem, tmp_path / "state.npz", time=60.0)
    z_file = impedance(interval_cell(1e-3, 1e-4, n_nasicon=4, n_alloy=20), p, f,
                       state=path).Z
    assert np.allclose(z_file, z_own, rtol=1e-10)
    with pytest.raises(ParameterError, match="state"):
        impedance(sim.problem, p, f, state=result)


def test_operando_time_domain_matches_linearisation():
    """Under 5 mA/cm² DC stripping, a sine on top of the DC current (time stepping, lock-in
    with drift removal) gives the linearised Z within 1 % at five frequencies."""
    from nakmodel.impedance.timedomain import time_domain_impedance

    pb, control, _ = _stripped_1d_state()
    f = np.array([1.0, 10.0, 100.0, 1e3, 1e4])
    z_fd = linearise(pb).impedance(f)
    z_td = time_domain_impedance(pb, f, steps_per_period=60,
                                 current_density=control.current_density)
    assert np.max(np.abs(z_td / z_fd - 1)) < 1e-2
