"""Cost of the FE crack criterion in a CCD scan, measured side by side (issue #13).

The same ``ccd`` study (NaK50 plated on the axisymmetric cell with a metal-filled conical
flaw on the axis, 20 um deep, 2 um mouth; the default stepped ramp of the ``ccd`` kind,
0.5 mA/cm² per 60 s, up to 20 mA/cm²) is run with ``crack = "fe"`` (default: K_I per
pressure from the FE domain integral of the flaw's crack, a 3D semicircular surface crack,
one solve, cached per flaw)
and with ``crack = "handbook"`` (1.1215 sqrt(pi a)), alternating, each from a cold K_I cache
(:func:`nakmodel.mechanics.flaw_model.clear_cache`).  Printed: wall time of each and the
ratio FE / handbook (target <= 1.5), the one-off cost of the FE K_I per pressure alone
(one 3D solve per flaw, independent of the scan length: the ratio falls as the scan
lengthens), and the ratio of a second FE scan of the same flaw (cache warm, as in a study
with several compositions or directions, or a sweep over non-geometric parameters).

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_ccd_crack.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _study(crack: str):
    from nakmodel.study import load_study

    table = {"geometry": "axisymmetric", "pellet_radius": "0.5 mm",
             "pellet_thickness": "0.3 mm", "alloy_thickness": "20 um", "mesh_size": "20 um",
             "flaw": {"depth": "20 um", "opening": "2 um"}, "directions": ["plate"],
             "start": "0.5 mA/cm2", "stop": "20 mA/cm2", "step": "0.5 mA/cm2",
             "profiles": 0, "error_tolerance": 0.05, "crack": crack}
    return load_study({"study": {"name": f"bench_{crack}", "kind": "ccd", "title": crack},
                       "parameters": {"alloy": {"composition": "NaK50"}}, "ccd": table})


def timed_run(crack: str, root: Path, *, cold: bool = True) -> tuple[float, dict]:
    """Wall time [s] of the whole study (scan, criteria, fracture report, files) and its row."""
    from nakmodel.mechanics.flaw_model import clear_cache
    from nakmodel.study.ccd import run

    if cold:
        clear_cache()
    study = _study(crack)
    out = Path(tempfile.mkdtemp(dir=root))
    start = time.perf_counter()
    run(study, out)
    seconds = time.perf_counter() - start
    import csv

    with open(out / "ccd_results.csv", newline="") as handle:
        row = next(csv.DictReader(row for row in handle if not row.startswith("#")))
    return seconds, row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    import dolfinx_solver  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        timed_run("handbook", root)  # warm-up: imports, JIT of the forms
        times = {"fe": [], "handbook": []}
        rows = {}
        for _ in range(args.repeat):
            for crack in ("fe", "handbook"):
                seconds, rows[crack] = timed_run(crack, root)
                times[crack].append(seconds)
        timed_run("fe", root)  # fills the cache: the next FE scan of this flaw reuses it
        warm, _ = timed_run("fe", root, cold=False)
    from nakmodel.mechanics.flaw_model import clear_cache, k_per_pressure

    clear_cache()
    study = _study("fe")
    start = time.perf_counter()
    k_per_pressure(study.options.cell.build(), study.parameters)
    k_seconds = time.perf_counter() - start
    fe, hb = min(times["fe"]), min(times["handbook"])
    print(f"CCD scan with a flaw: FE criterion {fe:.2f} s (cold K_I cache), handbook "
          f"{hb:.2f} s (min of {args.repeat}); ratio FE / handbook = {fe / hb:.3f} "
          "(target <= 1.5)")
    print(f"FE K_I per pressure of the flaw alone (3D semicircular crack): {k_seconds:.2f} s")
    print(f"second FE scan of the same flaw (cache warm): {warm:.2f} s, ratio "
          f"{warm / hb:.3f}")
    for crack, row in rows.items():
        keys = [k for k in row if k.split(" ")[0] in ("crack_method", "k_ratio_max",
                                                       "limiting_mechanism")]
        print(f"  {crack}: " + ", ".join(f"{k} = {row[k]}" for k in keys))
    return 0 if fe / hb <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
