"""3D checkpoints under MPI: nakmodel's per-rank .npz against adios4dolfinx (issue #15 item 5).

A box cell (``box_cell``, n x n x 2n cells of tetrahedra, PETSc backend, iterative preset;
grain-boundary stepping, contact-node stepping and a solid-K nucleation barrier all on, so
every history field of the state is there) takes one galvanostatic stripping step
(10 A/m^2, 10 s) on ``--ranks`` ranks; the step is accepted.  Its state is then written

* by nakmodel (:func:`nakmodel.model.checkpoint.save_checkpoint`: one part file per rank with
  owned DOFs and their coordinates, a main file with V, time and the part token), and
* by adios4dolfinx (``write_function_on_input_mesh`` of u = (c, phi), the grain-boundary
  field E_gb (DG0), the contact voltage (P1) and the nucleation flags (P1, collapsed), plus
  ``write_attributes`` for V, time and x_K; one BP4 directory), if it is installed,

``--repeats`` times each, alternately.  Both are read back (``load_checkpoint`` /
``read_function`` + ``read_attributes`` into a fresh problem built from the same
``box_cell``) on 1 and on ``--ranks`` ranks, each reader in a fresh ``mpiexec``.  Per method:
wall time (max over ranks, median of the repeats), bytes on disk, the peak-RSS increment of
the operation (``/proc/self/clear_refs`` resets VmHWM before it; max over ranks and repeats),
and the largest deviation of the restored state from the written one (every field matched by
DOF coordinates / cell midpoints on rank 0, relative to the field's largest value; V and time
compared exactly).  Prints the table and the adios4dolfinx / nakmodel ratios.  Without
adios4dolfinx (or with an ADIOS2 built without MPI) only nakmodel is measured and the import
error is printed.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_checkpoint_3d.py
[--sizes 15 25 35] [--ranks 2] [--repeats 3]`` (``mpiexec`` from the Python's bin folder).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CURRENT = 10.0  # A/m^2 (> 0 strips the working electrode)
DT = 10.0  # s
SUPERSATURATION = 0.02  # alloy.solid_k_nucleation_supersaturation: nucleation flags on


# ------------------------------------------------------------------ memory and timing
def _status_kib(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _trim():
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def measure(comm, fn):
    """``fn()`` on every rank from a common barrier: (result, wall time [s] max over ranks,
    peak-RSS increment during it [MiB] max over ranks)."""
    from mpi4py import MPI

    _trim()
    comm.barrier()
    if not _reset_peak():
        raise RuntimeError("cannot reset the peak RSS (/proc/self/clear_refs)")
    before = _status_kib("VmRSS")
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    peak = (_status_kib("VmHWM") - before) / 1024
    comm.barrier()
    return (out, comm.allreduce(elapsed, op=MPI.MAX), comm.allreduce(peak, op=MPI.MAX))


def _bytes(paths) -> int:
    total = 0
    for p in paths:
        p = Path(p)
        if p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
        elif p.is_file():
            total += p.stat().st_size
    return total


# ------------------------------------------------------------------ the problem
def build(n: int, x_initial=None):
    """The 3D box cell as a CoupledProblem (PETSc backend) with every history field on."""
    import nakmodel
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem
    from nakmodel.model.solvers import LinearSolver

    p = nakmodel.load_parameters()
    cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=n, n_nasicon=n, n_alloy=n)
    return CoupledProblem(
        cm, temperature=p.temperature,
        alloy=AlloyProperties.from_parameters(
            p, solid_k_nucleation_supersaturation=SUPERSATURATION),
        nasicon=NasiconProperties.from_parameters(p),
        working=ElectrodeInterface.from_parameters(p, "interface"),
        counter=ElectrodeInterface.from_parameters(p, "counter_electrode"),
        x_initial=p.alloy.composition.x_na if x_initial is None else x_initial,
        parameters=p, backend="petsc", linear_solver=LinearSolver("iterative"))


def history_functions(pb) -> dict:
    """name -> the active history Functions of ``pb`` (what a checkpoint holds beyond u)."""
    out = {}
    if pb.ceramic.active:
        out["grain_boundary_field"] = pb.ceramic.history
    if pb.contact_nodes.active:
        out["contact_voltage"] = pb.contact_nodes.history
    if pb.nucleation.active:
        out["solid_k_nucleated"] = pb.nucleation.flag
    return out


def fields(pb) -> dict:
    """name -> every Function of the state: u = (c, phi) and the active histories."""
    return {"c_phi": pb.u, **history_functions(pb)}


def gathered(comm, functions: dict, voltage: float) -> dict | None:
    """On rank 0 (None elsewhere): name -> (DOF coordinates, values) of every rank's owned
    DOFs of ``functions`` (DG0: cell midpoints), and V; for checking a restore (not timed)."""
    import numpy as np

    local = {}
    for name, f in functions.items():
        space = f.function_space
        m, bs = space.dofmap.index_map.size_local, space.dofmap.index_map_bs
        local[name] = (space.tabulate_dof_coordinates()[:m], f.x.array[: m * bs].reshape(m, bs))
    parts = comm.gather(local, root=0)
    if comm.rank:
        return None
    state = {k: (np.concatenate([p[k][0] for p in parts]),
                 np.concatenate([p[k][1] for p in parts])) for k in local}
    state["voltage"] = float(voltage)
    return state


def gathered_state(pb) -> dict | None:
    """:func:`gathered` of the problem's state."""
    return gathered(pb.mesh.comm, fields(pb), pb.voltage.value)


