"""Meshes and the electrolyte resistance on 2 MPI ranks equal the serial values."""

from __future__ import annotations

import textwrap

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
