"""3D contact-spot cell (9 spots, gmsh): the iterative preset (FGMRES + fieldsplit/GAMG) and
the direct one (MUMPS) give the same cell voltage over a short galvanostatic stripping run
(relative 1e-8), and ``mpiexec -n 2`` gives the serial result (relative 1e-8) with both; the
iterative preset with compacted matrices (``compact_pattern``) gives the same voltages and
Krylov counts while storing < 40 % of the matrix entries."""

from __future__ import annotations

import numpy as np
import pytest

SCRIPT = '''
import json, sys
from mpi4py import MPI
from nakmodel.geometry import Cell, ContactSpots
from nakmodel.model.problem import CurrentControl
from nakmodel.model.simulation import Simulation
from nakmodel.model.solvers import LinearSolver
from nakmodel.parameters import load_parameters

# 9 spots of radius 40 um on a 0.3 mm pellet (contact fraction ~0.16), ~9k tetrahedra
cell = Cell(geometry="3d", pellet_radius="0.3 mm", pellet_thickness="0.2 mm",
            alloy_thickness="40 um", contact=ContactSpots(radius="40 um", count=9),
            mesh_size=4e-5, edge_mesh_size=2e-5, bulk_mesh_size=1e-4)
cm = cell.build_mesh(MPI.COMM_WORLD)
p = load_parameters()
out = {"cells": cm.mesh.topology.index_map(3).size_global,
       "contact_fraction": cm.contact_area() / cm.electrode_area()}
PRESETS = {"iterative": "iterative", "direct": "direct",
           "compact": LinearSolver("iterative", compact_pattern=True)}
for preset, choice in PRESETS.items():
    pb = Simulation(cm, p, "Strip at 1 mA/cm2 for 10 s", linear_solver=choice).build()
    voltage, krylov, newton = [], [], []
    for t in (2.0, 5.0, 10.0):   # three backward-Euler steps at 1 mA/cm2 (stripping)
        report = pb.solve(CurrentControl(10.0), t)
        assert report.converged, report.reason
        pb.accept()
        voltage.append(float(pb.voltage.value))
        krylov.append(report.krylov_iterations)
        newton.append(report.iterations)
    out[preset] = {"voltage": voltage, "krylov": krylov, "newton": newton,
                   "kind": pb.linear_solver.kind,
                   "stored": pb._A.getInfo()["nz_allocated"] if pb.backend == "petsc" else 0}
if MPI.COMM_WORLD.rank == 0:
    json.dump(out, open(sys.argv[1], "w"))
'''


@pytest.fixture(scope="module")
def serial(run_script_module):
    return run_script_module(SCRIPT, 1, name="spots9")


def test_9_spot_cell_iterative_equals_direct(serial):
    assert serial["cells"] > 5000
    # 9 spots of 40 um on 0.3 mm: f = 9 a^2 / b^2 = 0.16 (polygonal discs: a little less)
    assert serial["contact_fraction"] == pytest.approx(0.16, rel=0.05)
    it, di = serial["iterative"], serial["direct"]
    assert (it["kind"], di["kind"]) == ("iterative", "direct")
    # the iterative run really iterated (more than one Krylov iteration per Newton step)
    assert all(k > n for k, n in zip(it["krylov"], it["newton"], strict=True))
    assert it["newton"] == di["newton"]
    v = np.array(it["voltage"])
    assert np.all(np.diff(v) > 0) and v[0] > 0.01   # stripping: the polarisation grows
    np.testing.assert_allclose(v, di["voltage"], rtol=1e-8)


def test_compact_pattern_same_iterates_fewer_entries(serial):
    it, co = serial["iterative"], serial["compact"]
    np.testing.assert_allclose(co["voltage"], it["voltage"], rtol=1e-12)
    assert co["krylov"] == it["krylov"] and co["newton"] == it["newton"]
    assert 0 < co["stored"] < 0.4 * it["stored"]


def test_9_spot_cell_two_ranks_equal_serial(serial, run_script):
    parallel = run_script(SCRIPT, 2, name="spots9")
    assert parallel["cells"] == serial["cells"]
    for preset in ("iterative", "direct", "compact"):
        np.testing.assert_allclose(parallel[preset]["voltage"], serial[preset]["voltage"],
                                   rtol=1e-8, err_msg=preset)
        assert parallel[preset]["newton"] == serial[preset]["newton"]
