"""PETSc SNES Newton (``NewtonOptions(method="snes")``): same solution as the built-in
Newton (serial and on 2 ranks), options under the prefix ``nakmodel_``
(``-nakmodel_snes_*``), failures reported with the SNES reason."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
from petsc4py import PETSc

from nakmodel.errors import ConvergenceError, ParameterError
from nakmodel.model.meshes import interval_cell, rectangle_cell
from nakmodel.model.problem import (
    CoupledProblem,
    CurrentControl,
    NewtonOptions,
    VoltageControl,
)


def _spot_problem(method, backend="auto", working=None, **newton):
    return CoupledProblem(rectangle_cell(0.5e-3, 1e-3, 30e-6, 8, 6, 4, contact_radius=0.25e-3),
                          temperature=298.15, x_initial=0.3, backend=backend, working=working,
                          newton=NewtonOptions(method=method, **newton))


def _plain_interface():
    """No sub-grid constriction, i0 = 1 mA/cm²: a mildly nonlinear problem on which the
    backtracking line search converges in 25 iterations (with the parameter set's
    interface it does not)."""
    from nakmodel.model.materials import ElectrodeInterface

    return ElectrodeInterface.from_parameters(exchange_current_density=10.0, patch_size=0.0)


def _galvanostatic_then_potentiostatic(pb):
    values = []
    for k in range(4):
        rep = pb.solve(CurrentControl(10.0), 5.0 * (k + 1))
        assert rep.converged, rep.reason
        pb.accept()
        values.append(float(pb.voltage.value))
    rep = pb.solve(VoltageControl(values[-1] + 0.01), 5.0)
    assert rep.converged, rep.reason
    values.append(pb.total_current(5.0))
    pb.accept()
    values.append(pb.functional("inventory"))
    return np.array(values)


def test_snes_matches_the_builtin_newton_on_a_constricted_cell():
    builtin = _galvanostatic_then_potentiostatic(_spot_problem("builtin", backend="scipy"))
    snes_pb = _spot_problem("snes")
    assert snes_pb.backend == "petsc"
    snes = _galvanostatic_then_potentiostatic(snes_pb)
    np.testing.assert_allclose(snes, builtin, rtol=1e-10)
    assert snes_pb.newton_driver.snes.getType() == "newtonls"
    assert snes_pb.newton_driver.snes.getLineSearch().getType() == "nleqerr"


def test_snes_options_prefix_changes_the_line_search():
    options = PETSc.Options()
    options["nakmodel_snes_linesearch_type"] = "bt"
    try:
        pb = _spot_problem("snes", working=_plain_interface())
        values = _galvanostatic_then_potentiostatic(pb)
        assert pb.newton_driver.snes.getLineSearch().getType() == "bt"
    finally:
        options.delValue("nakmodel_snes_linesearch_type")
    reference = _galvanostatic_then_potentiostatic(_spot_problem("builtin", backend="scipy",
                                                                 working=_plain_interface()))
    np.testing.assert_allclose(values, reference, rtol=1e-9)


def test_snes_conserves_na_over_a_stripping_run():
    """Inventory change = charge / F to 1e-8 relative (1D film, stripping 20 steps)."""
    pb = CoupledProblem(interval_cell(2e-4, 50e-6, 10, 40), temperature=298.15, x_initial=0.4,
                        newton=NewtonOptions(method="snes"))
    n0 = pb.functional("inventory")
    charge = 0.0
    for _ in range(20):
        rep = pb.solve(CurrentControl(20.0), 10.0)
        assert rep.converged, rep.reason
        charge += pb.functional("current_we") * 10.0  # faradaic part (backward Euler)
        pb.accept()
    removed = n0 - pb.functional("inventory")
    assert removed == pytest.approx(charge / 96485.33212331001, rel=1e-8)
    assert pb.functional("inventory") < n0


def test_snes_failure_is_reported_and_raises_convergence_error():
    pb = _spot_problem("snes", max_iterations=1)
    rep = pb.solve(CurrentControl(200.0), 50.0)
    assert not rep.converged
    assert "SNES" in rep.reason and "DIVERGED" in rep.reason
    with pytest.raises(ConvergenceError, match="SNES"):
        pb.solve_or_raise(CurrentControl(200.0), 50.0)
    # the state is restored on failure
    assert float(pb.voltage.value) == pytest.approx(pb.voltage_n)


def test_bad_newton_method_and_scipy_backend_are_rejected():
    with pytest.raises(ParameterError, match="numerics.newton_method"):
        NewtonOptions(method="trust-region")
    with pytest.raises(ParameterError, match="SNES needs PETSc"):
        _spot_problem("snes", backend="scipy")


MPI_SCRIPT = '''
import json, sys
import dolfinx_solver
from mpi4py import MPI
from nakmodel.model.meshes import rectangle_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl, NewtonOptions
pb = CoupledProblem(rectangle_cell(0.5e-3, 1e-3, 30e-6, 8, 6, 4, contact_radius=0.25e-3,
                                   comm=MPI.COMM_WORLD),
                    temperature=298.15, x_initial=0.3, newton=NewtonOptions(method="snes"))
values = []
for k in range(4):
    rep = pb.solve(CurrentControl(10.0), 5.0 * (k + 1))
    if not rep.converged:
        raise SystemExit(rep.reason)
    pb.accept()
    values.append(float(pb.voltage.value))
values.append(pb.functional("inventory"))
if MPI.COMM_WORLD.rank == 0:
    json.dump(values, open(sys.argv[1], "w"))
'''


def test_snes_on_two_ranks_matches_serial(run_script):
    parallel = np.array(run_script(MPI_SCRIPT, 2))
    pb = _spot_problem("builtin", backend="scipy")
    serial = []
    for k in range(4):
        assert pb.solve(CurrentControl(10.0), 5.0 * (k + 1)).converged
        pb.accept()
        serial.append(float(pb.voltage.value))
    serial.append(pb.functional("inventory"))
    np.testing.assert_allclose(parallel, serial, rtol=1e-8)


def test_snes_with_the_iterative_preset_in_3d_matches_the_builtin_direct_solve():
    from nakmodel.model.meshes import box_cell

    values = {}
    for method, solver in (("builtin", "direct"), ("snes", "iterative")):
        pb = CoupledProblem(box_cell(1e-3, 1e-3, 1e-4, 4, 4, 4), temperature=298.15,
                            x_initial=0.45, linear_solver=solver,
                            newton=NewtonOptions(method=method))
        series = []
        for _ in range(3):
            rep = pb.solve(CurrentControl(10.0), 5.0)
            assert rep.converged, rep.reason
            pb.accept()
            series.append(float(pb.voltage.value))
        if method == "snes":
            assert rep.krylov_iterations > rep.iterations  # Krylov, not a direct solve
        values[method] = np.array(series)
    np.testing.assert_allclose(values["snes"], values["builtin"], rtol=1e-9)


def test_simulation_takes_the_newton_method_from_the_parameters():
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters

    p = load_parameters({"numerics.newton_method": "snes", "alloy.composition": "NaK80"})
    sim = Simulation(interval_cell(2e-4, 20e-6, 8, 16), p, "Strip at 1 mA/cm2 for 60 s")
    result = sim.run()
    assert sim.problem.newton_options.method == "snes" and sim.problem.backend == "petsc"
    assert result.termination and result.capacity[-1] == pytest.approx(10.0 * 60.0, rel=1e-9)
    with pytest.raises(ParameterError, match="numerics.newton_method"):
        load_parameters({"numerics.newton_method": "trust-region"})
