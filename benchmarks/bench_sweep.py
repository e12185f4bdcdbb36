"""Benchmark of the sweep engine: parallel efficiency and per-point engine overhead.

Runs an 8-point sweep of a synthetic kind whose point does a fixed amount of
real single-threaded numpy/scipy work (~1.5 s, calibrated once), with
``LocalExecutor(workers=1)`` and ``LocalExecutor(workers=2)``, and prints

* parallel efficiency  E = T(1 worker) / (2 * T(2 workers));
* engine overhead per point: (wall time - worker start-up - sum of point solve
  times) / N, as a ratio to the mean point solve time; and the one-time
  start-up of the pool (spawning a Python interpreter and importing nakmodel).

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--points 8] [--seconds 1.5] [--repeat 1]``.
On a machine shared with other jobs, the wall-clock efficiency measures the
load as much as the engine: the printed CPU/wall ratio of the points and the
worker utilisation separate the two.
This module is also the benchmark's study kind ``bench`` (workers import it).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

OPTIONS = ("index", "iterations")
OUTPUTS = ("checksum",)


@dataclass(frozen=True)
class BenchOptions:
    index: int = 0
    iterations: int = 1


def parse_options(table, prefix, params):
    return BenchOptions(int(table.get("index", 0)), int(table.get("iterations", 1)))


def work(iterations: int) -> float:
    """Fixed CPU work: sparse 2D Poisson solves (scipy SuperLU) + a dense eigenproblem."""
    import numpy as np
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    n = 60
    lap1 = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n))
    lap = (sp.kron(sp.identity(n), lap1) + sp.kron(lap1, sp.identity(n))).tocsc()
    rng = np.random.default_rng(1)
    dense = rng.standard_normal((80, 80))
    total = 0.0
    for k in range(iterations):
        u = spla.spsolve(lap + (1.0 + k % 3) * sp.identity(n * n, format="csc"),
                         np.ones(n * n))
        total += float(u.sum()) + float(np.linalg.eigvalsh(dense @ dense.T)[-1])
    return total


def run_point(study, point_dir):
    return {"checksum": work(study.options.iterations)}


def run(study, outdir, progress=None):
    return []


def calibrate(seconds: float) -> int:
    """Iterations of :func:`work` that take about ``seconds`` of CPU time here."""
    work(2)
    t0 = time.process_time()
    count = 0
    while time.process_time() - t0 < 0.5:
        work(5)
        count += 5
    per = (time.process_time() - t0) / count
    return max(1, round(seconds / per))


def study_dict(points: int, iterations: int) -> dict:
    return {"study": {"name": "bench", "kind": "bench"},
            "bench": {"iterations": iterations},
            "sweep": {"parameter": [{"key": "bench.index", "values": list(range(points))}]}}


def measure(workers: int, data: dict, root: Path) -> dict:
    from nakmodel.sweep import LocalExecutor, load_sweep, run_sweep

    out = root / f"workers{workers}"
    spec = load_sweep(data)
    t0 = time.time()
    result = run_sweep(spec, out, executor=LocalExecutor(workers=workers), progress=False)
    wall = time.time() - t0
    assert result.all_ok, result.summary()
    records = [json.loads(p.read_text()) for p in out.glob("points/*/result.json")]
    solve = [r["wall_time_s"] for r in records]
    cpu = [r["cpu_time_s"] for r in records]
    startup = min(r["started"] for r in records) - t0
    overhead = (wall - startup - sum(solve) / workers) / len(records)
    return {"workers": workers, "wall_s": wall, "startup_s": startup,
            "mean_point_s": sum(solve) / len(solve), "overhead_per_point_s": overhead,
            "mean_point_cpu_s": sum(cpu) / len(cpu),
            "utilisation": sum(solve) / (workers * (wall - startup))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=1.5, help="CPU time per point")
    parser.add_argument("--repeat", type=int, default=1,
                        help="interleaved repetitions; the fastest of each is reported")
    args = parser.parse_args(argv)

    import os

    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    from nakmodel.study import KINDS

    KINDS["bench"] = "bench_sweep"
    iterations = calibrate(args.seconds)
    data = study_dict(args.points, iterations)
    print(f"{args.points} points x {iterations} iterations (~{args.seconds:g} s CPU each), "
          f"{os.cpu_count()} CPUs visible")
    runs: dict[int, list[dict]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        for rep in range(args.repeat):  # interleaved, so that both see similar machine load
            for workers in (1, 2):
                runs[workers].append(measure(workers, data, Path(tmp) / f"rep{rep}"))
    one = min(runs[1], key=lambda m: m["wall_s"])
    two = min(runs[2], key=lambda m: m["wall_s"])
    for m in (one, two):
        print(f"workers={m['workers']}: wall {m['wall_s']:.2f} s, pool start-up "
              f"{m['startup_s']:.2f} s, mean point solve {m['mean_point_s']:.3f} s, engine "
              f"overhead per point {1e3 * m['overhead_per_point_s']:.1f} ms = "
              f"{100 * m['overhead_per_point_s'] / m['mean_point_s']:.2f} % of a solve; "
              f"point CPU {m['mean_point_cpu_s']:.3f} s (CPU/wall "
              f"{m['mean_point_cpu_s'] / m['mean_point_s']:.2f}: <1 = cores shared with other "
              f"load); workers busy {100 * m['utilisation']:.1f} % of the time")
    efficiency = one["wall_s"] / (2 * two["wall_s"])
    print(f"parallel efficiency (2 workers vs 1, including start-up): {100 * efficiency:.1f} %")
    steady = (one["wall_s"] - one["startup_s"]) / (2 * (two["wall_s"] - two["startup_s"]))
    print(f"parallel efficiency (excluding the one-time pool start-up): {100 * steady:.1f} %")
    print("on an otherwise idle machine the efficiency is bounded by the worker utilisation "
          f"above ({100 * two['utilisation']:.1f} % with 2 workers); lower wall-clock "
          "efficiency with CPU/wall < 1 comes from other processes sharing the cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
