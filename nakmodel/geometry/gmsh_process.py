"""Mesh a cell with gmsh in a child process and hand its mesh to dolfinx (issue 20 item 2).

gmsh meshes serially on rank 0, and the heap it frees at ``gmsh.finalize()`` stays in the
process (glibc keeps it): on the 9-spot pellet at ~1M unknowns that was ~1.5 GiB more on rank
0 than on rank 1 (benchmarks/RESULTS.md, "3D memory").  Here a fresh interpreter (no MPI, no
dolfinx: ``python -m nakmodel.geometry.gmsh_process``) builds the gmsh model of the pickled
:class:`~nakmodel.geometry.Cell` and writes the arrays that
:func:`dolfinx.io.gmsh.model_to_mesh` would extract on its root rank (nodes, cells and
tagged facets with their physical tags, in its order: :func:`mesh_arrays`) as ``.npy``
files to a private temporary directory (the result file that names them is written under a
temporary name and renamed last, so a half-written result is never read; the directory is
removed afterwards).  Rank 0 then sends every rank a contiguous block of the rows, and
dolfinx builds the distributed mesh and its cell and facet tags (the single source of truth)
from there with the calls ``model_to_mesh`` makes (:func:`distributed_mesh`), with the
caller's partitioner (shared-facet ghosts under MPI).  The gmsh heap dies with the child,
and no rank holds the whole mesh while dolfinx partitions it.  On one rank the mesh is
bit-identical to ``model_to_mesh``'s; on several it is the same mesh, partitioned from the
distributed input.

A failure in the child (an invalid geometry, a gmsh error) is re-raised in the parent as the
child's exception (pickled) or, if it cannot be pickled, as a RuntimeError with its
traceback.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np

#: the format of the child's result (checked on reading)
FORMAT = "nakmodel-gmsh-arrays-1"
#: the arrays the child writes (``<name>.npy``), rows distributed over the ranks on reading
ARRAYS = ("x", "cells", "cell_values", "facets", "facet_values")


def mesh_arrays(gmsh) -> dict:
    """The arrays :func:`dolfinx.io.gmsh.model_to_mesh` extracts from the current gmsh model
    on its root rank, in its order (``extract_geometry``, ``extract_topology_and_markers``):
    ``x`` (nodes by tag, N x 3), ``cells`` (gmsh node order, 0-based) and ``cell_values``
    (physical tags) of the highest dimension, ``facets`` / ``facet_values`` of the one below
    (empty if none is tagged), and ``meta`` (tdim, the gmsh cell type)."""
    model = gmsh.model
    indices, points, _ = model.mesh.getNodes()
    order = np.argsort(indices - 1)
    if not np.array_equal((indices - 1)[order], np.arange(indices.size)):
        raise RuntimeError("gmsh nodes are not numbered 1..N")
    x = points.reshape(-1, 3)[order]
    del points, order
    topologies: dict[int, list] = {}
    dims: dict[int, tuple[int, int]] = {}
    for dim, tag in model.getPhysicalGroups():
        for entity in model.getEntitiesForPhysicalGroup(dim, tag):
            types, tags, nodes = model.mesh.getElements(dim, tag=entity)
            for etype, etags, enodes in zip(types, tags, nodes, strict=True):
                _, edim, _, n_nodes, _, _ = model.mesh.getElementProperties(etype)
                dims[int(etype)] = (int(edim), int(n_nodes))
                entry = topologies.setdefault(int(etype), [[], [], []])
                entry[0].append(enodes.reshape(-1, n_nodes) - 1)
                entry[1].append(np.full(etags.size, tag, dtype=np.int32))
                entry[2].append(etags)
    if not topologies:
        raise RuntimeError("No 'physical groups' in gmsh mesh. Cannot continue.")
    tdim = max(d for d, _ in dims.values())
    cell_types = [t for t, (d, _) in dims.items() if d == tdim]
    facet_types = [t for t, (d, _) in dims.items() if d == tdim - 1]
    if len(cell_types) != 1 or len(facet_types) > 1:
        raise RuntimeError(f"one cell type and at most one facet type expected, got {dims}")
    (cell_type,) = cell_types
    all_types, all_tags, _ = model.mesh.getElements(dim=tdim, tag=-1)
    tagged = np.concatenate(topologies[cell_type][2])
    if (list(map(int, all_types)) != [cell_type] or all_tags[0].size != tagged.size
            or np.unique(tagged).size != tagged.size):
        raise RuntimeError("All cells are expected to be tagged once")
    out = {"x": x, "meta": {"tdim": tdim, "cell_type": cell_type}}
    for name, etype, n_nodes in (("cells", cell_type, dims[cell_type][1]),
                                 ("facets", facet_types[0] if facet_types else None,
                                  dims[facet_types[0]][1] if facet_types else tdim)):
        if etype is None:
            out[name] = np.empty((0, n_nodes), dtype=np.int64)
            out[f"{name[:-1]}_values"] = np.empty(0, dtype=np.int32)
            continue
        topo, values, _ = topologies.pop(etype)
        out[name] = np.concatenate(topo).astype(np.int64, copy=False)
        out[f"{name[:-1]}_values"] = np.concatenate(values)
    return out


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
            arrays = mesh_arrays(gmsh)
        finally:
            gmsh.finalize()
        shapes = {}
        for name in ARRAYS:
            np.save(job.with_name(f"{name}.npy"), arrays[name], allow_pickle=False)
            shapes[name] = (arrays[name].shape, arrays[name].dtype.str)
        result = {"format": FORMAT, "info": info, "meta": arrays["meta"], "shapes": shapes}
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


def sleep_until_all_arrive(comm, interval: float = 0.05) -> None:
    """Barrier that polls and sleeps (``interval`` [s]) instead of MPICH's busy wait, so that
    ranks waiting for rank 0's gmsh model do not take a core of a shared machine."""
    import time

    if comm.size == 1:
        return
    request = comm.Ibarrier()
    while not request.Test():
        time.sleep(interval)


