"""3D coupled model: resident memory by stage of one Newton step (issue 20, item 2).

Box cell of ``bench_model_3d.py`` (n x n x 2n cells), iterative preset; prints the RSS after
imports, mesh, ``CoupledProblem``, the PETSc objects (``_petsc_init``: Jacobian, mass matrix,
vectors), the first assembly, the KSP/PC set-up and the Newton step, with kB per unknown, and
the stored vs nonzero entries of the two matrices.  PETSc options can be passed through
``PETSC_OPTIONS`` (e.g. ``"-nakmodel_model_ksp_type gmres -nakmodel_model_ksp_pc_side right"``).

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_memory_3d.py [--n 35]
[--variant direct|copy|full]`` (about a minute; ``full``: the pre-#20 preset, ``copy``: the
compact pattern made by copying a full-pattern assembly, ``direct``: built directly, the
default).  ``--compare --sizes 35 45 55`` runs every variant at every size, each in a fresh
process, and prints peak RSS and kB per unknown side by side.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys

VARIANTS = ("full", "copy", "direct")


def rss_mib() -> float:
    """Current resident memory of this process [MiB] (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=35, help="box cells per direction")
    parser.add_argument("--variant", choices=VARIANTS, default="direct",
                        help="full: the iterative preset before issue #20 (full 2x2-block "
                             "pattern, FGMRES); copy: compact pattern copied from a "
                             "full-pattern assembly, GMRES; direct: compact pattern built "
                             "directly, GMRES (default)")
    parser.add_argument("--compare", action="store_true",
                        help="run every variant at every --sizes, side by side")
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 35, 45])
    args = parser.parse_args()
    if args.compare:
        return compare(args.sizes)
    stages = [("python", rss_mib())]
    import dolfinx_solver  # noqa: F401

    import numpy as np

    import nakmodel
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem, CurrentControl
    from nakmodel.model.solvers import LinearSolver

    stages.append(("imports", rss_mib()))
    p = nakmodel.load_parameters()
    n = args.n
    cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=n, n_nasicon=n, n_alloy=n)
    stages.append(("mesh (box_cell)", rss_mib()))
    if args.variant == "copy":
        import nakmodel.model.problem as problem_module
        from nakmodel.model.sparsity import compact_operators_by_copy

        problem_module.compact_operators = compact_operators_by_copy
    pb = CoupledProblem(
        cm, temperature=p.temperature, alloy=AlloyProperties.from_parameters(p),
        nasicon=NasiconProperties.from_parameters(p),
        working=ElectrodeInterface.from_parameters(p, "interface"),
        counter=ElectrodeInterface.from_parameters(p, "counter_electrode"),
        x_initial=p.alloy.composition.x_na, parameters=p, backend="petsc",
        linear_solver=(LinearSolver("iterative", compact_pattern=False, krylov="fgmres")
                       if args.variant == "full" else LinearSolver("iterative")))
    stages.append(("CoupledProblem (spaces, forms)", rss_mib()))
    pb._petsc_init()
    stages.append(("_petsc_init (A, M, vectors)", rss_mib()))
    setup = pb._setup_ksp

    def timed_setup():
        stages.append(("first residual + Jacobian assembly", rss_mib()))
        setup()
        stages.append(("KSP/PC set-up (fieldsplit + GAMG)", rss_mib()))

    pb._setup_ksp = timed_setup
    report = pb.solve(CurrentControl(10.0), dt=10.0)
    stages.append(("Newton step (solves)", rss_mib()))
    unknowns = int(pb.state_vector().size)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{unknowns} unknowns, {pb._A.getSize()[0]} matrix rows, {report.iterations} Newton "
          f"iterations, {report.krylov_iterations} Krylov, KSP {pb._ksp.getType()}")
    for (name, r), (_, before) in zip(stages[1:], stages[:-1], strict=True):
        print(f"{name:36s} RSS {r:7.1f} MiB  {r - before:+7.1f} MiB "
              f"({(r - before) * 1024 / unknowns:5.2f} kB/unknown)")
    print(f"{'peak':36s} RSS {peak:7.1f} MiB  ({peak * 1024 / unknowns:.2f} kB/unknown)")
    stored = {}
    for name, mat in (("Jacobian", pb._A), ("mass matrix", pb._Mp)):
        a = mat.getValuesCSR()[2]
        stored[name] = int(a.size)
        print(f"{name}: {a.size} stored entries, {np.count_nonzero(a)} nonzero")
    print("JSON " + json.dumps({
        "n": n, "variant": args.variant, "unknowns": unknowns, "peak": peak,
        "stages": {name: r for name, r in stages}, "krylov": report.krylov_iterations,
        "newton": report.iterations, "voltage": float(pb.voltage.value), "stored": stored}))


def compare(sizes) -> None:
    """Every variant at every size in a fresh process; a side-by-side table."""
    rows = []
    for n in sizes:
        for variant in VARIANTS:
            out = subprocess.run([sys.executable, __file__, "--n", str(n), "--variant", variant],
                                 capture_output=True, text=True, check=True).stdout
            rows.append(json.loads(out.split("JSON ", 1)[1]))
            r = rows[-1]
            print(f"n={n:3d} {variant:6s} {r['unknowns']:9d} unknowns  peak {r['peak']:7.1f} MiB "
                  f"{r['peak'] * 1024 / r['unknowns']:5.2f} kB/unknown  Newton {r['newton']}  "
                  f"Krylov {r['krylov']}  V = {r['voltage']:.12f}", flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
