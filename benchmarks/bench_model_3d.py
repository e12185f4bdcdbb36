"""3D coupled model: time per Newton iteration vs unknowns, iterative vs direct preset.

Issue target: with the iterative preset (GMRES + fieldsplit/GAMG, ``nakmodel.model.solvers``)
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

Up to ~1M unknowns under MPI (issue 20 item 3), an option: ``--mpi 2`` runs every (case,
size, preset) as ``mpiexec -n 2`` (the gmsh mesh is made in a child process of rank 0,
whose peak RSS is reported separately, and built distributed); the
wall and the CPU seconds summed over the ranks per Newton iteration, the peak RSS summed over
the ranks (and the largest rank's), kB per unknown of that sum, and the exponent against
:data:`TARGET_EXPONENT_1M`.  The 9-spot cell has about 25k, 100k, 400k and 1M unknowns at
refinements 2.2, 3.7, 6 and 8.2 (s9: 19,720 at 2, 122,818 at 4, ~r^2.7-3):
``nice .venv/bin/python benchmarks/bench_model_3d.py --geometry spots --cases s9 --mpi 2
--sizes 2.2 3.7 6 8.2 --direct-max 3.7``; ``--timeout`` (default 3000 s) stops a size that
takes longer (reported, the others kept).
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
#: issue 20 item 3: time per Newton iteration over 25k -> 1M unknowns under mpiexec -n 2
TARGET_EXPONENT_1M = 1.15
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

    from mpi4py import MPI

    import nakmodel
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem, CurrentControl
    from nakmodel.model.solvers import LinearSolver

    comm = MPI.COMM_WORLD
    p = nakmodel.load_parameters()
    rss = {"start": _rss_mib()}
    t_setup = time.perf_counter()
    if case == "box":
        cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=int(n), n_nasicon=int(n), n_alloy=int(n),
                      comm=comm)
    else:
        cm = spot_cell(case, float(n), comm)
    rss["mesh"] = _rss_mib()
    t_mesh = time.perf_counter() - t_setup
    problem = CoupledProblem(
        cm, temperature=p.temperature, alloy=AlloyProperties.from_parameters(p),
        nasicon=NasiconProperties.from_parameters(p),
        working=ElectrodeInterface.from_parameters(p, "interface"),
        counter=ElectrodeInterface.from_parameters(p, "counter_electrode"),
        x_initial=p.alloy.composition.x_na, parameters=p, backend="petsc",
        linear_solver=(LinearSolver("iterative", compact_pattern=False, krylov="fgmres")
                       if preset == "full-fgmres" else preset))
    rss["problem"] = _rss_mib()
    t_problem = time.perf_counter() - t_setup - t_mesh
    comm.barrier()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    report = problem.solve(CurrentControl(10.0), dt=10.0)
    elapsed = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = comm.allreduce(usage.ru_utime + usage.ru_stime - cpu0)  # summed over the ranks
    if not report.converged:
        raise RuntimeError(f"Newton failed: {report.reason}")
    its = report.iterations
    rss["solve"] = _rss_mib()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "case": case, "preset": preset, "ranks": comm.size,
            "rss_stages": {k: comm.allreduce(v) for k, v in rss.items()},
            "unknowns": comm.allreduce(int(problem.state_vector().size) - 1) + 1,
            "newton": its, "seconds": comm.allreduce(elapsed, op=MPI.MAX) / its,
            "cpu": cpu / its, "mesh_seconds": t_mesh, "setup_seconds": t_problem,
            "assembly": report.assembly_seconds / its, "linear": report.linear_seconds / its,
            "krylov": report.krylov_iterations, "voltage": float(problem.voltage.value),
            "rss_mib": comm.allreduce(peak), "rss_max_rank_mib": comm.allreduce(peak, op=MPI.MAX),
            # the gmsh child process of a 3D gmsh cell (nakmodel.geometry.gmsh_process): it
            # has exited before the problem is built; its peak is not in rss_mib
            "gmsh_child_mib": comm.allreduce(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


def _rss_mib() -> float:
    """Current resident memory of this process [MiB] (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


#: ``--mpi`` ranks and ``--timeout`` [s] of each size (set by :func:`main`)
RUN = {"ranks": 1, "timeout": 3000.0}


def measure(n, preset: str, case: str = "box") -> dict:
    """:func:`run_one` in a fresh interpreter (peak RSS per size), under ``mpiexec -n
    RUN["ranks"]`` when more than 1; killed (with its ranks) after RUN["timeout"] s."""
    import os
    import shutil
    import signal
    from pathlib import Path

    cmd = [sys.executable, __file__, "--one", str(n), preset, case]
    if RUN["ranks"] > 1:
        mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or "mpiexec"
        cmd = [mpiexec, "-n", str(RUN["ranks"])] + cmd
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=RUN["timeout"])
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise TimeoutError(f"{case} {n} {preset}: stopped after {RUN['timeout']:.0f} s") from None
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


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
                try:
                    row = measure(r, preset, case)
                except TimeoutError as err:
                    print(err, file=sys.stderr, flush=True)
                    continue
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
    target = TARGET_EXPONENT_1M if RUN["ranks"] > 1 else TARGET_EXPONENT
    if RUN["ranks"] > 1:
        print(f"mpiexec -n {RUN['ranks']}: wall = slowest rank, CPU and peak RSS summed over "
              "the ranks; largest rank's peak, mesh (gmsh + distribution) and problem set-up "
              "wall [s]:")
        for r in rows:
            print(f"{r['case']:>8} {r['preset']:>9} {r['n']:>6.2f} {r['unknowns']:>9d} "
                  f"max rank {r['rss_max_rank_mib']:>5.0f} MiB, gmsh child "
                  f"{r.get('gmsh_child_mib', 0):>5.0f} MiB, mesh {r['mesh_seconds']:.0f} s, "
                  f"set-up {r['setup_seconds']:.0f} s, Krylov {r['krylov']}")
    for case in args.cases:
        it = [r for r in rows if r["case"] == case and r["preset"] == "iterative"]
        if len(it) >= 2:
            print(f"{case:>8}: time per Newton iteration ~ unknowns^{exponent(it):.2f} (wall), "
                  f"^{exponent(it, 'cpu'):.2f} (CPU) over {it[0]['unknowns']} -> "
                  f"{it[-1]['unknowns']} unknowns (target <= {target})")
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
    parser.add_argument("--mpi", type=int, default=1, metavar="RANKS",
                        help="run every size under mpiexec -n RANKS (default 1: serial)")
    parser.add_argument("--timeout", type=float, default=3000.0,
                        help="stop a size after this many seconds [s] (default 3000)")
    parser.add_argument("--one", nargs=3, metavar=("N", "PRESET", "CASE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    RUN.update(ranks=args.mpi, timeout=args.timeout)
    if args.one:
        n, preset, case = args.one
        row = run_one(int(n) if case == "box" else float(n), preset, case)
        from mpi4py import MPI

        if MPI.COMM_WORLD.rank == 0:
            print(json.dumps(row))
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
