"""Two-phase stepping near the liquidus, old and new side by side in one run.

The default axisymmetric NaK50 cell (5 mm pellet radius, 1 mm thick, 100 um alloy) is
stripped at 1 mA/cm2 until the interface reaches the K-rich liquidus, with

- old: C^1 quadratic lever-rule blend (``two_phase.DEFAULT_BLEND = "c1"``) and no event
  landing (``StepControl(event_landing=False)``),
- new: C^2 smoothstep blend and event landing (the defaults).

Forms are compiled before the timed run (warm-up build).  Printed: wall and CPU time and
their ratio, Newton iterations, rejected steps, capacity and its relative difference
(wall time is noisy on a shared machine; Newton iterations are not).
Run: ``.venv/bin/python benchmarks/bench_liquidus.py [--only old new blend landing]``.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import dolfinx_solver  # noqa: F401, E402

import nakmodel  # noqa: E402
from nakmodel.model import two_phase  # noqa: E402
from nakmodel.model.simulation import Simulation  # noqa: E402
from nakmodel.model.stepping import StepControl  # noqa: E402

VARIANTS = {"old": ("c1", False), "blend": ("c2", False), "landing": ("c1", True),
            "new": ("c2", True)}


def run(blend: str, landing: bool, protocol: str) -> dict:
    """One strip to the liquidus with the given blend and event landing."""
    saved = two_phase.DEFAULT_BLEND
    two_phase.DEFAULT_BLEND = blend
    try:
        params = nakmodel.load_parameters()
        cell = nakmodel.Cell(geometry="axisymmetric", pellet_radius="5 mm",
                             pellet_thickness="1 mm", alloy_thickness="100 um")
        control = StepControl.from_parameters(params, event_landing=landing)
        # warm-up: the forms of each blend are JIT-compiled once, outside the timing
        Simulation(cell, params, protocol, step_control=control).build()
        t0, c0 = time.perf_counter(), time.process_time()
        result = Simulation(cell, params, protocol, step_control=control).run()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        two_phase.DEFAULT_BLEND = saved
    return {"seconds": seconds, "cpu": cpu, "newton": int(result.info["newton_iterations"]),
            "rejections": int(result.info.get("rejections", -1)),
            "capacity": result.capacity[-1] / 36000.0, "why": str(result.termination)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(VARIANTS), default=["old", "new"])
    parser.add_argument("--protocol", default="Strip at 1 mA/cm2 until liquidus")
    args = parser.parse_args()
    rows = {}
    print(f"{'variant':>8} {'blend':>5} {'landing':>7} {'time [s]':>9} {'cpu [s]':>8} "
          f"{'Newton':>7} {'rejected':>8} {'capacity [mAh/cm2]':>19}  ended by")
    for name in args.only:
        blend, landing = VARIANTS[name]
        r = rows[name] = run(blend, landing, args.protocol)
        print(f"{name:>8} {blend:>5} {landing!s:>7} {r['seconds']:>9.1f} {r['cpu']:>8.1f} "
              f"{r['newton']:>7d} {r['rejections']:>8d} {r['capacity']:>19.6f}  {r['why']}")
    if "old" in rows and "new" in rows:
        o, n = rows["old"], rows["new"]
        print(f"new/old: time {o['seconds']:.1f} -> {n['seconds']:.1f} s "
              f"(ratio {n['seconds'] / o['seconds']:.2f}, cpu ratio "
              f"{n['cpu'] / o['cpu']:.2f}), Newton {o['newton']} -> "
              f"{n['newton']}, capacity change "
              f"{(n['capacity'] - o['capacity']) / o['capacity']:+.2e}"
              " relative")


if __name__ == "__main__":
    main()
