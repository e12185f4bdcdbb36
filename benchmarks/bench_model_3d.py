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

Contact-spot cells (issue 20), an option: ``--geometry spots`` meshes a gmsh pellet (radius
0.5 mm, 0.3 mm NASICON, 50 um alloy) with full contact (``full``, the reference), 1, 9 and 49
spots at the same contact fraction 0.09 (``s1``, ``s9``, ``s49``) and with blocked patches
(``patches``: full contact minus four discs); ``--sizes`` are then mesh refinements r
(interface element size 50 um / r, edge size min(25 um, spot radius / 2) / r, bulk 150 um / r):
``.venv/bin/python benchmarks/bench_model_3d.py --geometry spots --cases full s9 --sizes 1 1.5 2``.
Per size additionally: Krylov iterations per Newton iteration, their ratio to the full-contact
case at the same refinement (issue target <= 1.5), kB of peak RSS per unknown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import numpy as np

PRESETS = ("iterative", "direct")
#: --presets choices: "full-fgmres" is the iterative preset before issue #20 (full 2x2-block
#: matrix pattern, FGMRES); "iterative" stores compact matrices and runs right-preconditioned GMRES
PRESET_CHOICES = ("iterative", "direct", "full-fgmres")
TARGET_EXPONENT = 1.2
#: spot cells (``--geometry spots``, :func:`spot_cell`); fraction 0.09 for the spot cases
SPOT_CASES = ("full", "s1", "s9", "s49", "patches")
PELLET = {"pellet_radius": 0.5e-3, "pellet_thickness": 0.3e-3, "alloy_thickness": 50e-6}


def spot_cell(case: str, refinement: float, comm=None):
    """The gmsh cell of ``case`` (see the module docstring) at mesh ``refinement``."""
    from nakmodel.geometry import BlockedPatches, Cell, ContactSpots, FullContact

    b = PELLET["pellet_radius"]
    if case == "full":
        contact, radius = FullContact(), b
    elif case == "patches":
        radius = 0.1 * b
        contact = BlockedPatches(patches=[(x * b, y * b, radius) for x, y in
                                          ((0.4, 0.0), (-0.3, 0.3), (0.0, -0.5), (-0.2, -0.2))])
    elif case in ("s1", "s9", "s49"):
        count = int(case[1:])
        radius = 0.3 * b / np.sqrt(count)          # f = count a^2 / b^2 = 0.09
        contact = ContactSpots(radius=radius, count=count)
    else:
        raise ValueError(f"unknown spot case {case!r}; expected one of {SPOT_CASES}")
    h = 50e-6 / refinement
    cell = Cell(geometry="3d", contact=contact, mesh_size=h,
                edge_mesh_size=min(25e-6, radius / 2) / refinement,
                bulk_mesh_size=150e-6 / refinement, **PELLET)
    return cell.build_mesh(comm)


