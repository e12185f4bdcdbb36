"""Plating Na onto K (trend_plating_on_k): where the Newton iterations go, variants side by side.

The axisymmetric cell of ``studies/plating_on_k.toml`` with a thin (100 um) K foil, plated
at 0.4 mA/cm2 for ``--minutes`` (default 6; no rest, one GEIS spectrum at 0 s), run through
the public study API.  Every accepted time step is logged (t, dt, Newton iterations,
rejections, interface x_max), and the steps are split into the phase before the first
interface node reaches the K-rich liquidus and the pool-growth phase after it.

Variants: ``base`` (the defaults), ``smooth4`` (``alloy.phase_smoothing`` x 4 = 8e-3: a
wider lever-rule blend, this changes results slightly: voltage and layer liquid fraction
printed for comparison).  Wall time is noisy on a shared machine; Newton counts are not.
Run: ``.venv/bin/python benchmarks/bench_plating_on_k.py [--only base smooth4] [--minutes 6]``.

Measured (session 7, loaded 2-core machine, 6 min): base 75 steps, 885 Newton, 17 rejected
(to the liquidus, t = 57 s: 3.6 Newton/step; pool growth: 20.2 Newton/step); smooth4 642
Newton (-27 %), end voltage -0.3 %.  The cost is the growth of the liquid pool under the
spots (the whole pool sits within ~3 blend widths of the K-rich liquidus, where D_eff rises
from 0 to D~), not the liquidus crossing: the first crossing costs only ~15 % of the
iterations, and the 2 h rest is cheap (20 min of rest: 19 steps, 162 Newton).  Event
landing never acts here (0 landings): its liquidus signal uses the *minimum* interface x,
which stays at x0 on the non-contacting interface.  Tried and rejected (not in the code):
Appleyard chopping of Newton increments at the phase boundaries (2904 / 1812 Newton,
chop to x_b / to the far blend edge), a linear-extrapolation Newton start (2442; 803 = -9 %
when nodes near a boundary keep the old state), a one-sided liquidus blend (946).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "validation" / "cases"))

import trend_plating_on_k as case  # noqa: E402

from nakmodel.model import stepping  # noqa: E402

VARIANTS = {"base": None, "smooth4": 8e-3}


def run(smoothing, minutes: float) -> dict:
    """One short plating run; per-step log and totals."""
    from nakmodel.plotting.study_plots import read_timeseries
    from nakmodel.study import load_study
    from nakmodel.study.simulation import composition_label

    table = case.study_table(thickness_um=case.THIN_FOIL_UM)
    table["simulation"]["protocol"] = [f"Plate at 0.4 mA/cm2 for {minutes:g} min"]
    table["simulation"]["geis_times"] = ["0 s"]
    if smoothing is not None:
        table.setdefault("parameters", {})["alloy.phase_smoothing"] = smoothing
    steps = []
    original = stepping.AdaptiveStepper.advance

    def advance(self, t, control_at, t_end, events=()):
        n0, r0 = self.newton_iterations, self.rejections
        out = original(self, t, control_at, t_end, events)
        steps.append((t, out[0] - t, self.newton_iterations - n0, self.rejections - r0,
                      self.problem.interface_x_max(), float(self.problem.x_liquidus_k)))
        return out

    stepping.AdaptiveStepper.advance = advance
    try:
        study = load_study(table)
        with tempfile.TemporaryDirectory() as folder:
            t0 = time.perf_counter()
            study.run(folder)
            wall = time.perf_counter() - t0
            ts = read_timeseries(Path(folder) / composition_label(study.options.compositions[0]))
    finally:
        stepping.AdaptiveStepper.advance = original
    k_liq = next((k for k, s in enumerate(steps) if s[4] >= s[5] - 1e-3), len(steps))
    phases = {"to liquidus": steps[:k_liq], "pool growth": steps[k_liq:]}
    return {"wall": wall, "steps": len(steps), "newton": sum(s[2] for s in steps),
            "rejections": sum(s[3] for s in steps),
            "t_liquidus": steps[k_liq][0] if k_liq < len(steps) else float("nan"),
            "phases": {name: (len(p), sum(s[2] for s in p), sum(s[3] for s in p),
                              sum(s[1] for s in p)) for name, p in phases.items()},
            "voltage": float(ts["voltage"][-1]),
            "liquid": float(ts["liquid_fraction_volume"][-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--minutes", type=float, default=6.0)
    args = parser.parse_args()
    print(f"{'variant':>8} {'wall [s]':>8} {'steps':>6} {'Newton':>7} {'rejected':>8} "
          f"{'t_liq [s]':>9} {'V end [mV]':>10} {'layer f_L':>10}")
    for name in args.only:
        r = run(VARIANTS[name], args.minutes)
        print(f"{name:>8} {r['wall']:>8.1f} {r['steps']:>6d} {r['newton']:>7d} "
              f"{r['rejections']:>8d} {r['t_liquidus']:>9.1f} {1e3 * r['voltage']:>10.4f} "
              f"{r['liquid']:>10.6f}")
        for phase, (n, newton, rej, span) in r["phases"].items():
            print(f"{'':>8} {phase:>12}: {n} steps over {span:.0f} s, Newton {newton} "
                  f"({newton / max(n, 1):.1f}/step), rejected {rej}")


if __name__ == "__main__":
    main()
