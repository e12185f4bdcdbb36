"""Coupled-model cost, measured side by side in one run (ratios, not adjectives).

1. One Newton iteration of the coupled problem (assemble residual and Jacobian,
   factorise, solve, line search) against a plain dolfinx Poisson solve (assemble,
   factorise, solve) with the same number of unknowns and the same linear solver
   (target: ratio <= 3).
2. The default axisymmetric NaK50 stripping run to the liquidus (target: < 60 s).

Run: ``.venv/bin/python benchmarks/bench_model.py [--repeat 3] [--mesh-size 20e-6]``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import dolfinx_solver  # noqa: F401, E402

import numpy as np  # noqa: E402
import ufl  # noqa: E402
from dolfinx import fem, mesh  # noqa: E402
from mpi4py import MPI  # noqa: E402

import nakmodel  # noqa: E402
from nakmodel.model.problem import CurrentControl, _factor  # noqa: E402
from nakmodel.model.simulation import Simulation  # noqa: E402


def poisson_seconds(n_dofs: int, repeat: int) -> tuple[float, int]:
    """Assemble and solve -Δu = 1 (P1, unit square) with about ``n_dofs`` unknowns."""
    n = max(2, int(round(math.sqrt(n_dofs))) - 1)
    msh = mesh.create_unit_square(MPI.COMM_SELF, n, n)
    V = fem.functionspace(msh, ("Lagrange", 1))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    a = fem.form(ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx + u * v * ufl.ds)
    L = fem.form(v * ufl.dx)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        A = fem.assemble_matrix(a).to_scipy().tocsc()
        b = fem.assemble_vector(L).array
        x = _factor(A).solve(b)
        times.append(time.perf_counter() - t0)
    if not np.all(np.isfinite(x)):
        raise RuntimeError("Poisson reference solve failed")
    return statistics.median(times), V.dofmap.index_map.size_global


def newton_iteration_seconds(mesh_size: float, repeat: int) -> tuple[float, int]:
    """Median time of one Newton iteration of a galvanostatic step (scipy backend)."""
    params = nakmodel.load_parameters({"numerics.mesh_size": mesh_size})
    cell = nakmodel.Cell(geometry="axisymmetric", pellet_radius="5 mm",
                         pellet_thickness="1 mm", alloy_thickness="100 um",
                         mesh_size=mesh_size)
    sim = Simulation(cell, params, "Strip at 1 mA/cm2 for 1 h")
    problem = sim.build()
    per_iteration = []
    for _ in range(repeat):
        problem.u_n.x.array[:] = problem.u.x.array
        t0 = time.perf_counter()
        report = problem.solve(CurrentControl(10.0), dt=10.0)
        elapsed = time.perf_counter() - t0
        if not report.converged:
            raise RuntimeError(f"Newton did not converge: {report.reason}")
        per_iteration.append(elapsed / report.iterations)
        problem.accept()
    return statistics.median(per_iteration), problem.state_vector().size


def default_run_seconds() -> tuple[float, float, str]:
    """The default axisymmetric NaK50 cell stripped at 1 mA/cm2 to the liquidus."""
    params = nakmodel.load_parameters()
    cell = nakmodel.Cell(geometry="axisymmetric", pellet_radius="5 mm",
                         pellet_thickness="1 mm", alloy_thickness="100 um")
    t0 = time.perf_counter()
    result = Simulation(cell, params, "Strip at 1 mA/cm2 until liquidus").run()
    return time.perf_counter() - t0, result.capacity[-1] / 36000.0, str(result.termination)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mesh-sizes", type=float, nargs="+", default=[20e-6, 8e-6, 4e-6])
    args = parser.parse_args()

    print(f"{'mesh size':>10} {'unknowns':>9} {'Newton it. [ms]':>16} {'Poisson [ms]':>13} "
          f"{'ratio':>6}  (target <= 3)")
    for h in args.mesh_sizes:
        t_newton, n_newton = newton_iteration_seconds(h, args.repeat)
        t_poisson, _ = poisson_seconds(n_newton, args.repeat)
        ratio = t_newton / t_poisson
        print(f"{h * 1e6:>8.1f}um {n_newton:>9d} {1e3 * t_newton:>16.1f} "
              f"{1e3 * t_poisson:>13.1f} {ratio:>6.2f}  {'met' if ratio <= 3 else 'NOT met'}")

    seconds, capacity, why = default_run_seconds()
    print(f"default NaK50 axisymmetric strip to the liquidus: {seconds:.1f} s "
          f"({capacity:.3f} mAh/cm2, ended by {why}); target < 60 s: "
          f"{'met' if seconds < 60 else 'NOT met'} (ratio {seconds / 60:.2f})")


if __name__ == "__main__":
    main()
