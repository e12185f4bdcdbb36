"""Benchmark of a sensitivity study: parallel efficiency, engine overhead, model runs per minute.

Runs the same Morris study of the default 1D CCD point (NaK65, stepped stripping scan of
``studies/sensitivity_ccd.toml`` with fewer trajectories) with 1 and then 2 local workers
into fresh folders, side by side in one run, and prints

* the number of model runs per minute of one worker (the cost of a sensitivity point);
* parallel efficiency E = T(1 worker) / (2 T(2 workers)) (target >= 80 %);
* engine overhead per point: (wall time x workers - sum of point wall times) / points, as a
  ratio to the mean point time (target < 2 %; worker start-up included), split into the
  engine's cost between two points of a worker (commit, reply, dispatch: paid per point) and
  what a study pays once (start-up before the first point, the idle tail of a worker after
  its last point, the report after the last point).

Each configuration runs in a fresh interpreter (the wall time starts before ``nakmodel`` is
imported, as with ``nakmodel run``); the first row is the pool as it was before the warm
start (processes spawned at the first point, imports inside the first point), the others
start the pool before the design is sampled and let it import the model meanwhile.

Run: ``.venv/bin/python benchmarks/bench_sensitivity.py [--trajectories 2]``
(a Morris trajectory is D + 1 runs: 2 trajectories x (6 inputs + 1) = 14 runs per worker
count). On a loaded machine the efficiency measures the load too: the printed CPU/wall ratio
of the points (1.00 when every worker has a core of its own) says how much.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _study(trajectories: int) -> dict:
    data = tomllib.loads((ROOT / "studies" / "sensitivity_ccd.toml").read_text())
    data["sensitivity"]["samples"] = trajectories
    data["sensitivity"]["outputs"] = ["ccd", "critical_capacity"]
    return data


def _run(data: dict, out: Path, workers: int, warm: bool = True) -> dict:
    """Run the study in a fresh interpreter, as ``nakmodel run`` would (imports included)."""
    cmd = [sys.executable, __file__, "--one", str(workers), "--out", str(out),
           "--trajectories", str(data["sensitivity"]["samples"])]
    if not warm:
        cmd.append("--no-warm")
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _one(trajectories: int, out: Path, workers: int, warm: bool) -> dict:
    t0, epoch0 = time.perf_counter(), time.time()
    from nakmodel.study import load_study
    from nakmodel.sweep import LocalExecutor

    class ColdPool(LocalExecutor):
        """The pool as before the warm start: processes spawn at the first point."""

        def start(self):
            pass

        def warm(self, kind_module, import_root=None):
            pass

    pool = (LocalExecutor if warm else ColdPool)(workers=workers)
    load_study(_study(trajectories)).run(out, executor=pool)
    wall = time.perf_counter() - t0
    points = [json.loads(p.read_text()) for p in out.glob("points/*/result.json")]
    times = [p["wall_time_s"] for p in points if p.get("wall_time_s") is not None]
    cpu = [p["cpu_time_s"] for p in points if p.get("cpu_time_s") is not None]
    return {"wall": wall, "points": len(points), "point_time": sum(times),
            "cpu_per_wall": sum(cpu) / sum(times) if times else float("nan"),
            "ok": sum(p["status"] == "ok" for p in points),
            **_split(points, epoch0, epoch0 + wall)}


def _split(points: list[dict], begin: float, end: float) -> dict:
    """Where the time of the workers went besides their points, summed over workers [s]:
    ``startup`` (study start -> a worker's first point: imports, sampling, store set-up),
    ``between`` (from the end of one point to the start of the next on the same worker:
    commit, reply, dispatch: the engine's cost per point), ``tail`` (a worker idle after its
    last point while another still runs), ``finish`` (last point -> study done: the report).
    wall x workers - sum of point times = startup + between + tail + finish."""
    by_worker: dict[int, list[tuple[float, float]]] = {}
    for p in points:
        if p.get("started") is not None and p.get("wall_time_s") is not None:
            by_worker.setdefault(p["pid"], []).append((p["started"],
                                                       p["started"] + p["wall_time_s"]))
    if not by_worker:
        return {}
    last = max(stop for runs in by_worker.values() for _, stop in runs)
    split = {"startup": 0.0, "between": 0.0, "tail": 0.0,
             "finish": (end - last) * len(by_worker)}
    for runs in by_worker.values():
        runs.sort()
        split["startup"] += runs[0][0] - begin
        split["between"] += sum(b[0] - a[1] for a, b in zip(runs[:-1], runs[1:], strict=True))
        split["tail"] += last - runs[-1][1]
    return split


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: workers
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_one(args.trajectories, args.out, args.one, not args.no_warm)))
        return 0
    data = _study(args.trajectories)
    with tempfile.TemporaryDirectory() as tmp:
        cold = _run(data, Path(tmp) / "w1cold", 1, warm=False)
        one = _run(data, Path(tmp) / "w1", 1)
        two = _run(data, Path(tmp) / "w2", 2)
    n = one["points"]
    mean_point = one["point_time"] / n
    print(f"sensitivity study: Morris, {args.trajectories} trajectories, {n} model runs "
          f"({one['ok']} ok) of the 1D NaK65 CCD point; each run in a fresh interpreter "
          "(imports, sampling, store, analysis and plots included)")
    print(f"  model runs per minute (1 worker): {60.0 * n / one['wall']:.1f} "
          f"(mean point {mean_point:.2f} s)")
    for label, r, w in (("1 worker, cold pool", cold, 1), ("1 worker, warm start", one, 1),
                        ("2 workers, warm start", two, 2)):
        overhead = (r["wall"] * w - r["point_time"]) / r["points"]
        print(f"  {label}: wall {r['wall']:.1f} s, engine overhead per point "
              f"{overhead:.3f} s = {100 * overhead / mean_point:.2f} % of a point "
              f"(target < 2 %), mean point {r['point_time'] / r['points']:.2f} s, "
              f"point CPU/wall {r['cpu_per_wall']:.2f}")
        if "between" in r:
            print(f"    split over workers: between points {r['between']:.2f} s = "
                  f"{r['between'] / r['points']:.3f} s per point = "
                  f"{100 * r['between'] / r['points'] / mean_point:.2f} % of a point "
                  f"(the engine's cost per point), start-up {r['startup']:.2f} s, "
                  f"tail {r['tail']:.2f} s, finish {r['finish']:.2f} s (once per study)")
    print(f"  parallel efficiency 2 vs 1 workers: "
          f"{100 * one['wall'] / (2 * two['wall']):.1f} % (target >= 80 %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
