"""3D coupled model: resident memory by stage of one Newton step (issue 20, item 2).

Box cell of ``bench_model_3d.py`` (n x n x 2n cells), iterative preset; prints per stage the
RSS after it, its change, and the increment of the *peak* RSS in the stage (ru_maxrss; a stage
whose transient is freed again shows a peak increment above its RSS change), with kB per
unknown: imports, mesh, function spaces (up to the first ``fem.form``), forms (compilation,
tabulation, the initial state), then inside ``PetscSystem`` (``model/petsc_system.py``) the
structural pattern (``sparsity.structural_matrix``), M assembled and compacted, J assembled
and compacted (the pattern freed), vectors and KSP object, then the first residual + Jacobian
assembly, the KSP/PC set-up, the fieldsplit sub-matrices + GAMG hierarchies (``setUpOnBlocks``, done
here before the first solve) and the Newton step (Krylov bases, PC rebuilds); and the
stored vs nonzero entries of the two matrices.  PETSc options can be passed through
``PETSC_OPTIONS`` or ``--options`` (e.g. ``"-nakmodel_model_ksp_gmres_restart 30"``).

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_memory_3d.py [--n 35]
[--variant direct|copy|full]`` (about a minute; ``full``: the pre-#20 preset, ``copy``: the
compact pattern made by copying a full-pattern assembly, ``direct``: built directly, the
default).  ``--compare --sizes 35 45 55`` runs every variant at every size, each in a fresh
process, and prints peak RSS and kB per unknown side by side; ``--compare --variants direct
--options "" "-nakmodel_model_ksp_gmres_restart 30"`` runs candidate PETSc option sets of one
variant side by side (the per-stage tables of all runs, then the summary).

The 9-spot gmsh pellet of ``bench_model_3d.py`` instead of the box: ``--spots R`` (mesh
refinement R, e.g. 3.7 for ~100k unknowns); under ``mpiexec -n 2`` the RSS and peak of every
stage are summed over the ranks (the largest rank's peak is printed too):
``mpiexec -n 2 .venv/bin/python benchmarks/bench_memory_3d.py --spots 3.7``.
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


def peak_mib() -> float:
    """Peak resident memory of this process so far [MiB]."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stages:
    """(name, RSS, peak RSS) after each stage."""

    def __init__(self):
        self.rows = [("python", rss_mib(), peak_mib())]

    def __call__(self, name):
        self.rows.append((name, rss_mib(), peak_mib()))


def instrument(stages, pb_module):
    """Record stages inside CoupledProblem and its PetscSystem by wrapping ``fem.form`` (first
    call: the spaces are made), ``sparsity.structural_matrix`` and ``solvers.compact_matrix``
    (called for M, then for J)."""
    import dolfinx.fem as dfem

    import nakmodel.model.solvers as solvers
    import nakmodel.model.sparsity as sparsity

    form, structural, compact = dfem.form, sparsity.structural_matrix, solvers.compact_matrix
    seen = {"form": False, "compact": 0}

    def first_form(*a, **k):
        if not seen["form"]:
            seen["form"] = True
            stages("function spaces, tags, dofs")
        return form(*a, **k)

    def timed_structural(problem):
        out = structural(problem)
        stages("pattern (structural matrix)")
        return out

    def timed_compact(mat):
        out = compact(mat)
        seen["compact"] += 1
        stages("M assembled + compacted" if seen["compact"] == 1
               else "J assembled + compacted")
        return out

    dfem.form = first_form
    sparsity.structural_matrix = timed_structural
    solvers.compact_matrix = timed_compact


