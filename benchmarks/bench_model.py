"""Coupled-model cost, measured side by side in one run (ratios, not adjectives).

1. One Newton iteration of the coupled problem (assemble residual and Jacobian,
   factorise, solve, line search) against a plain dolfinx Poisson solve (assemble,
   factorise, solve) with the same number of unknowns and the same linear solver
   (target: ratio <= 3). The two are sampled alternately, so that both see the same
   machine load; the median of the pair ratios and its quartiles are printed.
2. The default axisymmetric NaK50 stripping run to the liquidus (target: < 60 s).
3. ``--drivers``: the Newton drivers side by side (issue #15 item 2) on a 1D, an
   axisymmetric and a small 3D cell, one short stripping run each (adaptive steps): for every
   driver / backend / linear solver that exists (built-in Deuflhard Newton on scipy or
   PETSc-direct, PETSc SNES on PETSc-direct, both on the iterative preset in 3D) the median
   time per Newton iteration, Newton iterations per accepted step, the final cell voltage
   and its difference to the built-in scipy driver; then the PETSc drivers again under
   ``mpiexec -n 2`` and the largest relative difference serial vs 2 ranks over all result
   columns.

Run: ``.venv/bin/python benchmarks/bench_model.py [--repeat 3] [--mesh-size 20e-6]``;
``.venv/bin/python benchmarks/bench_model.py --drivers [--ranks 2]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import dolfinx_solver  # noqa: F401, E402

import numpy as np  # noqa: E402
import ufl  # noqa: E402
from dolfinx import fem, mesh  # noqa: E402
from mpi4py import MPI  # noqa: E402

import nakmodel  # noqa: E402
from nakmodel.model.newton import factor as _factor  # noqa: E402
from nakmodel.model.problem import CurrentControl  # noqa: E402
from nakmodel.model.simulation import Simulation  # noqa: E402


class PoissonReference:
    """-Δu = 1 (P1, unit square) with about ``n_dofs`` unknowns: one sample assembles,
    factorises (the same sparse LU as the coupled model's first factorisation) and solves."""

    def __init__(self, n_dofs: int):
        n = max(2, int(round(math.sqrt(n_dofs))) - 1)
        msh = mesh.create_unit_square(MPI.COMM_SELF, n, n)
        V = fem.functionspace(msh, ("Lagrange", 1))
        u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
        self.a = fem.form(ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx + u * v * ufl.ds)
        self.L = fem.form(v * ufl.dx)
        self.unknowns = V.dofmap.index_map.size_global

    def sample(self) -> float:
        t0 = time.perf_counter()
        A = fem.assemble_matrix(self.a).to_scipy().tocsc()
        b = fem.assemble_vector(self.L).array
        x = _factor(A).solve(b)
        elapsed = time.perf_counter() - t0
        if not np.all(np.isfinite(x)):
            raise RuntimeError("Poisson reference solve failed")
        return elapsed


class NewtonSample:
    """One galvanostatic backward-Euler step of the default axisymmetric cell (scipy
    backend); a sample is the step's time per Newton iteration."""

    def __init__(self, mesh_size: float):
        params = nakmodel.load_parameters({"numerics.mesh_size": mesh_size})
        cell = nakmodel.Cell(geometry="axisymmetric", pellet_radius="5 mm",
                             pellet_thickness="1 mm", alloy_thickness="100 um",
                             mesh_size=mesh_size)
        self.problem = Simulation(cell, params, "Strip at 1 mA/cm2 for 1 h").build()
        self.unknowns = self.problem.state_vector().size

    def sample(self) -> float:
        problem = self.problem
        problem.u_n.x.array[:] = problem.u.x.array
        t0 = time.perf_counter()
        report = problem.solve(CurrentControl(10.0), dt=10.0)
        elapsed = time.perf_counter() - t0
        if not report.converged:
            raise RuntimeError(f"Newton did not converge: {report.reason}")
        problem.accept()
        return elapsed / report.iterations


def newton_vs_poisson(mesh_size: float, repeat: int) -> dict:
    """Newton-iteration and Poisson samples taken alternately (each pair under the same
    machine load), after one warm-up sample of each: medians and the median of the pair
    ratios."""
    newton = NewtonSample(mesh_size)
    poisson = PoissonReference(newton.unknowns)
    newton.sample(), poisson.sample()
    pairs = [(newton.sample(), poisson.sample()) for _ in range(repeat)]
    t_newton = statistics.median(p[0] for p in pairs)
    t_poisson = statistics.median(p[1] for p in pairs)
    ratios = sorted(p[0] / p[1] for p in pairs)
    return {"unknowns": newton.unknowns, "newton": t_newton, "poisson": t_poisson,
            "ratio": statistics.median(ratios), "ratio_low": ratios[len(ratios) // 4],
            "ratio_high": ratios[(3 * len(ratios)) // 4]}


def default_run_seconds() -> tuple[float, float, str]:
    """The default axisymmetric NaK50 cell stripped at 1 mA/cm2 to the liquidus."""
    params = nakmodel.load_parameters()
    cell = nakmodel.Cell(geometry="axisymmetric", pellet_radius="5 mm",
                         pellet_thickness="1 mm", alloy_thickness="100 um")
    t0 = time.perf_counter()
    result = Simulation(cell, params, "Strip at 1 mA/cm2 until liquidus").run()
    return time.perf_counter() - t0, result.capacity[-1] / 36000.0, str(result.termination)


#: (label, NewtonOptions.method, backend, linear solver) of every driver that exists
DRIVERS = (("builtin+scipy", "builtin", "scipy", "direct"),
           ("builtin+petsc", "builtin", "petsc", "direct"),
           ("snes+petsc", "snes", "petsc", "direct"),
           ("builtin+petsc-iter", "builtin", "petsc", "iterative"),
           ("snes+petsc-iter", "snes", "petsc", "iterative"))
#: cells of the driver comparison; the iterative preset only in 3D (its default there)
DRIVER_CELLS = ("1d", "axisymmetric", "3d")
DRIVER_PROTOCOL = "Strip at 1 mA/cm2 for 10 min"


def _driver_cell(kind: str):
    if kind == "1d":
        return nakmodel.Cell(geometry="1d")
    if kind == "axisymmetric":
        return nakmodel.Cell(geometry="axisymmetric", pellet_radius="5 mm",
                             pellet_thickness="1 mm", alloy_thickness="100 um",
                             mesh_size=20e-6)
    from nakmodel.model.meshes import box_cell

    return box_cell(1e-3, 1e-3, 1e-4, n_lateral=8, n_nasicon=8, n_alloy=8)


def driver_run(kind: str, method: str, backend: str, solver: str) -> dict:
    """One short stripping run of cell ``kind`` with the given driver: all result columns,
    median seconds per Newton iteration (per solve: wall / iterations; the first solve,
    which sets up the solver, left out), iterations per accepted step."""
    from nakmodel.model import simulation as simulation_module

    params = nakmodel.load_parameters({"numerics.newton_method": method})
    sim = Simulation(_driver_cell(kind), params, DRIVER_PROTOCOL, linear_solver=solver,
                     checkpoint_every=None)
    original = simulation_module.CoupledProblem
    simulation_module.CoupledProblem = functools.partial(original, backend=backend)
    try:
        problem = sim.build()
    finally:
        simulation_module.CoupledProblem = original
    solve, per_iteration, counts, wall = problem.solve, [], [], []

    def timed(control, dt):
        t0 = time.perf_counter()
        report = solve(control, dt)
        wall.append(time.perf_counter() - t0)
        per_iteration.append(wall[-1] / max(report.iterations, 1))
        counts.append(report.iterations)
        return report

    problem.solve = timed
    result = sim.run()
    steps = len(result) - 1
    return {"rows": {k: list(v) for k, v in result.rows.items()},
            "seconds": statistics.median(per_iteration[1:] or per_iteration),
            "iterations": sum(counts), "steps": steps, "solves": len(counts),
            "solve_seconds": sum(wall[1:]), "solve_iterations": sum(counts[1:]),
            "unknowns": int(problem.mesh.comm.allreduce(problem.state_vector().size) + 1
                            - problem.mesh.comm.size),
            "voltage": result.voltage[-1], "termination": str(result.termination)}


def _selected(kind: str, petsc_only: bool):
    for label, method, backend, solver in DRIVERS:
        if solver == "iterative" and kind != "3d":
            continue
        if petsc_only and backend != "petsc":
            continue
        yield label, method, backend, solver


def driver_table(cells, petsc_only: bool = False) -> dict:
    """{cell: {driver label: driver_run(...)}} (under MPI: every rank runs, rank 0 keeps)."""
    return {kind: {label: driver_run(kind, method, backend, solver)
                   for label, method, backend, solver in _selected(kind, petsc_only)}
            for kind in cells}


def _max_relative(a: dict, b: dict) -> tuple[float, str]:
    """Largest relative difference over all result columns and its column (NaN where both
    are NaN: 0; a column's scale is its largest magnitude, so a zero crossing is not
    divided by round-off)."""
    worst, where = 0.0, "-"
    for name, column in a.items():
        x, y = np.asarray(column, float), np.asarray(b[name], float)
        if x.shape != y.shape:
            return math.inf, f"{name} (rows {x.size} vs {y.size})"
        both = np.isnan(x) & np.isnan(y)
        scale = float(np.nanmax(np.abs(np.concatenate([x, y])), initial=0.0)) or 1.0
        diff = np.where(both, 0.0, np.abs(x - y) / scale)
        value = float(np.max(diff, initial=0.0))
        if value > worst:
            worst, where = value, name
    return worst, where


def drivers_main(cells, ranks: int) -> None:
    serial = driver_table(cells)
    parallel = {}
    if ranks > 1:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "parallel.json")
            mpiexec = (shutil.which("mpiexec", path=os.path.dirname(sys.executable))
                       or "mpiexec")
            subprocess.run([mpiexec, "-n", str(ranks), sys.executable, __file__,
                            "--drivers-child", out, "--cells", *cells], check=True)
            with open(out) as fh:
                parallel = json.load(fh)
    print(f"driver comparison: {DRIVER_PROTOCOL!r}, serial and {ranks} ranks")
    print(f"{'cell':>12} {'driver':>19} {'unknowns':>9} {'ms/Newton it.':>14} "
          f"{'vs builtin+scipy':>17} {'its/step':>9} {'steps':>6} {'ms/solve':>8} "
          f"{'V end [V]':>16} "
          f"{'dV vs scipy':>12} {ranks} ranks: max rel (column)")
    for kind in cells:
        ref = serial[kind]["builtin+scipy"]
        for label, run in serial[kind].items():
            other = parallel.get(kind, {}).get(label)
            mpi = ("{:.1e} {}".format(*_max_relative(run["rows"], other["rows"]))
                   if other else "-")
            print(f"{kind:>12} {label:>19} {run['unknowns'] or 0:>9d} "
                  f"{1e3 * run['seconds']:>14.2f} {run['seconds'] / ref['seconds']:>17.2f} "
                  f"{run['iterations'] / max(run['steps'], 1):>9.2f} {run['steps']:>6d} "
                  f"{1e3 * run['solve_seconds'] / max(run['solves'] - 1, 1):>8.1f} "
                  f"{run['voltage']:>16.12f} {run['voltage'] - ref['voltage']:>12.1e} "
                  f" {mpi}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--mesh-sizes", type=float, nargs="+", default=[20e-6, 8e-6, 4e-6])
    parser.add_argument("--drivers", action="store_true",
                        help="only the Newton-driver comparison (item 3 of the docstring)")
    parser.add_argument("--cells", nargs="+", default=list(DRIVER_CELLS),
                        choices=DRIVER_CELLS)
    parser.add_argument("--ranks", type=int, default=2,
                        help="MPI ranks of the parallel driver runs (1: none)")
    parser.add_argument("--drivers-child", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drivers_child:
        table = driver_table(args.cells, petsc_only=True)
        if MPI.COMM_WORLD.rank == 0:
            with open(args.drivers_child, "w") as fh:
                json.dump(table, fh)
        return
    if args.drivers:
        drivers_main(args.cells, args.ranks)
        return

    print(f"{'mesh size':>10} {'unknowns':>9} {'Newton it. [ms]':>16} {'Poisson [ms]':>13} "
          f"{'ratio':>6} {'(quartiles)':>13}  (target <= 3; samples alternate)")
    for h in args.mesh_sizes:
        m = newton_vs_poisson(h, args.repeat)
        ratio = m["ratio"]
        print(f"{h * 1e6:>8.1f}um {m['unknowns']:>9d} {1e3 * m['newton']:>16.1f} "
              f"{1e3 * m['poisson']:>13.1f} {ratio:>6.2f} "
              f"{m['ratio_low']:>6.2f}-{m['ratio_high']:<6.2f}  "
              f"{'met' if ratio <= 3 else 'NOT met'}")

    seconds, capacity, why = default_run_seconds()
    print(f"default NaK50 axisymmetric strip to the liquidus: {seconds:.1f} s "
          f"({capacity:.3f} mAh/cm2, ended by {why}); target < 60 s: "
          f"{'met' if seconds < 60 else 'NOT met'} (ratio {seconds / 60:.2f})")


if __name__ == "__main__":
    main()