def run_one(n, preset: str, case: str = "box") -> dict:
    """One Newton step on the n-box (``case`` "box") or on the spot cell ``case`` at
    refinement n with ``preset`` (runs in the child process)."""
    import resource
    import time

    import dolfinx_solver  # noqa: F401

    import nakmodel
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem, CurrentControl
    from nakmodel.model.solvers import LinearSolver

    p = nakmodel.load_parameters()
    rss = {"start": _rss_mib()}
    if case == "box":
        cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=int(n), n_nasicon=int(n), n_alloy=int(n))
    else:
        cm = spot_cell(case, float(n))
    rss["mesh"] = _rss_mib()
    problem = CoupledProblem(
        cm, temperature=p.temperature, alloy=AlloyProperties.from_parameters(p),
        nasicon=NasiconProperties.from_parameters(p),
        working=ElectrodeInterface.from_parameters(p, "interface"),
        counter=ElectrodeInterface.from_parameters(p, "counter_electrode"),
        x_initial=p.alloy.composition.x_na, parameters=p, backend="petsc",
        linear_solver=(LinearSolver("iterative", compact_pattern=False, krylov="fgmres")
                       if preset == "full-fgmres" else preset))
    rss["problem"] = _rss_mib()
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
    rss["solve"] = _rss_mib()
    return {"n": n, "case": case, "preset": preset, "rss_stages": rss,
            "unknowns": int(problem.state_vector().size),
            "newton": its, "seconds": elapsed / its, "cpu": cpu / its,
            "assembly": report.assembly_seconds / its, "linear": report.linear_seconds / its,
            "krylov": report.krylov_iterations, "voltage": float(problem.voltage.value),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _rss_mib() -> float:
    """Current resident memory of this process [MiB] (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def measure(n, preset: str, case: str = "box") -> dict:
    """:func:`run_one` in a fresh interpreter (peak RSS per size)."""
    out = subprocess.run([sys.executable, __file__, "--one", str(n), preset, case],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def exponent(rows: list[dict], key: str = "seconds") -> float:
    """Slope of log(s per Newton iteration) vs log(unknowns)."""
    return float(np.polyfit(np.log([r["unknowns"] for r in rows]),
                            np.log([r[key] for r in rows]), 1)[0])


def main_spots(args) -> None:
    """The spot-cell benchmark (``--geometry spots``): every case at every refinement."""
    sizes = args.sizes or [1.0, 1.5, 2.0]
    presets = [p for p in args.presets if p != "direct" or args.direct_max > 0]
    rows = []
    for case in args.cases:
        for r in sizes:
            for preset in presets:
                if preset == "direct" and r > args.direct_max:
                    continue
                row = measure(r, preset, case)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    full = {r["n"]: r for r in rows if r["case"] == "full" and r["preset"] == "iterative"}
    print("spot cells: s per Newton iteration (wall, CPU), Krylov per Newton iteration, ratio "
          "to full contact at the same refinement (target <= 1.5), peak RSS, kB per unknown")
    print(f"{'case':>8} {'preset':>9} {'refine':>6} {'unknowns':>9} {'wall':>7} {'CPU':>7} "
          f"{'Newton':>6} {'Kry/it':>6} {'ratio':>5} {'peak RSS':>9} {'kB/unk':>6}  voltage")
    for r in rows:
        kit = r["krylov"] / r["newton"]
        ref = full.get(r["n"])
        ratio = (f"{kit / (ref['krylov'] / ref['newton']):5.2f}"
                 if ref and r["preset"] == "iterative" else "    -")
        print(f"{r['case']:>8} {r['preset']:>9} {r['n']:>6.2f} {r['unknowns']:>9d} "
              f"{r['seconds']:>7.2f} {r['cpu']:>7.2f} {r['newton']:>6d} {kit:>6.1f} {ratio} "
              f"{r['rss_mib']:>5.0f} MiB {r['rss_mib'] * 1024 / r['unknowns']:>6.1f}  "
              f"{r['voltage']:.10f} V")
    for case in args.cases:
        it = [r for r in rows if r["case"] == case and r["preset"] == "iterative"]
        if len(it) >= 2:
            print(f"{case:>8}: time per Newton iteration ~ unknowns^{exponent(it):.2f} (wall), "
                  f"^{exponent(it, 'cpu'):.2f} (CPU) over {it[0]['unknowns']} -> "
                  f"{it[-1]['unknowns']} unknowns (target <= {TARGET_EXPONENT})")
        for d in (r for r in rows if r["case"] == case and r["preset"] == "direct"):
            i = next(r for r in it if r["n"] == d["n"])
            print(f"{case:>8} refinement {d['n']}: |V_direct / V_iterative - 1| = "
                  f"{abs(d['voltage'] / i['voltage'] - 1):.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geometry", choices=("box", "spots"), default="box",
                        help="box: the full-contact box; spots: gmsh pellets with contact "
                             "spots / blocked patches (see --cases)")
    parser.add_argument("--cases", nargs="+", choices=SPOT_CASES, default=list(SPOT_CASES),
                        help="spot cells to run (--geometry spots)")
    parser.add_argument("--sizes", type=float, nargs="+", default=None,
                        help="box: cells per direction (unknowns ~ 2 (n+1)^3), default 22 28 "
                             "35 45; spots: mesh refinements, default 1 1.5 2")
    parser.add_argument("--direct-max", type=float, default=35,
                        help="largest size run with the direct (MUMPS) preset (0: none)")
    parser.add_argument("--presets", nargs="+", choices=PRESET_CHOICES, default=list(PRESETS),
                        help="linear-solver presets (full-fgmres: the iterative preset before "
                             "#20, full pattern + FGMRES)")
    parser.add_argument("--one", nargs=3, metavar=("N", "PRESET", "CASE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        n, preset, case = args.one
        print(json.dumps(run_one(int(n) if case == "box" else float(n), preset, case)))
        return
    if args.geometry == "spots":
        main_spots(args)
        return
    args.sizes = [int(n) for n in (args.sizes or [22, 28, 35, 45])]
    results = {}
    for preset in args.presets:
        sizes = [n for n in args.sizes if preset != "direct" or n <= args.direct_max]
        results[preset] = [measure(n, preset) for n in sizes]
    print("seconds per Newton iteration: wall (assembly + linear solves + rest), CPU of the "
          "process (less sensitive to a loaded machine)")
    print(f"{'preset':>9} {'unknowns':>9} {'wall':>7} {'CPU':>7} {'assembly':>9} {'linear':>7} "
          f"{'Newton':>6} {'Krylov':>6} {'peak RSS':>9} {'kB/unk':>6}  cell voltage")
    for preset, rows in results.items():
        for r in rows:
            print(f"{preset:>9} {r['unknowns']:>9d} {r['seconds']:>7.2f} {r['cpu']:>7.2f} "
                  f"{r['assembly']:>9.2f} {r['linear']:>7.2f} {r['newton']:>6d} "
                  f"{r['krylov']:>6d} {r['rss_mib']:>6.0f} MiB "
                  f"{r['rss_mib'] * 1024 / r['unknowns']:>6.2f}  {r['voltage']:.10f} V")
    for preset, rows in results.items():
        if len(rows) >= 2:
            lo, hi = rows[0]["unknowns"], rows[-1]["unknowns"]
            print(f"{preset:>9}: time per Newton iteration ~ unknowns^{exponent(rows):.2f} "
                  f"(wall), ^{exponent(rows, 'cpu'):.2f} (CPU) over {lo} -> {hi} unknowns  "
                  f"(target <= {TARGET_EXPONENT} for the iterative preset)")
    common = ({r["n"] for r in results.get("direct", [])}
              & {r["n"] for r in results.get("iterative", [])})
    for n in sorted(common):
        it, di = (next(r for r in results[k] if r["n"] == n) for k in ("iterative", "direct"))
        print(f"n = {n}: direct / iterative time {di['seconds'] / it['seconds']:.2f}, "
              f"RSS {di['rss_mib'] / it['rss_mib']:.2f}, "
              f"|dV| = {abs(di['voltage'] - it['voltage']):.1e} V")


if __name__ == "__main__":
    main()
