"""Parallel runs: the PETSc/MUMPS backend matches the serial scipy backend, and
``mpiexec -n 2`` matches the serial run within 1e-8 (relative)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

SCRIPT = textwrap.dedent('''
    import json, sys
    from mpi4py import MPI
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters
    from nakmodel.protocol import Protocol

    p = load_parameters({"alloy.composition": "NaK80"})
    cell = Cell(geometry="axisymmetric", pellet_radius=0.3e-3, alloy_thickness=20e-6,
                contact=ContactSpots(radius="100 um"))
    res = Simulation(cell.build_mesh(MPI.COMM_WORLD), p,
                     Protocol.parse("Strip at 1 mA/cm2 until 0.2 V")).run()
    if MPI.COMM_WORLD.rank == 0:
        json.dump({"time": res.time.tolist(), "voltage": res.voltage.tolist(),
                   "capacity": res.final_capacity, "termination": res.termination,
                   "x_min": res.x_interface_min.tolist()}, open(sys.argv[1], "w"))
''')


def test_petsc_backend_matches_scipy_backend():
    from nakmodel.model.meshes import rectangle_cell
    from nakmodel.model.problem import CoupledProblem, CurrentControl

    voltages = {}
    for backend in ("scipy", "petsc"):
        pb = CoupledProblem(rectangle_cell(0.5e-3, 1e-3, 30e-6, 8, 6, 4, contact_radius=0.25e-3),
                            temperature=298.15, x_initial=0.3, backend=backend)
        series = []
        for k in range(4):
            assert pb.solve(CurrentControl(10.0), 5.0 * (k + 1)).converged
            pb.accept()
            series.append(float(pb.voltage.value))
        voltages[backend] = np.array(series)
    np.testing.assert_allclose(voltages["petsc"], voltages["scipy"], rtol=1e-10)


@pytest.mark.slow
def test_mpiexec_two_ranks_matches_serial(run_script):
    serial = run_script(SCRIPT, 1)
    parallel = run_script(SCRIPT, 2)
    assert parallel["termination"] == serial["termination"] == "above 200 mV"
    assert len(parallel["time"]) == len(serial["time"])
    np.testing.assert_allclose(parallel["voltage"], serial["voltage"], rtol=1e-8)
    np.testing.assert_allclose(parallel["x_min"], serial["x_min"], rtol=1e-8)
    assert parallel["capacity"] == pytest.approx(serial["capacity"], rel=1e-8)
