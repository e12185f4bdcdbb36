"""gmsh in a child process (issue 20 item 2): on one rank the mesh, its tags and numbering are
those of meshing in the process, on two the same cells and tags (partitioned from the
distributed input); the child's errors reach the caller; nothing is left behind."""

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
        with mesh_in_child(object()):  # the child cannot mesh this: its error comes back
            pass
    assert any("gmsh child process" in note for note in info.value.__notes__)


SCRIPT = textwrap.dedent('''
    import json, sys
    import dolfinx_solver
    import numpy as np
    from dolfinx import mesh as dmesh
    from mpi4py import MPI
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.geometry.cellmesh import mesh_cell

    comm = MPI.COMM_WORLD

    def owned_rows(cm, dim, tags):
        """(tag, sorted vertex coordinates) of the owned tagged entities of dimension dim."""
        msh = cm.mesh
        n_owned = msh.topology.index_map(dim).size_local
        keep = tags.indices < n_owned
        ents = tags.indices[keep].astype(np.int32)
        nodes = dmesh.entities_to_geometry(msh, dim, ents)
        xyz = np.sort(msh.geometry.x[nodes].reshape(len(ents), -1, 3), axis=1)
        rows = np.column_stack([tags.values[keep], xyz.reshape(len(ents), -1)])
        rows = np.concatenate(comm.allgather(rows))
        return rows[np.lexsort(rows.T[::-1])]

    cell = Cell(geometry="3d", pellet_radius=0.5e-3, pellet_thickness=0.3e-3,
                alloy_thickness=50e-6, contact=ContactSpots(radius=5e-5, count=9),
                mesh_size=50e-6, edge_mesh_size=25e-6, bulk_mesh_size=150e-6)
    meshes = {flag: mesh_cell(cell, comm, isolate=flag) for flag in (True, False)}
    rows = {flag: (owned_rows(cm, 3, cm.cell_tags), owned_rows(cm, 2, cm.facet_tags))
            for flag, cm in meshes.items()}
    a, b = meshes[True], meshes[False]
    out = {"same_cells": bool(np.array_equal(rows[True][0], rows[False][0])),
           "same_facets": bool(np.array_equal(rows[True][1], rows[False][1])),
           "cells": len(rows[True][0]), "facets": len(rows[True][1]),
           "ghosts": comm.allreduce(a.mesh.topology.index_map(3).num_ghosts),
           "contact": [a.contact_area(), b.contact_area()],
           "flaw_tip": [a.flaw_tip is None, b.flaw_tip is None]}
    if comm.rank == 0:
        json.dump(out, open(sys.argv[1], "w"))
''')


def test_child_mesh_on_two_ranks_equals_in_process(run_script):
    """Two ranks: the same cells, tagged facets and tags (compared by their vertex
    coordinates, independent of the partition), with shared-facet ghosts."""
    out = run_script(SCRIPT, 2, name="gmsh_child", timeout=120)
    assert out["cells"] > 10000 and out["facets"] > 1000
    assert out["same_cells"] and out["same_facets"]
    assert out["ghosts"] > 0
    assert out["contact"][0] == pytest.approx(out["contact"][1], rel=1e-12)