def deviation(ref: dict, got: dict) -> float:
    """Largest deviation of ``got`` from ``ref`` over all fields (matched by points, relative
    to each field's largest |value|); inf if a point is missing or V differs."""
    import numpy as np
    from scipy.spatial import cKDTree

    worst = 0.0 if got["voltage"] == ref["voltage"] else np.inf
    for key, entry in ref.items():
        if key == "voltage":
            continue
        (points, values), (gp, gv) = entry, got[key]
        if len(gp) != len(points):
            return np.inf
        dist, idx = cKDTree(points).query(gp)
        if dist.max() > 1e-12:
            return np.inf
        scale = max(float(np.abs(values).max()), 1e-300)
        worst = max(worst, float(np.abs(gv - values[idx]).max()) / scale)
    return worst


# ------------------------------------------------------------------ the two methods
def adios():
    """(adios4dolfinx, its ADIOS2 Mode enum) or the import error as a string."""
    import dolfinx  # noqa: F401  (first: its wheel's own ADIOS2 libraries are then the ones loaded)

    try:
        import adios2
        import adios4dolfinx
    except Exception as err:  # noqa: BLE001  (ImportError, or ADIOS2 without MPI)
        return f"{type(err).__name__}: {err}"
    scope = adios2.bindings if hasattr(adios2, "bindings") else adios2
    return adios4dolfinx, scope.Mode


def write_nakmodel(pb, path: Path, t: float) -> list[Path]:
    from nakmodel.model.checkpoint import save_checkpoint

    save_checkpoint(pb, path, t)
    return [path, *path.parent.glob(f"{path.stem}.part*.npz")]


def read_nakmodel(pb, path: Path) -> float:
    from nakmodel.model.checkpoint import load_checkpoint

    return load_checkpoint(pb, path)


def write_adios(pb, path: Path, t: float, lib) -> list[Path]:
    import numpy as np

    a4d, mode = lib
    comm = pb.mesh.comm
    if comm.rank == 0 and path.exists():
        shutil.rmtree(path)
    comm.barrier()
    a4d.write_function_on_input_mesh(path, pb.u, mode=mode.Write, name="c_phi")
    for name, f in history_functions(pb).items():
        a4d.write_function_on_input_mesh(path, f, mode=mode.Append, name=name)
    a4d.write_attributes(path, comm, "state", {
        "voltage": np.array([float(pb.voltage.value)]), "time": np.array([t]),
        "potassium": np.array([pb.potassium])})
    return [path]


