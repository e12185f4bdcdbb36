"""3D coupled model: time per Newton iteration vs unknowns, iterative vs direct preset.

Issue target: with the iterative preset (FGMRES + fieldsplit/GAMG, ``nakmodel.model.solvers``)
the time per step grows with the number of unknowns (about 25k -> 200k) with an exponent
<= 1.2; peak memory reported.  Each (preset, size) runs in a fresh subprocess so that the peak
resident memory (RSS) is that of one size.  Per size: unknowns, wall time per Newton
iteration split into assembly and linear solves, Krylov iterations (total over the step),
peak RSS, cell voltage (the presets agree to ~1e-9).  The exponent is the slope of log(time
per iteration) vs log(unknowns), printed next to the target; the direct preset (MUMPS) is
capped at a smaller size (its time and memory grow much faster).

Box cell 1 mm x 1 mm, 1 mm NASICON + 0.1 mm alloy, n x n x (n + n) tetrahedral cells (alloy
elements 10x flatter than wide), one galvanostatic backward-Euler step of 10 s at 1 mA/cm^2.

Run: ``.venv/bin/python benchmarks/bench_model_3d.py [--sizes 22 28 35 45] [--direct-max 35]``
(default about 5-10 min on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import numpy as np

PRESETS = ("iterative", "direct")
TARGET_EXPONENT = 1.2


def run_one(n: int, preset: str) -> dict:
    """One Newton step on the n-box with ``preset`` (runs in the child process)."""
    import resource
    import time

    import dolfinx_solver  # noqa: F401

    import nakmodel
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem, CurrentControl

    p = nakmodel.load_parameters()
    cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=n, n_nasicon=n, n_alloy=n)
    problem = CoupledProblem(
        cm, temperature=p.temperature, alloy=AlloyProperties.from_parameters(p),
        nasicon=NasiconProperties.from_parameters(p),
        working=ElectrodeInterface.from_parameters(p, "interface"),
        counter=ElectrodeInterface.from_parameters(p, "counter_electrode"),
        x_initial=p.alloy.composition.x_na, parameters=p, backend="petsc",
        linear_solver=preset)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    report = problem.solve(CurrentControl(10.0), dt=10.0)
    elapsed = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    if not report.converged:
        raise RuntimeError(f"Newton failed: {report.reason}")
    its = report.iterations
    return {"n": n, "preset": preset, "unknowns": int(problem.state_vector().size),
            "newton": its, "seconds": elapsed / its, "cpu": cpu / its,
            "assembly": report.assembly_seconds / its, "linear": report.linear_seconds / its,
            "krylov": report.krylov_iterations, "voltage": float(problem.voltage.value),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(n: int, preset: str) -> dict:
    """:func:`run_one` in a fresh interpreter (peak RSS per size)."""
    out = subprocess.run([sys.executable, __file__, "--one", str(n), preset], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def exponent(rows: list[dict], key: str = "seconds") -> float:
    """Slope of log(s per Newton iteration) vs log(unknowns)."""
    return float(np.polyfit(np.log([r["unknowns"] for r in rows]),
                            np.log([r[key] for r in rows]), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[22, 28, 35, 45],
                        help="cells per direction (unknowns ~ 2 (n+1)^3)")
    parser.add_argument("--direct-max", type=int, default=35,
                        help="largest n run with the direct (MUMPS) preset")
    parser.add_argument("--one", nargs=2, metavar=("N", "PRESET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(int(args.one[0]), args.one[1])))
        return
    results = {}
    for preset in PRESETS:
        sizes = [n for n in args.sizes if preset != "direct" or n <= args.direct_max]
        results[preset] = [measure(n, preset) for n in sizes]
    print("seconds per Newton iteration: wall (assembly + linear solves + rest), CPU of the "
          "process (less sensitive to a loaded machine)")
    print(f"{'preset':>9} {'unknowns':>9} {'wall':>7} {'CPU':>7} {'assembly':>9} {'linear':>7} "
          f"{'Newton':>6} {'Krylov':>6} {'peak RSS':>9}  cell voltage")
    for preset, rows in results.items():
        for r in rows:
            print(f"{preset:>9} {r['unknowns']:>9d} {r['seconds']:>7.2f} {r['cpu']:>7.2f} "
                  f"{r['assembly']:>9.2f} {r['linear']:>7.2f} {r['newton']:>6d} "
                  f"{r['krylov']:>6d} {r['rss_mib']:>6.0f} MiB  {r['voltage']:.10f} V")
    for preset, rows in results.items():
        if len(rows) >= 2:
            lo, hi = rows[0]["unknowns"], rows[-1]["unknowns"]
            print(f"{preset:>9}: time per Newton iteration ~ unknowns^{exponent(rows):.2f} "
                  f"(wall), ^{exponent(rows, 'cpu'):.2f} (CPU) over {lo} -> {hi} unknowns  "
                  f"(target <= {TARGET_EXPONENT} for the iterative preset)")
    common = {r["n"] for r in results["direct"]} & {r["n"] for r in results["iterative"]}
    for n in sorted(common):
        it, di = (next(r for r in results[k] if r["n"] == n) for k in ("iterative", "direct"))
        print(f"n = {n}: direct / iterative time {di['seconds'] / it['seconds']:.2f}, "
              f"RSS {di['rss_mib'] / it['rss_mib']:.2f}, "
              f"|dV| = {abs(di['voltage'] - it['voltage']):.1e} V")


if __name__ == "__main__":
    main()
