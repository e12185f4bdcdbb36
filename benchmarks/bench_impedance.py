"""Benchmark: impedance of the axisymmetric reference cell by three routes.

1. frequency domain: linearise once (assemble J, M), then (a) one sparse complex LU per
   frequency, and (b) rational-Krylov model order reduction (a few real LUs for all
   frequencies), 60 frequencies 10 mHz … 1 MHz;
2. time domain: sine current on the transient FE model (backward Euler + Richardson, lock-in;
   :mod:`nakmodel.impedance.timedomain`) at ``--td-frequencies`` sample frequencies, with the
   number of steps per period raised from the smallest it accepts (8) until it agrees with
   route 1 to ``--accuracy`` relative
   to the dispersive part |Z − Z(f_max)| (the ohmic offset would hide phase errors); its cost
   for 60 frequencies is the measured mean cost per frequency × 60 (running all 60 would take
   hours, which is the point);
3. modal: the complete relaxation spectrum (:func:`nakmodel.impedance.modes.modes_of`,
   residue-selected modes, sum R_k = span checked) against the 60-frequency direct impedance
   of the same linearisation (both with the geometric capacitance), and the first 50 modes
   by SLEPc shift-and-invert.

Prints wall times and the ratios (targets: frequency domain ≥ 250× faster than time
stepping at equal accuracy; complete modal spectrum ≤ 2× the 60-frequency impedance).
The time-domain model has no geometric capacitance, so both routes use εr = 0 here.

Run:  .venv/bin/python benchmarks/bench_impedance.py [--accuracy 0.01] [--td-frequencies 3]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import dolfinx_solver  # noqa: E402, F401

import numpy as np  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accuracy", type=float, default=0.01,
                        help="relative agreement demanded of the time-domain route")
    parser.add_argument("--td-frequencies", type=int, default=3,
                        help="sample frequencies for the time-domain cost estimate")
    parser.add_argument("--modes", type=int, default=50)
    args = parser.parse_args(argv)

    from nakmodel.geometry import Cell
    from nakmodel.impedance.model import build_problem, krylov_impedance, linearise
    from nakmodel.impedance.modes import modes_of, slepc_modes
    from nakmodel.impedance.timedomain import time_domain_impedance
    from nakmodel.parameters import load_parameters

    p = load_parameters()
    t0 = time.perf_counter()
    cell_mesh = Cell.from_parameters(p).build_mesh()
    pb = build_problem(cell_mesh, p)
    t_setup = time.perf_counter() - t0
    print(f"reference cell: {pb.n_c + pb.n_phi + 1} unknowns, set-up {t_setup:.2f} s")

    f = np.logspace(-2, 6, 60)
    t0 = time.perf_counter()
    lin = linearise(pb, relative_permittivity=0.0)
    Z = lin.impedance(f)
    t_direct = time.perf_counter() - t0
    print(f"frequency domain, direct: 60 frequencies in {t_direct:.3f} s "
          f"({1e3 * t_direct / 60:.1f} ms per frequency, incl. assembly)")
    t0 = time.perf_counter()
    lin_k = linearise(pb, relative_permittivity=0.0)
    Z_k = krylov_impedance(lin_k.system, f)
    t_fd = time.perf_counter() - t0
    print(f"frequency domain, Krylov reduction: 60 frequencies in {t_fd:.3f} s "
          f"(max deviation from direct {np.max(np.abs(Z_k / Z - 1)):.1e})")

    sample = f[np.linspace(10, 50, args.td_frequencies).astype(int)]
    z_ref = Z[np.searchsorted(f, sample)]
    z_hf = Z[-1]
    costs, errors, steps_used = [], [], []
    for fk, zk in zip(sample, z_ref, strict=True):
        steps = 8  # the smallest time_domain_impedance accepts: the cheapest that passes
        while True:
            t0 = time.perf_counter()
            z_td = time_domain_impedance(pb, [fk], steps_per_period=steps)[0]
            cost = time.perf_counter() - t0
            err = abs(z_td - zk) / abs(zk - z_hf)
            if err <= args.accuracy or steps >= 640:
                break
            steps *= 2
        costs.append(cost)
        errors.append(err)
        steps_used.append(steps)
        print(f"time domain at {fk:9.3g} Hz: {steps:4d} steps/period (+Richardson), "
              f"error {err:.2e}, {cost:.1f} s")
    t_td = float(np.mean(costs)) * 60
    print(f"time domain: {np.mean(costs):.1f} s per frequency -> {t_td:.0f} s for 60 (estimated)")
    print(f"ratio time domain / frequency domain (direct) at accuracy {args.accuracy:g}: "
          f"{t_td / t_direct:.0f}x")
    print(f"ratio time domain / frequency domain (Krylov) at accuracy {args.accuracy:g}: "
          f"{t_td / t_fd:.0f}x")

    eps_r = p.nasicon.relative_permittivity
    t0 = time.perf_counter()
    lin_z = linearise(pb, relative_permittivity=eps_r)
    lin_z.impedance(f)
    t_z60 = time.perf_counter() - t0
    t0 = time.perf_counter()
    lin_m = linearise(pb, relative_permittivity=eps_r)
    complete = modes_of(lin_m)
    t_complete = time.perf_counter() - t0
    print(f"modal: complete spectrum, {len(complete)} modes carrying "
          f"{100 * complete.completeness:.3f} % of the span, in {t_complete:.3f} s; "
          f"60-frequency direct impedance (same εr) {t_z60:.3f} s; "
          f"ratio {t_complete / t_z60:.2f}x (target <= 2)")

    t0 = time.perf_counter()
    lin_eps = linearise(pb, relative_permittivity=eps_r)
    spec = slepc_modes(lin_eps, args.modes)
    t_modes = time.perf_counter() - t0
    print(f"modal: first {len(spec)} modes by SLEPc shift-invert in {t_modes:.2f} s "
          f"(τ from {spec.tau.min():.3g} to {spec.tau.max():.3g} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