def read_adios(pb, path: Path, lib) -> float:
    """What load_checkpoint does, from the adios4dolfinx file: u, V, accept, histories."""
    from dolfinx import fem

    a4d, _ = lib
    comm = pb.mesh.comm
    scalars = a4d.read_attributes(path, comm, "state")
    if abs(float(scalars["potassium"][0]) - pb.potassium) > 1e-12 * pb.potassium:
        raise ValueError("checkpoint of another composition")
    a4d.read_function(path, pb.u, name="c_phi")
    pb.u.x.scatter_forward()
    pb.voltage.value = float(scalars["voltage"][0])
    pb.accept()
    for name, f in history_functions(pb).items():
        if name == "solid_k_nucleated":
            flags = fem.Function(f.function_space)
            a4d.read_function(path, flags, name=name)
            flags.x.scatter_forward()
            pb.nucleation.restore(flags.x.array)
        else:
            a4d.read_function(path, f, name=name)
            f.x.scatter_forward()
    return float(scalars["time"][0])


SPACES = {"c_phi": ("Lagrange", 1, (2,)), "grain_boundary_field": ("DG", 0, (3,)),
          "contact_voltage": ("Lagrange", 1), "solid_k_nucleated": ("Lagrange", 1)}


def write_adios_mesh(pb, path: Path, t: float, lib) -> list[Path]:
    """The other adios4dolfinx route: ``write_mesh`` + ``write_function`` (the current
    partition's numbering; read back only onto the mesh read from the file)."""
    import numpy as np

    a4d, mode = lib
    comm = pb.mesh.comm
    if comm.rank == 0 and path.exists():
        shutil.rmtree(path)
    comm.barrier()
    a4d.write_mesh(path, pb.mesh, mode=mode.Write)
    for name, f in fields(pb).items():
        a4d.write_function(path, f, mode=mode.Append, name=name)
    a4d.write_attributes(path, comm, "state", {
        "voltage": np.array([float(pb.voltage.value)]), "time": np.array([t])})
    return [path]


def read_adios_mesh(comm, path: Path, names, lib):
    """``read_mesh`` + ``read_function`` of every field onto new spaces on that mesh (no
    cell or facet tags: a CoupledProblem cannot be built on it as it stands)."""
    from dolfinx import fem

    a4d, _ = lib
    msh = a4d.read_mesh(path, comm)
    out = {}
    for name in names:
        out[name] = fem.Function(fem.functionspace(msh, SPACES[name]))
        a4d.read_function(path, out[name], name=name)
    scalars = a4d.read_attributes(path, comm, "state")
    return out, float(scalars["voltage"][0]), float(scalars["time"][0])


