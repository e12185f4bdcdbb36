"""3D contact-spot cell (9 spots, gmsh): the iterative preset (right-preconditioned GMRES +
fieldsplit/GAMG, compacted matrices), the same with FGMRES, and the direct one (MUMPS) give the
same cell voltage over a short galvanostatic stripping run (relative 1e-8), and
``mpiexec -n 2`` gives the serial result (relative 1e-8); the iterative preset's compacted
matrices (``compact_pattern``, its default) give the same voltages and Krylov counts as the
full 2x2-block pattern while storing < 40 % of its entries."""

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
           "full": LinearSolver("iterative", compact_pattern=False),
           "fgmres": LinearSolver("iterative", krylov="fgmres")}
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
                   "kind": pb.linear_solver.kind, "krylov_method": pb.linear_solver.krylov,
                   "stored": (pb.petsc_system.A.getInfo()["nz_allocated"]
                              if pb.backend == "petsc" else 0)}
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
    assert np.all(np.diff(v) > 0) and v[0] > 0.005  # stripping: the polarisation grows
    np.testing.assert_allclose(v, di["voltage"], rtol=1e-8)
    fg = serial["fgmres"]
    assert (it["krylov_method"], fg["krylov_method"]) == ("gmres", "fgmres")
    assert fg["newton"] == di["newton"]
    np.testing.assert_allclose(fg["voltage"], di["voltage"], rtol=1e-8)


def test_compact_pattern_same_iterates_fewer_entries(serial):
    co, full = serial["iterative"], serial["full"]
    np.testing.assert_allclose(co["voltage"], full["voltage"], rtol=1e-12)
    assert co["krylov"] == full["krylov"] and co["newton"] == full["newton"]
    assert 0 < co["stored"] < 0.4 * full["stored"]


def test_9_spot_cell_two_ranks_equal_serial(serial, run_script):
    parallel = run_script(SCRIPT, 2, name="spots9")
    assert parallel["cells"] == serial["cells"]
    for preset in ("iterative", "direct", "full", "fgmres"):
        np.testing.assert_allclose(parallel[preset]["voltage"], serial[preset]["voltage"],
                                   rtol=1e-8, err_msg=preset)
        assert parallel[preset]["newton"] == serial[preset]["newton"]
