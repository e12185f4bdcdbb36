"""gmsh in a child process (issue 20 item 2): the mesh, its tags and the partition are those
of meshing in the process; the child's errors reach the caller; nothing is left behind."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import dolfinx_solver  # noqa: F401  (before dolfinx)

import numpy as np
import pytest

from nakmodel.geometry import Cell, ContactSpots, SurfaceFlaw
from nakmodel.geometry.cellmesh import mesh_cell
from nakmodel.geometry.gmsh_process import mesh_in_child


def _cell(kind="3d"):
    return Cell(geometry=kind, pellet_radius=1e-3, pellet_thickness=1e-3, alloy_thickness=1e-4,
                contact=ContactSpots(radius=2.5e-4),
                flaw=SurfaceFlaw(depth=2e-4, opening=4e-5, position=6e-4),
                mesh_size=1e-4 if kind == "3d" else 5e-5, bulk_mesh_size=2.5e-4)


def _arrays(cm):
    return [cm.mesh.geometry.x, cm.mesh.geometry.dofmaps[0], cm.cell_tags.indices,
            cm.cell_tags.values, cm.facet_tags.indices, cm.facet_tags.values,
            np.asarray(cm.mesh.topology.original_cell_index)]


@pytest.mark.parametrize("kind", ["3d", "axisymmetric"])
def test_child_mesh_equals_in_process_mesh(kind, tmp_path):
    cell = _cell(kind)
    before = set(Path(tempfile.gettempdir()).glob("nakmodel-gmsh-*"))
    child = mesh_cell(cell, isolate=True, msh_file=tmp_path / "cell.msh")
    inproc = mesh_cell(cell, isolate=False)
    assert child.mesh.topology.index_map(child.mesh.topology.dim).size_global > 1000
    for a, b in zip(_arrays(child), _arrays(inproc), strict=True):
        assert a.shape == b.shape and np.array_equal(a, b)  # bit-identical, same order
    assert np.array_equal(child.flaw_tip, inproc.flaw_tip)
    assert child.contact_area() == inproc.contact_area()
    assert (tmp_path / "cell.msh").stat().st_size > 0  # msh_file written by the child
    assert set(Path(tempfile.gettempdir()).glob("nakmodel-gmsh-*")) == before  # removed


def test_3d_cells_are_meshed_in_a_child_by_default(monkeypatch):
    import nakmodel.geometry.gmsh_process as gp

    calls = []
    real = gp.mesh_in_child
    monkeypatch.setattr(gp, "mesh_in_child", lambda *a, **k: calls.append(1) or real(*a, **k))
    _cell("3d").build_mesh()
    assert calls == [1]
    _cell("axisymmetric").build_mesh()  # 2D: in the process (small meshes, no child cost)
    assert calls == [1]


def test_child_errors_reach_the_caller():
    with pytest.raises(AttributeError, match="build_gmsh_model") as info:
        mesh_in_child(object())  # the child cannot mesh this: its error comes back
    assert any("gmsh child process" in note for note in info.value.__notes__)


SCRIPT = textwrap.dedent('''
    import json, sys
    import dolfinx_solver
    import numpy as np
    from mpi4py import MPI
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.geometry.cellmesh import mesh_cell

    comm = MPI.COMM_WORLD
    cell = Cell(geometry="3d", pellet_radius=0.5e-3, pellet_thickness=0.3e-3,
                alloy_thickness=50e-6, contact=ContactSpots(radius=5e-5, count=9),
                mesh_size=50e-6, edge_mesh_size=25e-6, bulk_mesh_size=150e-6)
    a, b = (mesh_cell(cell, comm, isolate=flag) for flag in (True, False))
    same = all(np.array_equal(x, y) for x, y in zip(
        (a.mesh.geometry.x, a.cell_tags.indices, a.cell_tags.values, a.facet_tags.indices,
         a.facet_tags.values, a.mesh.topology.original_cell_index),
        (b.mesh.geometry.x, b.cell_tags.indices, b.cell_tags.values, b.facet_tags.indices,
         b.facet_tags.values, b.mesh.topology.original_cell_index)))
    out = {"same": comm.allreduce(int(same), op=MPI.MIN),
           "ghosts": comm.allreduce(a.mesh.topology.index_map(3).num_ghosts)}
    if comm.rank == 0:
        json.dump(out, open(sys.argv[1], "w"))
''')


def test_child_mesh_on_two_ranks_equals_in_process(run_script):
    out = run_script(SCRIPT, 2, name="gmsh_child", timeout=120)
    assert out["same"] == 1
    assert out["ghosts"] > 0  # shared-facet ghosts, as meshed in the process