# ------------------------------------------------------------------ MPI stages
def stage_write(n: int, folder: Path, repeats: int) -> dict | None:
    import numpy as np
    from mpi4py import MPI

    from nakmodel.model.controls import CurrentControl

    comm = MPI.COMM_WORLD
    lib = adios()
    pb = build(n)
    report = pb.solve(CurrentControl(CURRENT), dt=DT)
    if not report.converged:
        raise RuntimeError(f"the stripping step did not converge: {report}")
    pb.accept()
    process_peak = comm.allreduce(_status_kib("VmHWM") / 1024, op=MPI.MAX)  # before resets
    ref = gathered_state(pb)
    if comm.rank == 0:
        np.save(folder / "reference.npy", np.array(ref, dtype=object), allow_pickle=True)
    methods = {"nakmodel": lambda: write_nakmodel(pb, folder / "ck.npz", DT)}
    if not isinstance(lib, str):
        methods["adios4dolfinx"] = lambda: write_adios(pb, folder / "ck.bp", DT, lib)
        methods["a4d mesh+fn"] = lambda: write_adios_mesh(pb, folder / "mesh.bp", DT, lib)
    out = {"n": n, "ranks": comm.size, "unknowns": int(pb.state_vector().size),
           "newton": report.iterations, "histories": sorted(history_functions(pb)),
           "adios_error": lib if isinstance(lib, str) else None,
           "process_peak_mib": process_peak, "write": {}}
    samples = {m: [] for m in methods}
    for _ in range(repeats):
        for name, fn in methods.items():  # alternately, one sample of each at a time
            paths, elapsed, peak = measure(comm, fn)
            samples[name].append((elapsed, peak))
            out["write"][name] = {"bytes": _bytes(paths) if comm.rank == 0 else 0}
    for name, s in samples.items():
        out["write"][name].update(seconds=float(np.median([e for e, _ in s])),
                                  all_seconds=[e for e, _ in s],
                                  peak_mib=max(p for _, p in s))
    return out if comm.rank == 0 else None


def stage_read(n: int, folder: Path, repeats: int) -> dict | None:
    import numpy as np
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    lib = adios()
    pb = build(n)  # fresh; its fields are overwritten before every read (below)
    ref = np.load(folder / "reference.npy", allow_pickle=True).item() if comm.rank == 0 else None
    def into_problem(t):
        return t, gathered_state(pb)

    def onto_read_mesh(read):
        functions, voltage, t = read
        return t, gathered(comm, functions, voltage)

    # name -> (the timed read, what it restored: (time, gathered state))
    methods = {"nakmodel": (lambda: read_nakmodel(pb, folder / "ck.npz"), into_problem)}
    if not isinstance(lib, str) and (folder / "ck.bp").exists():
        methods["adios4dolfinx"] = (lambda: read_adios(pb, folder / "ck.bp", lib), into_problem)
        methods["a4d mesh+fn"] = (lambda: read_adios_mesh(comm, folder / "mesh.bp",
                                                          list(fields(pb)), lib), onto_read_mesh)
    out = {"n": n, "ranks": comm.size, "read": {}}
    for name, (fn, restored) in methods.items():
        seconds, peaks, errors = [], [], []
        for _ in range(repeats):
            pb.u.x.array[:] = 0.0  # nothing of the last read survives
            for f in history_functions(pb).values():
                f.x.array[:] = -1.0
            result, elapsed, peak = measure(comm, fn)
            t, got = restored(result)
            del result
            seconds.append(elapsed)
            peaks.append(peak)
            if comm.rank == 0:
                errors.append(deviation(ref, got) if t == DT else float("inf"))
        out["read"][name] = {"seconds": float(np.median(seconds)), "all_seconds": seconds,
                             "peak_mib": max(peaks), "error": max(errors) if errors else None}
    return out if comm.rank == 0 else None


# ------------------------------------------------------------------ driver
def _mpiexec() -> str:
    local = Path(sys.executable).parent / "mpiexec"
    return str(local) if local.exists() else "mpiexec"


