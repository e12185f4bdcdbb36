"""Mesh a cell with gmsh in a child process and hand its mesh to dolfinx (issue 20 item 2).

gmsh meshes serially on rank 0, and the heap it frees at ``gmsh.finalize()`` stays in the
process (glibc keeps it): on the 9-spot pellet at ~1M unknowns that was ~1.5 GiB more on rank
0 than on rank 1 (benchmarks/RESULTS.md, "3D memory").  Here a fresh interpreter (no MPI, no
dolfinx: ``python -m nakmodel.geometry.gmsh_process``) builds the gmsh model of the pickled
:class:`~nakmodel.geometry.Cell`, records the answers of exactly the gmsh calls that
:func:`dolfinx.io.gmsh.model_to_mesh` makes on the root rank (nodes, physical groups and
their names, elements per entity, element properties, the cell elements' tags) and writes
them to a file in a private temporary directory (written under a temporary name and renamed,
so a half-written file is never read).  The parent reads them back into a
:class:`RecordedModel`, a stand-in for ``gmsh.model`` that answers those calls, and passes it
to ``model_to_mesh``: dolfinx then receives the very arrays it would have got from gmsh, so
the mesh, its partition and its physical tags (cell and facet tags: the single source of
truth) are identical to meshing in the process, while the gmsh heap dies with the child.

A failure in the child (an invalid geometry, a gmsh error) is re-raised in the parent as the
child's exception (pickled) or, if it cannot be pickled, as a RuntimeError with its
traceback.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np

#: the recorded file's format (checked on reading)
FORMAT = "nakmodel-gmsh-record-1"


def record_model(gmsh) -> dict:
    """The answers of the gmsh calls :func:`dolfinx.io.gmsh.model_to_mesh` makes, for the
    current model of ``gmsh`` (a meshed model with physical groups)."""
    model = gmsh.model
    indices, points, _ = model.mesh.getNodes()
    groups = [(int(d), int(t)) for d, t in model.getPhysicalGroups()]
    entities, names, elements, types = {}, {}, {}, set()
    for dim, tag in groups:
        names[(dim, tag)] = model.getPhysicalName(dim, tag)
        ents = [int(e) for e in model.getEntitiesForPhysicalGroup(dim, tag)]
        entities[(dim, tag)] = ents
        for ent in ents:
            if (dim, ent) not in elements:
                e_types, e_tags, e_nodes = model.mesh.getElements(dim, tag=ent)
                elements[(dim, ent)] = ([int(t) for t in e_types], list(e_tags), list(e_nodes))
                types.update(int(t) for t in e_types)
    dims = [d for d, _ in groups]
    tdim = max(dims) if dims else 0
    # model_to_mesh checks that every cell is tagged once: it reads only the element types
    # and tags of all cells (not their nodes, which are not kept here)
    cell_types, cell_tags, _ = model.mesh.getElements(dim=tdim, tag=-1)
    types.update(int(t) for t in cell_types)
    properties = {t: tuple(model.mesh.getElementProperties(t)) for t in types}
    return {"format": FORMAT, "nodes": (indices, points), "groups": groups, "names": names,
            "entities": entities, "elements": elements, "properties": properties,
            "cells": (tdim, [int(t) for t in cell_types], list(cell_tags))}


class _RecordedMesh:
    """``gmsh.model.mesh`` of a :class:`RecordedModel`."""

    def __init__(self, record: dict):
        self._r = record
        # each entity's elements are read once per physical group that holds the entity:
        # handed out and dropped at the last read (no second copy held during the mesh build)
        self._reads = {}
        for (dim, _), ents in record["entities"].items():
            for ent in ents:
                self._reads[(dim, ent)] = self._reads.get((dim, ent), 0) + 1

    def getNodes(self):  # noqa: N802 - gmsh's name
        """(node tags, coordinates, parametric coordinates); handed out once (dolfinx shifts
        the tags in place)."""
        nodes = self._r.pop("nodes", None)
        if nodes is None:
            raise RuntimeError("the recorded gmsh nodes were already read")
        return nodes[0], nodes[1], np.empty(0)

    def getElements(self, dim=-1, tag=-1):  # noqa: N802 - gmsh's name
        """(types, element tags, node tags) of entity (dim, tag); tag -1: the cells' types
        and tags only (node tags empty)."""
        tdim, types, tags = self._r["cells"]
        if tag == -1:
            if dim != tdim:
                raise KeyError(f"only the cells (dim {tdim}) were recorded for tag -1")
            return types, tags, [np.empty(0, dtype=np.uint64) for _ in types]
        key = (int(dim), int(tag))
        self._reads[key] = self._reads.get(key, 1) - 1
        if self._reads[key] <= 0:
            return self._r["elements"].pop(key)
        return self._r["elements"][key]

    def getElementProperties(self, element_type):  # noqa: N802 - gmsh's name
        """(name, dim, order, number of nodes, local node coordinates, primary nodes)."""
        return self._r["properties"][int(element_type)]


class RecordedModel:
    """A stand-in for ``gmsh.model`` answering, from a :func:`record_model` record, the calls
    that :func:`dolfinx.io.gmsh.model_to_mesh` makes (nothing else)."""

    def __init__(self, record: dict):
        if record.get("format") != FORMAT:
            raise RuntimeError(f"not a {FORMAT} record")
        self._r = record
        self.mesh = _RecordedMesh(record)

    def setCurrent(self, name):  # noqa: N802 - gmsh's name
        """(One model only: nothing to select.)"""

    def getPhysicalGroups(self, dim=-1):  # noqa: N802 - gmsh's name
        return [g for g in self._r["groups"] if dim in (-1, g[0])]

    def getEntitiesForPhysicalGroup(self, dim, tag):  # noqa: N802 - gmsh's name
        return self._r["entities"][(int(dim), int(tag))]

    def getPhysicalName(self, dim, tag):  # noqa: N802 - gmsh's name
        return self._r["names"][(int(dim), int(tag))]


def _child(job: Path) -> int:
    """The child's work: mesh the pickled cell, write (info, record) or the error."""
    out = job.with_name("result.pkl")
    try:
        with open(job, "rb") as f:
            request = pickle.load(f)
        import gmsh

        gmsh.initialize(interruptible=False)
        try:
            gmsh.option.setNumber("General.Terminal", 0)
            gmsh.model.add("nakmodel_cell")
            info = request["cell"].build_gmsh_model(gmsh)
            if request.get("msh_file") is not None:
                gmsh.write(str(request["msh_file"]))
            result = {"info": info, "record": record_model(gmsh)}
        finally:
            gmsh.finalize()
        code = 0
    except BaseException as err:  # noqa: BLE001 - every failure goes back to the parent
        text = traceback.format_exc()
        try:
            pickle.dumps(err)
        except Exception:  # noqa: BLE001
            err = None
        result, code = {"error": err, "traceback": text}, 1
    tmp = out.with_name("result.pkl.part")
    with open(tmp, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, out)  # atomic: the parent never sees half a file
    return code


