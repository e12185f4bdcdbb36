"""Meshes and the electrolyte resistance on 2 MPI ranks equal the serial values."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

SCRIPT = textwrap.dedent('''
    import json, sys
    import dolfinx_solver
    from mpi4py import MPI
    from nakmodel.analysis import electrolyte_resistance
    from nakmodel.geometry import TAGS, Cell, ContactSpots, SurfaceFlaw

    out = {}
    for kind in ("axisymmetric", "3d"):
        cell = Cell(geometry=kind, pellet_radius=1e-3, pellet_thickness=1e-3,
                    alloy_thickness=1e-4, contact=ContactSpots(radius=2.5e-4),
                    flaw=SurfaceFlaw(depth=2e-4, opening=4e-5, position=6e-4),
                    mesh_size=5e-5 if kind == "axisymmetric" else 1e-4, bulk_mesh_size=2.5e-4)
        cm = cell.build_mesh(MPI.COMM_WORLD)
        regions = cm.submeshes()
        n_iface = {name: MPI.COMM_WORLD.allreduce(int(
            (r.facet_tags.indices[r.facet_tags.values == TAGS.facet("interface_contact")]
             < r.mesh.topology.index_map(r.mesh.topology.dim - 1).size_local).sum()))
            for name, r in regions.items()}
        out[kind] = {"contact": cm.contact_area(), "flaw": cm.area("flaw"),
                     "R": electrolyte_resistance(cm, 0.5), "n_iface": n_iface}
    if MPI.COMM_WORLD.rank == 0:
        json.dump(out, open(sys.argv[1], "w"))
''')


@pytest.mark.slow
def test_two_ranks_match_serial(run_script):
    serial = run_script(SCRIPT, 1)
    parallel = run_script(SCRIPT, 2)
    for kind in ("axisymmetric", "3d"):
        s, p = serial[kind], parallel[kind]
        assert p["contact"] == pytest.approx(s["contact"], rel=1e-12)
        assert p["flaw"] == pytest.approx(s["flaw"], rel=1e-12)
        assert p["R"] == pytest.approx(s["R"], rel=1e-8)
        assert p["n_iface"] == s["n_iface"]
        assert s["n_iface"]["alloy"] == s["n_iface"]["nasicon"] > 0


PROBLEM_SCRIPT = textwrap.dedent('''
    import json, sys
    import dolfinx_solver
    from mpi4py import MPI
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters

    # the 9-spot pellet of bench_model_3d.py at refinement 1 (~4k unknowns); on 2 ranks its
    # partition cuts interface facets, whose dS integrals need the shared-facet ghosts
    cell = Cell(geometry="3d", pellet_radius=0.5e-3, pellet_thickness=0.3e-3,
                alloy_thickness=50e-6, contact=ContactSpots(radius=5e-5, count=9),
                mesh_size=50e-6, edge_mesh_size=25e-6, bulk_mesh_size=150e-6)
    cm = cell.build_mesh(MPI.COMM_WORLD)
    pb = Simulation(cm, load_parameters(), "Strip at 1 mA/cm2 for 10 s").build()
    ghosts = MPI.COMM_WORLD.allreduce(cm.mesh.topology.index_map(3).num_ghosts)
    if MPI.COMM_WORLD.rank == 0:
        json.dump({"ghost_cells": ghosts, "area_interface": pb.area_nominal,
                   "area_contact": pb.area_contact}, open(sys.argv[1], "w"))
''')


def test_gmsh_cell_problem_on_two_ranks(run_script):
    """A gmsh 3D cell distributed with shared-facet ghosts: the model's interface (interior
    facet) integrals work when the partition cuts the interface and equal serial."""
    serial = run_script(PROBLEM_SCRIPT, 1, name="gmsh_problem", timeout=120)
    parallel = run_script(PROBLEM_SCRIPT, 2, name="gmsh_problem", timeout=120)
    assert serial["ghost_cells"] == 0 < parallel["ghost_cells"]
    b = 0.5e-3
    assert serial["area_interface"] == pytest.approx(np.pi * b * b, rel=2e-3)  # polygonal
    for key in ("area_interface", "area_contact"):
        assert parallel[key] == pytest.approx(serial[key], rel=1e-12)