def _trace_newton(pb, trace):
    """Record (RSS, peak) after every Jacobian assembly and linear solve of the Newton step
    (wraps ``dolfinx.fem.petsc.assemble_matrix`` and the problem's KSP)."""
    import dolfinx.fem.petsc as fpetsc

    assemble = fpetsc.assemble_matrix

    def traced_assemble(*a, **k):
        out = assemble(*a, **k)
        trace.append(("matrix assembly", rss_mib(), peak_mib()))
        return out

    class TracedKSP:
        def __init__(self, ksp):
            self._ksp = ksp

        def __getattr__(self, name):
            return getattr(self._ksp, name)

        def solve(self, b, x):
            self._ksp.solve(b, x)
            trace.append((f"solve ({self._ksp.getIterationNumber()} its)", rss_mib(),
                          peak_mib()))

    fpetsc.assemble_matrix = traced_assemble
    system = pb.petsc_system
    system.ksp = TracedKSP(system.ksp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=35, help="box cells per direction")
    parser.add_argument("--spots", type=float, default=None, metavar="R",
                        help="the 9-spot gmsh pellet of bench_model_3d.py at refinement R "
                             "instead of the box (MPI: stages summed over the ranks)")
    parser.add_argument("--variant", choices=VARIANTS, default="direct",
                        help="full: the iterative preset before issue #20 (full 2x2-block "
                             "pattern, FGMRES); copy: compact pattern copied from a "
                             "full-pattern assembly, GMRES; direct: compact pattern built "
                             "directly, GMRES (default)")
    parser.add_argument("--compare", action="store_true",
                        help="run every variant at every --sizes, side by side")
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 35, 45])
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS),
                        help="variants of --compare")
    parser.add_argument("--ceramics", nargs="+", choices=("brick", "homogeneous"),
                        default=["brick"],
                        help="brick: the default parameters (grain-boundary stepping, its "
                             "history field and u_n in the residual); homogeneous: "
                             "nasicon.bulk_conductivity = 0 (no grain boundaries); --compare "
                             "runs each")
    parser.add_argument("--trace", action="store_true",
                        help="also print RSS and peak after every assembly / solve of the "
                             "Newton step")
    parser.add_argument("--options", nargs="+", default=[""],
                        help="PETSc option sets (one string each) run side by side by "
                             "--compare; without --compare: the one set to use")
    args = parser.parse_args()
    if args.compare:
        return compare(args.sizes, args.variants, args.options, args.ceramics)
    if args.options != [""]:
        import os

        os.environ["PETSC_OPTIONS"] = " ".join(
            [os.environ.get("PETSC_OPTIONS", ""), *args.options]).strip()
    stages = Stages()
    import dolfinx_solver  # noqa: F401

    import numpy as np

    import nakmodel
    import nakmodel.model.petsc_system as system_module
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem, CurrentControl
    from nakmodel.model.solvers import LinearSolver

    stages("imports")
    p = nakmodel.load_parameters()
    n = args.n
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    if args.spots is None:
        cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=n, n_nasicon=n, n_alloy=n, comm=comm)
        stages("mesh (box_cell)")
    else:
        from bench_model_3d import spot_cell

        n = args.spots
        cm = spot_cell("s9", n, comm)
        stages("mesh (gmsh s9 pellet, distributed)")
    if args.variant == "copy":
        from nakmodel.model.sparsity import compact_operators_by_copy

        system_module.compact_operators = compact_operators_by_copy
    instrument(stages, system_module)
    pb = CoupledProblem(
        cm, temperature=p.temperature, alloy=AlloyProperties.from_parameters(p),
        nasicon=NasiconProperties.from_parameters(
            p, **({"bulk_conductivity": 0.0} if args.ceramics[0] == "homogeneous" else {})),
        working=ElectrodeInterface.from_parameters(p, "interface"),
        counter=ElectrodeInterface.from_parameters(p, "counter_electrode"),
        x_initial=p.alloy.composition.x_na, parameters=p, backend="petsc",
        linear_solver=(LinearSolver("iterative", compact_pattern=False, krylov="fgmres")
                       if args.variant == "full" else LinearSolver("iterative")))
    stages("forms (compile, tabulate), initial state")
    system = pb.petsc_system
    stages("vectors, KSP object" if args.variant != "full" else "PetscSystem (A, M, vectors)")
    setup = system.setup_ksp

    def timed_setup():
        stages("first residual + Jacobian assembly")
        setup()
        stages("KSP/PC set-up (fieldsplit index sets)")
        system.ksp.setUpOnBlocks()  # what the first KSPSolve would do: sub-matrices, GAMG
        stages("fieldsplit blocks + GAMG hierarchy")

    system.setup_ksp = timed_setup
    trace = []
    if args.trace:
        _trace_newton(pb, trace)
    report = pb.solve(CurrentControl(10.0), dt=10.0)
    stages("Newton step (solves, Krylov bases)")
    unknowns = comm.allreduce(int(pb.state_vector().size) - 1) + 1
    peak, max_rank = comm.allreduce(peak_mib()), comm.allreduce(peak_mib(), op=MPI.MAX)
    rows = [(name, comm.allreduce(r), comm.allreduce(pk)) for name, r, pk in stages.rows]
    if comm.rank:
        return
    print(f"{unknowns} unknowns, {system.A.getSize()[0]} matrix rows, {report.iterations} Newton "
          f"iterations, {report.krylov_iterations} Krylov, KSP {system.ksp.getType()}, options "
          f"{args.options[0]!r}, ceramic {args.ceramics[0]}, {comm.size} rank(s) (summed)")
    print(f"{'stage':42s} {'RSS':>9s} {'change':>9s} {'kB/unk':>6s} {'peak+':>9s} {'kB/unk':>6s}")
    for (name, r, pk), (_, before, pk_before) in zip(rows[1:], rows[:-1], strict=True):
        print(f"{name:42s} {r:7.1f} M {r - before:+7.1f} M {(r - before) * 1024 / unknowns:6.2f} "
              f"{pk - pk_before:+7.1f} M {(pk - pk_before) * 1024 / unknowns:6.2f}")
    print(f"{'peak':42s} {peak:7.1f} M  ({peak * 1024 / unknowns:.2f} kB/unknown; largest rank "
          f"{max_rank:.1f} M)")
    for name, r, pk in trace:
        print(f"  Newton step: after {name:28s} RSS {r:7.1f} M  peak {pk:7.1f} M")
    stored = {}
    for name, mat in (("Jacobian", system.A), ("mass matrix", system.Mp)):
        a = mat.getValuesCSR()[2]
        stored[name] = int(a.size)
        print(f"{name}: {a.size} stored entries, {np.count_nonzero(a)} nonzero")
    print("JSON " + json.dumps({
        "n": n, "variant": args.variant, "options": args.options[0],
        "ceramic": args.ceramics[0], "unknowns": unknowns,
        "peak": peak, "stages": {name: [r, pk] for name, r, pk in rows},
        "cpu": resource.getrusage(resource.RUSAGE_SELF).ru_utime,
        "krylov": report.krylov_iterations,
        "newton": report.iterations, "voltage": float(pb.voltage.value), "stored": stored}))


def compare(sizes, variants=VARIANTS, option_sets=("",), ceramics=("brick",)) -> None:
    """Every variant and option set at every size in a fresh process; their stage tables,
    then a side-by-side summary."""
    rows = []
    for n in sizes:
        for variant in variants:
            for options in option_sets:
                for ceramic in ceramics:
                    out = subprocess.run([sys.executable, __file__, "--n", str(n),
                                          "--variant", variant, f"--options={options}",
                                          "--ceramics", ceramic],
                                         capture_output=True, text=True, check=True).stdout
                    table, record = out.split("JSON ", 1)
                    print(table, flush=True)
                    rows.append(json.loads(record))
    for r in rows:
        print(f"n={r['n']:3d} {r['variant']:6s} {r['ceramic']:11s} "
              f"{r['options'] or '(preset)':38s} "
              f"{r['unknowns']:9d} unknowns  peak {r['peak']:7.1f} MiB "
              f"{r['peak'] * 1024 / r['unknowns']:5.2f} kB/unknown  Newton {r['newton']}  "
              f"Krylov {r['krylov']}  CPU {r['cpu']:.1f} s  V = {r['voltage']:.12f}")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
