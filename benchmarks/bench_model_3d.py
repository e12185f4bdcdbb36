"""3D coupled model: time per Newton step vs unknowns, direct (MUMPS) vs iterative (GMRES+GAMG).

Issue target: with the iterative preset the time per step grows with the number of
unknowns (about 25k -> 200k) with an exponent <= 1.2; peak memory reported.  The
exponent is fitted on log(time) vs log(unknowns) and printed next to the target.

Run: ``.venv/bin/python benchmarks/bench_model_3d.py [--sizes 12 16 24 32]``.
"""

from __future__ import annotations

import argparse
import resource
import time

import dolfinx_solver  # noqa: F401

import numpy as np
from petsc4py import PETSc

import nakmodel
from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
from nakmodel.model.meshes import box_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl

PRESETS = {
    "direct (MUMPS)": {"ksp_type": "preonly", "pc_type": "lu",
                       "pc_factor_mat_solver_type": "mumps"},
    "iterative (GMRES+GAMG)": {"ksp_type": "gmres", "pc_type": "gamg", "ksp_rtol": 1e-12,
                               "ksp_max_it": 1000, "ksp_gmres_restart": 100},
}


def newton_step(n: int, preset: dict) -> tuple[int, float, int, float]:
    """Unknowns, seconds per Newton iteration, Krylov iterations, cell voltage."""
    options = PETSc.Options()
    for key in ("ksp_type", "pc_type", "pc_factor_mat_solver_type", "ksp_rtol", "ksp_max_it",
                "ksp_gmres_restart"):
        options.delValue(f"nakmodel_model_{key}")
    for key, value in preset.items():
        options[f"nakmodel_model_{key}"] = value
    p = nakmodel.load_parameters()
    cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=n, n_nasicon=n, n_alloy=n)
    problem = CoupledProblem(
        cm, temperature=p.temperature, alloy=AlloyProperties.from_parameters(p),
        nasicon=NasiconProperties.from_parameters(p),
        working=ElectrodeInterface.from_parameters(p, "interface"),
        counter=ElectrodeInterface.from_parameters(p, "counter_electrode"),
        x_initial=p.alloy.composition.x_na, parameters=p, backend="petsc")
    t0 = time.perf_counter()
    report = problem.solve(CurrentControl(10.0), dt=10.0)
    elapsed = time.perf_counter() - t0
    if not report.converged:
        raise RuntimeError(f"Newton failed: {report.reason}")
    return (problem.state_vector().size, elapsed / report.iterations,
            problem._ksp.getIterationNumber(), float(problem.voltage.value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12, 16, 24])
    args = parser.parse_args()
    for name, preset in PRESETS.items():
        rows = [newton_step(n, preset) for n in args.sizes]
        print(f"{name}:")
        for unknowns, seconds, its, voltage in rows:
            print(f"  {unknowns:>8d} unknowns  {seconds:8.3f} s/Newton iteration  "
                  f"{its:>4d} Krylov its  V = {voltage:.9f} V")
        x = np.log([r[0] for r in rows])
        y = np.log([r[1] for r in rows])
        exponent = np.polyfit(x, y, 1)[0]
        print(f"  time ~ unknowns^{exponent:.2f}  (target <= 1.2 for the iterative preset)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
