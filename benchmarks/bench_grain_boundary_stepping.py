"""Grain-boundary stepping: default results old vs new, side by side in one run.

Default parameters (brick-layer ceramic: σ_b = 1.5e-2, σ_total = 5e-3 S/cm, ε_gb = 1e-9 F/cm,
τ_gb = ε_gb/σ_gb ≈ 0.13 µs), stripped at 1 mA/cm2 until the liquidus, on the default 1D
cell and the axisymmetric cell of ``bench_liquidus.py`` (5 mm radius, 1 mm pellet, 100 um
alloy), with

- old: the quasi-static ceramic (σ_total; the step coefficients held at their DC values,
  which are the forms before the grain-boundary stepping up to round-off),
- new: the exact backward-Euler brick layer (:mod:`nakmodel.model.grain_boundary_stepping`).

Printed: capacity and final voltage with their relative differences, Newton iterations,
rejected steps, wall time (forms compiled before the timed run).
Run: ``.venv/bin/python benchmarks/bench_grain_boundary_stepping.py [--cells 1d axisymmetric]``.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import dolfinx_solver  # noqa: F401, E402

import nakmodel  # noqa: E402
from nakmodel.model import grain_boundary_stepping as gbs  # noqa: E402
from nakmodel.model.simulation import Simulation  # noqa: E402

CELLS = {"1d": dict(geometry="1d"),
         "axisymmetric": dict(geometry="axisymmetric", pellet_radius="5 mm",
                              pellet_thickness="1 mm", alloy_thickness="100 um")}


def run(cell_name: str, variant: str, protocol: str) -> dict:
    saved = gbs.CeramicStepping._set
    if variant == "old":
        gbs.CeramicStepping._set = lambda self, dt: saved(self, None)
    try:
        params = nakmodel.load_parameters()
        cell = nakmodel.Cell(**CELLS[cell_name])
        Simulation(cell, params, protocol).build()  # warm-up (JIT)
        t0 = time.perf_counter()
        result = Simulation(cell, params, protocol).run()
        seconds = time.perf_counter() - t0
    finally:
        gbs.CeramicStepping._set = saved
    return {"seconds": seconds, "newton": int(result.info["newton_iterations"]),
            "rejections": int(result.info.get("rejections", -1)),
            "steps": int(result.info.get("steps", -1)),
            "capacity": result.capacity[-1] / 36000.0, "voltage": result.voltage[-1],
            "why": str(result.termination)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", choices=list(CELLS), default=list(CELLS))
    parser.add_argument("--protocol", default="Strip at 1 mA/cm2 until liquidus")
    args = parser.parse_args()
    for name in args.cells:
        rows = {v: run(name, v, args.protocol) for v in ("old", "new")}
        for v, r in rows.items():
            print(f"{name:13s} {v}: capacity {r['capacity']:.9g} mAh/cm2, V_end "
                  f"{r['voltage']:.9g} V, Newton {r['newton']}, steps {r['steps']}, "
                  f"rejected {r['rejections']}, wall {r['seconds']:.1f} s ({r['why']})")
        o, n = rows["old"], rows["new"]
        print(f"{name:13s} new/old - 1: capacity {n['capacity'] / o['capacity'] - 1:.3g}, "
              f"V_end {n['voltage'] / o['voltage'] - 1:.3g}, "
              f"wall x{n['seconds'] / o['seconds']:.2f}")


if __name__ == "__main__":
    main()