def mesh_in_child(cell, msh_file=None) -> tuple[dict, RecordedModel, int]:
    """(info, model, peak RSS [kB]): ``cell.build_gmsh_model`` run in a child interpreter
    (module docstring); ``model`` is the :class:`RecordedModel` for ``model_to_mesh``,
    ``info`` what ``build_gmsh_model`` returned, the peak RSS that of the largest child
    this process has waited for (``RUSAGE_CHILDREN``: this one unless an earlier child was
    larger)."""
    import resource

    import nakmodel

    workdir = Path(tempfile.mkdtemp(prefix="nakmodel-gmsh-"))  # private (mode 0700)
    try:
        job = workdir / "job.pkl"
        with open(job, "wb") as f:
            pickle.dump({"cell": cell, "msh_file": None if msh_file is None
                         else str(Path(msh_file).resolve())}, f)
        env = dict(os.environ)
        root = str(Path(nakmodel.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run([sys.executable, "-m", "nakmodel.geometry.gmsh_process",
                               str(job)], env=env, capture_output=True, text=True)
        peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        result_file = workdir / "result.pkl"
        if not result_file.exists():
            raise RuntimeError(f"the gmsh child process failed (exit {proc.returncode}):\n"
                               f"{proc.stderr[-3000:]}")
        with open(result_file, "rb") as f:
            result = pickle.load(f)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if "error" in result:
        if result["error"] is not None:
            err = result["error"]
            err.add_note(f"(raised in the gmsh child process)\n{result['traceback']}")
            raise err
        raise RuntimeError(f"meshing in the gmsh child process failed:\n{result['traceback']}")
    return result["info"], RecordedModel(result["record"]), peak


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1])))
