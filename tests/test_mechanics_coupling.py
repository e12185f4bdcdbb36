"""FlawState from a solved coupled electrochemical state, and its use for K_I."""

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
from mpi4py import MPI

import nakmodel.mechanics as mech
from nakmodel.errors import ParameterError
from nakmodel.mechanics.coupling import flaw_state_from_problem


def test_plating_into_a_liquid_flaw():
    from nakmodel.geometry import Cell, SurfaceFlaw
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
    from nakmodel.model.problem import CoupledProblem, CurrentControl
    from nakmodel.parameters import load_parameters

    # i0 = 10 mA/cm2 (not the default 100): |eta| ~ 10 mV at the flaw, so that the rigid
    # bound F|eta|/Omega is well above the creep pressure of this plating rate
    params = load_parameters({"interface.exchange_current_density": "10 mA/cm^2"})
    cell = Cell(geometry="planar", pellet_radius="0.3 mm", pellet_thickness="0.2 mm",
                alloy_thickness="50 um", flaw=SurfaceFlaw(depth="20 um", opening="4 um"))
    problem = CoupledProblem(
        cell.build_mesh(), temperature=params.temperature,
        alloy=AlloyProperties.from_parameters(params),
        nasicon=NasiconProperties.from_parameters(params),
        working=ElectrodeInterface.from_parameters(params),
        counter=ElectrodeInterface.from_parameters(params, "counter_electrode"),
        x_initial=params.alloy.composition.x_na, parameters=params)
    monitor = mech.FlawMonitor()
    for step in range(1, 4):
        assert problem.solve(CurrentControl(-50.0), 0.01).converged
        problem.accept()
        monitor.record(problem, 0.01 * step)
    state = flaw_state_from_problem(problem)
    assert monitor.states[-1] == state
    history = monitor.history(cell, params)
    assert history.x.tolist() == pytest.approx([0.01, 0.02, 0.03])
    assert np.all(history.k_ratio > 0) and np.all(history.k_ratio < 1e-2)
    assert history.first_onset() is None
    assert state.plating_current_density > 0  # plating at -50 A/m^2 also plates the flaw
    assert state.overpotential < 0
    assert state.liquid_fraction > 0.99  # NaK65 at 25 degC is liquid
    result = mech.stress_intensity(cell, params, state=state)
    # liquid continuous with the electrode: no meniscus, only the (tiny) outflow pressure
    assert result.pressure == pytest.approx(mech.outflow_pressure(
        params.alloy.viscosity, 20e-6, 4e-6, state.plating_current_density), rel=1e-9)
    assert result.k_ratio < 1e-2
    # the same overpotential with solid metal in the flaw and no creep loads it F|eta|/Omega
    solid = mech.flaw_pressure(mech.FlawState(state.overpotential, 0.0,
                                              state.plating_current_density),
                               cell.flaw, mech.FlawLoadingModel.from_parameters(
                                   params, solid_sodium=None))
    assert solid == pytest.approx(96485.33212331001 * abs(state.overpotential) / 23.75e-6, rel=1e-3)
    # solid Na creeps out of the mouth: far less at this rate
    creeping = mech.flaw_pressure(mech.FlawState(state.overpotential, 0.0,
                                                 state.plating_current_density),
                                  cell.flaw, mech.FlawLoadingModel.from_parameters(params))
    assert creeping < 0.5 * solid


def test_problem_without_flaw_is_rejected():
    from dolfinx import mesh as dmesh

    m = dmesh.create_unit_square(MPI.COMM_SELF, 2, 2)
    empty = dmesh.meshtags(m, 1, np.array([], dtype=np.int32), np.array([], dtype=np.int32))

    class FakeProblem:
        mesh = m
        cell_mesh = type("CM", (), {"facet_tags": empty, "tags": {"flaw": 7}})()

    with pytest.raises(ParameterError, match="cell.flaw"):
        flaw_state_from_problem(FakeProblem())
