"""Checkpoints and interface profiles under MPI without a gather of the field
(nakmodel.model.checkpoint, nakmodel.model.profiles).

On two ranks every rank writes its own part file and the main file holds no DOF array.  A
checkpoint written on one or two ranks restores, on one and on two ranks, the analytic state
it was written from (content, potential, the grain-boundary history, the previous state of a
run checkpoint; 1e-12) and the voltage and time exactly.  The 3D interface profile (area-
weighted bin means along x) of an x_Na linear in x equals that line at the bin coordinates,
which are the mesh lines x = k w/4; 2 ranks = serial (1e-12), also pointwise in 2D.  Every
mpiexec run is killed after 90 s (a rank left waiting in a collective fails the test instead
of hanging the suite)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("dolfinx_solver")

TIMEOUT = 90  # s per mpiexec run

SCRIPT = '''
import json, sys
from pathlib import Path
import numpy as np
from mpi4py import MPI
from dolfinx.mesh import compute_midpoints
from nakmodel.model.checkpoint import (Fingerprint, RunState, load_checkpoint,
                                       read_run_checkpoint, save_checkpoint,
                                       write_run_checkpoint)
from nakmodel.model.materials import NasiconProperties
from nakmodel.model.meshes import box_cell, rectangle_cell
from nakmodel.model.problem import CoupledProblem
from nakmodel.model.profiles import interface_profile
from nakmodel.model.result import Result

comm = MPI.COMM_WORLD
folder = Path(sys.argv[1]).parent / "ck"
folder.mkdir(exist_ok=True)
W = 1e-3
FP = Fingerprint(dofs=1, protocol="p", parameters="q")


def x_na(X):
    return 0.45 + 0.1 * np.sin(3e3 * X[0]) * np.cos(2e3 * X[1])


def phi(X):
    return 1e-3 * np.cos(4e3 * X[0] + 1e4 * X[2])


def history(M):
    return np.stack([np.sin(1e3 * M[:, 0]), 1e3 * M[:, 1], 1e4 * M[:, 2]], axis=1)


def problem(x0):
    nas = NasiconProperties.from_parameters(conductivity=0.01, bulk_conductivity=0.03,
                                            grain_boundary_permittivity=1.5e-7)
    cm = box_cell(W, 1e-3, 1e-4, n_lateral=4, n_nasicon=3, n_alloy=3)
    return CoupledProblem(cm, temperature=298.15, x_reference=0.45, backend="petsc",
                          nasicon=nas, x_initial=x0)


def cells(pb):
    tdim = pb.mesh.topology.dim
    im = pb.mesh.topology.index_map(tdim)
    return compute_midpoints(pb.mesh, tdim, np.arange(im.size_local + im.num_ghosts,
                                                      dtype=np.int32))


def errors(pb):
    """Max deviation over all ranks of (c, phi, history) from the analytic state."""
    X = pb.space.tabulate_dof_coordinates().T
    u = pb.u.x.array
    e = [np.abs(u[0::2] - pb.concentration(x_na(X))).max() / pb.concentration(0.5),
         np.abs(u[1::2] - phi(X)).max(),
         np.abs(pb.ceramic.history.x.array.reshape(-1, 3) - history(cells(pb))).max()]
    return [comm.allreduce(float(v), op=MPI.MAX) for v in e]


out = {}
# ---- write (this partition)
ref = problem(x_na)
ref.u.x.array[1::2] = phi(ref.space.tabulate_dof_coordinates().T)
ref.u.x.scatter_forward()
ref.voltage.value = 0.0123
ref.accept()
ref.ceramic.history.x.array[:] = history(cells(ref)).ravel()
name = f"ck{comm.size}.npz"
save_checkpoint(ref, folder / name, 5.0)
out["write_errors"] = errors(ref)
X_old = ref.state_vector().copy()
X_old[:-1] *= 1.5
X_old[-1] = 0.02
state = RunState(time=7.0, step_index=1, segment=0, mid_step=True, step_start_time=1.0,
                 step_start_capacity=0.0, capacity=2.0, faradaic_capacity=2.0, steps_taken=3,
                 termination="", dt=0.5, previous_dt=0.25, newton_iterations=9, rejections=0)
write_run_checkpoint(folder / f"run{comm.size}.npz", ref, state, FP,
                     Result(liquid_window=(0.1, 0.9), nominal_area=W * W), (X_old, 0.25))
comm.barrier()
out["files"] = sorted(p.name for p in folder.glob("*.npz"))
out["main_keys"] = {n: sorted(np.load(folder / n).files) for n in (name, f"run{comm.size}.npz")}
if comm.size > 1:
    out["part_rows"] = [len(np.load(folder / f"ck2.part{r}of2.npz")["values"]) for r in (0, 1)]
    out["total_rows"] = ref.space.dofmap.index_map.size_global
# ---- read every checkpoint there is (written on 1 or 2 ranks) on this partition
for n in sorted(p.name for p in folder.glob("ck?.npz")):
    pb = problem(0.3)
    t = load_checkpoint(pb, folder / n)
    out[n] = [t, float(pb.voltage.value)] + errors(pb)
for n in sorted(p.name for p in folder.glob("run?.npz")):
    pb = problem(0.3)
    st, _, previous = read_run_checkpoint(folder / n, pb, FP)
    expected = 1.5 * ref.state_vector()[:-1]  # same partition as ref on this run
    rel = [np.abs(previous[0][:-1] - expected)[pb.active_owned % 2 == k].max()
           / comm.allreduce(np.abs(expected[pb.active_owned % 2 == k]).max(), op=MPI.MAX)
           for k in (0, 1)]  # content, potential
    out[n] = [st.time, comm.allreduce(float(max(rel)), op=MPI.MAX),
              float(previous[0][-1]), previous[1]] + errors(pb)
# ---- interface profiles: 3D bins (x_Na linear in x), 2D pointwise
lin = problem(lambda X: 0.4 + 60.0 * X[0])
coord, x = interface_profile(lin)
out["profile3d"] = [coord.tolist(), x.tolist()]
pb2 = CoupledProblem(rectangle_cell(0.5e-3, 1e-3, 30e-6, 8, 6, 4, contact_radius=0.25e-3),
                     temperature=298.15, x_initial=lambda X: 0.4 + 100.0 * X[0] + 0.01 * X[1],
                     backend="petsc")
coord, x = interface_profile(pb2)
out["profile2d"] = [coord.tolist(), x.tolist()]
if comm.rank == 0:
    json.dump(out, open(sys.argv[1], "w"))
'''


@pytest.fixture(scope="module")
def runs(run_script_module):
    """Serial write, 2-rank write (reads both), serial again (reads the 2-rank files)."""
    first = run_script_module(SCRIPT, 1, name="ckpt", timeout=TIMEOUT)
    parallel = run_script_module(SCRIPT, 2, name="ckpt", timeout=TIMEOUT)
    serial = run_script_module(SCRIPT, 1, name="ckpt", timeout=TIMEOUT)
    return first, parallel, serial


def test_parallel_checkpoint_is_written_per_rank_without_field_arrays(runs):
    first, parallel, _ = runs
    assert first["files"] == ["ck1.npz", "run1.npz"]
    assert "coordinates" in first["main_keys"]["ck1.npz"]
    assert {"ck2.part0of2.npz", "ck2.part1of2.npz", "run2.part0of2.npz",
            "run2.part1of2.npz"} <= set(parallel["files"])
    for keys in parallel["main_keys"].values():
        assert "parts" in keys and not {"coordinates", "values", "previous_values",
                                        "grain_boundary_history"} & set(keys)
    rows = parallel["part_rows"]
    assert min(rows) > 0 and sum(rows) == parallel["total_rows"]  # owned DOFs, each once
    assert max(first["write_errors"] + parallel["write_errors"]) < 1e-12  # the set state


@pytest.mark.parametrize("reader", [1, 2])
@pytest.mark.parametrize("writer", [1, 2])
def test_checkpoint_restores_on_any_partition(runs, writer, reader):
    first, parallel, serial = runs
    got = {1: serial, 2: parallel}[reader]
    t, voltage, *err = got[f"ck{writer}.npz"]
    assert t == 5.0 and voltage == 0.0123
    assert max(err) < 1e-12, err
    t, prev_err, prev_v, prev_dt, *err = got[f"run{writer}.npz"]
    assert prev_err < 1e-12  # relative to 1.5 x the analytic state at the reader's DOFs
    assert (t, prev_v, prev_dt) == (7.0, 0.02, 0.25)
    assert max(err) < 1e-12, err


def test_a_stale_part_is_refused(runs, tmp_path_factory):
    import shutil

    from nakmodel.errors import ParameterError
    from nakmodel.model.checkpoint import _part_path, load_checkpoint
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem

    source = next(p for p in tmp_path_factory.getbasetemp().rglob("ck2.npz"))
    folder = tmp_path_factory.mktemp("stale")
    for f in source.parent.glob("ck2*.npz"):
        shutil.copy(f, folder / f.name)
    main = folder / "ck2.npz"
    other = dict(np.load(_part_path(main, 1, 2)))
    other["token"] = np.array("0" * 16)
    np.savez(_part_path(main, 1, 2), **other)
    pb = CoupledProblem(box_cell(1e-3, 1e-3, 1e-4, n_lateral=4, n_nasicon=3, n_alloy=3),
                        temperature=298.15, x_reference=0.45, backend="petsc", x_initial=0.3)
    with pytest.raises(ParameterError, match="another write"):
        load_checkpoint(pb, main)


def test_interface_profile_is_partition_independent_and_exact(runs):
    first, parallel, serial = runs
    coord, x = (np.array(v) for v in serial["profile3d"])
    np.testing.assert_allclose(coord, np.arange(5) * 0.25e-3, rtol=0, atol=1e-15)  # mesh lines
    np.testing.assert_allclose(x, 0.4 + 60.0 * coord, rtol=0, atol=1e-12)  # linear: exact
    for key in ("profile3d", "profile2d"):
        np.testing.assert_allclose(np.array(parallel[key]), np.array(serial[key]),
                                   rtol=0, atol=1e-12)
    coord, x = (np.array(v) for v in serial["profile2d"])
    assert len(coord) == 9 and np.all(np.diff(coord) > 0)  # the interface line, ordered
    np.testing.assert_allclose(x, 0.4 + 100.0 * coord + 0.01 * 1e-3, rtol=0, atol=1e-12)