def _run(ranks: int, *args) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    proc = subprocess.run([_mpiexec(), "-n", str(ranks), sys.executable, __file__, *args],
                          capture_output=True, text=True, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("JSON ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-6000:])
        raise SystemExit(f"stage {args[:3]} on {ranks} ranks failed ({proc.returncode})")
    return json.loads(lines[-1][5:])


def _ratio(a, b) -> str:
    return f"{a / b:6.2f}" if a is not None and b else "     -"


def report(rows: list[dict], ranks: int) -> None:
    print(f"\n{'n':>3s} {'unknowns':>9s} {'method':14s} {'write s':>8s} {'MiB':>7s} "
          f"{'read s (1)':>10s} {'MiB':>7s} {f'read s ({ranks})':>10s} {'MiB':>7s} "
          f"{'bytes':>11s} {'err (1)':>8s} {f'err ({ranks})':>8s}")
    for row in rows:
        w, r1, rn = row["write"], row["read1"]["read"], row["readn"]["read"]
        for m in w:
            print(f"{row['n']:3d} {row['unknowns']:9d} {m:14s} {w[m]['seconds']:8.3f} "
                  f"{w[m]['peak_mib']:7.1f} {r1[m]['seconds']:10.3f} {r1[m]['peak_mib']:7.1f} "
                  f"{rn[m]['seconds']:10.3f} {rn[m]['peak_mib']:7.1f} {w[m]['bytes']:11d} "
                  f"{r1[m]['error']:8.1e} {rn[m]['error']:8.1e}")
    if any("adios4dolfinx" in row["write"] for row in rows):
        print("\nratios adios4dolfinx / nakmodel (< 1: adios4dolfinx better; 'a4d mesh+fn' reads "
              "onto the mesh read from its file, not into the problem)")
        print(f"{'n':>3s} {'method':14s} {'write s':>8s} {'write MiB':>9s} {'read s (1)':>10s} "
              f"{f'read s ({ranks})':>10s} {'read MiB (1)':>12s} {f'read MiB ({ranks})':>13s} "
              f"{'bytes':>6s}")
        b = "nakmodel"
        for row in rows:
            w, r1, rn = row["write"], row["read1"]["read"], row["readn"]["read"]
            for a in (m for m in w if m != b):
                print(f"{row['n']:3d} {a:14s} {_ratio(w[a]['seconds'], w[b]['seconds']):>8s} "
                      f"{_ratio(w[a]['peak_mib'], w[b]['peak_mib']):>9s} "
                      f"{_ratio(r1[a]['seconds'], r1[b]['seconds']):>10s} "
                      f"{_ratio(rn[a]['seconds'], rn[b]['seconds']):>10s} "
                      f"{_ratio(r1[a]['peak_mib'], r1[b]['peak_mib']):>12s} "
                      f"{_ratio(rn[a]['peak_mib'], rn[b]['peak_mib']):>13s} "
                      f"{_ratio(w[a]['bytes'], w[b]['bytes']):>6s}")
    else:
        print(f"\nadios4dolfinx missing, only nakmodel measured: {rows[0]['adios_error']}")
    print("JSON " + json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[15, 25, 35],
                        help="box cells per direction (n x n x 2n)")
    parser.add_argument("--ranks", type=int, default=2, help="ranks of the write and a read")
    parser.add_argument("--repeats", type=int, default=3, help="samples per operation")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the checkpoints go (default: a temporary folder, removed)")
    parser.add_argument("--stage", choices=("write", "read"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        import dolfinx_solver  # noqa: F401  (before dolfinx, petsc4py, mpi4py)

        fn = stage_write if args.stage == "write" else stage_read
        out = fn(args.n, args.dir, args.repeats)
        if out is not None:
            print("JSON " + json.dumps(out), flush=True)
        return
    base = args.dir or Path(tempfile.mkdtemp(prefix="bench-ckpt-"))
    rows = []
    try:
        for n in args.sizes:
            folder = base / f"n{n}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            common = ["--n", str(n), "--dir", str(folder), "--repeats", str(args.repeats)]
            row = _run(args.ranks, "--stage", "write", *common)
            row["read1"] = _run(1, "--stage", "read", *common)
            row["readn"] = _run(args.ranks, "--stage", "read", *common)
            rows.append(row)
            print(f"n={n}: {row['unknowns']} unknowns, histories {row['histories']}, "
                  f"Newton {row['newton']}, process peak {row['process_peak_mib']:.0f} MiB "
                  f"per rank", flush=True)
    finally:
        if args.dir is None:
            shutil.rmtree(base, ignore_errors=True)
    report(rows, args.ranks)


if __name__ == "__main__":
    main()