@contextlib.contextmanager
def mesh_in_child(cell, msh_file=None):
    """Context of ``(info, arrays, meta, peak)``: ``cell.build_gmsh_model`` run in a child
    interpreter (module docstring); ``arrays`` the :func:`mesh_arrays` (memory-mapped from
    the private temporary directory, removed on leaving), ``info`` what
    ``build_gmsh_model`` returned, ``peak`` [kB] the peak RSS of the largest child this
    process has waited for (``RUSAGE_CHILDREN``: this one unless an earlier one was
    larger).  The child's error is raised here."""
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
        if "error" in result:
            if result["error"] is not None:
                err = result["error"]
                err.add_note(f"(raised in the gmsh child process)\n{result['traceback']}")
                raise err
            raise RuntimeError(f"meshing in the gmsh child process failed:\n"
                               f"{result['traceback']}")
        if result.get("format") != FORMAT:
            raise RuntimeError(f"the gmsh child did not write {FORMAT}")
        arrays = {name: np.load(workdir / f"{name}.npy", mmap_mode="r") for name in ARRAYS}
        yield result["info"], arrays, result["meta"], peak
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _rows(comm, array, shape, dtype):
    """This rank's contiguous block of the rows of ``array`` (on rank 0 only; rank r gets
    rows [n r / p, n (r + 1) / p)), sent from rank 0 without pickling."""
    n, p = shape[0], comm.size
    bounds = [n * r // p for r in range(p + 1)]
    lo, hi = bounds[comm.rank], bounds[comm.rank + 1]
    if comm.rank == 0:
        for r in range(1, p):
            comm.Send(np.ascontiguousarray(array[bounds[r]:bounds[r + 1]]), dest=r, tag=20)
        return np.array(array[lo:hi], dtype=dtype)
    out = np.empty((hi - lo, *shape[1:]), dtype=dtype)
    comm.Recv(out, source=0, tag=20)
    return out


def distributed_mesh(cell, comm, gdim: int, partitioner, msh_file=None):
    """(mesh, cell_tags, facet_tags, info) of ``cell`` meshed in a child process of rank 0
    (collective).  Every rank takes a contiguous block of the nodes, cells and tagged
    facets, and dolfinx partitions and distributes from there (``create_mesh``,
    ``distribute_entity_data``, ``meshtags_from_entities``: what ``model_to_mesh`` does with
    all of them on rank 0), so no rank holds the whole mesh in dolfinx's mesh build; on one
    rank the result is that of ``model_to_mesh`` (same arrays, same calls).  A failure on
    rank 0 is raised on every rank."""
    import dolfinx_solver  # noqa: F401

    from dolfinx import mesh as dmesh
    from dolfinx.graph import adjacencylist
    from dolfinx.io.gmsh import cell_perm_array, ufl_mesh
    from dolfinx.io.utils import distribute_entity_data

    with contextlib.ExitStack() as stack:
        head, arrays, error = None, None, None
        if comm.rank == 0:
            try:
                info, arrays, meta, _ = stack.enter_context(mesh_in_child(cell, msh_file))
                head = (info, meta, {k: (a.shape, a.dtype) for k, a in arrays.items()})
            except Exception as err:  # noqa: BLE001 - raised below, on every rank
                error = err
        sleep_until_all_arrive(comm)  # the other ranks sleep, not spin, while rank 0 meshes
        head = comm.bcast(head, root=0)
        if error is not None:
            raise error
        if head is None:
            raise RuntimeError("meshing the cell failed on rank 0 (see its error)")
        info, meta, shapes = head
        part = {k: _rows(comm, None if arrays is None else arrays[k], *shapes[k])
                for k in ARRAYS}
    domain = ufl_mesh(meta["cell_type"], gdim, dtype=np.float64)
    cells = part["cells"]
    n_nodes = cells.shape[1]
    perm = cell_perm_array(dmesh.to_type(str(domain.ufl_cell())), n_nodes)
    msh = dmesh.create_mesh(comm, np.ascontiguousarray(cells[:, perm]), domain,
                            np.ascontiguousarray(part.pop("x")[:, :gdim]), partitioner,
                            max_facet_to_cell_links=2)
    tdim = msh.topology.dim
    tags = []
    for dim, entities, values in ((tdim, part.pop("cells"), part.pop("cell_values")),
                                  (tdim - 1, part.pop("facets"), part.pop("facet_values"))):
        local, local_values = distribute_entity_data(msh, dim, entities, values)
        msh.topology.create_connectivity(dim, tdim)
        tags.append(dmesh.meshtags_from_entities(msh, dim, adjacencylist(local),
                                                 local_values.astype(np.int32, copy=False)))
    return msh, tags[0], tags[1], info


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1])))
