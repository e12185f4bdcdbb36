"""Frequency-domain (linearisation) vs time-domain (sine current on the transient model,
lock-in) impedance at five frequencies and at the geometric arc of the ceramic (the model's
mass holds ε0 εr: f_g = σ/(2π ε0 εr) ≈ 1.8 MHz here)."""

from nakmodel.validation import Case, Check


def run(outdir):
    import dolfinx_solver  # noqa: F401

    import numpy as np

    from nakmodel.impedance import linearize
    from nakmodel.impedance.timedomain import time_domain_impedance
    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.problem import CoupledProblem
    from nakmodel.model.verification import randles_materials

    pb = CoupledProblem(
        interval_cell(10e-6, 10e-6, n_nasicon=2, n_alloy=30, grading=1e2), temperature=298.15,
        x_initial=0.5, **randles_materials())
    f = np.array([0.3, 3.0, 30.0, 300.0, 3000.0, 1.8e6])
    z_fd = linearize(pb).impedance(f)
    z_td = time_domain_impedance(pb, f, steps_per_period=100)
    z_no_cg = linearize(pb, relative_permittivity=0.0).impedance(f[-1:])[0]
    checks = [Check(f"|Z_td/Z_fd − 1| at {fk:g} Hz", float(abs(zt / zf - 1)), reference=0.0,
                    abs_tol=1e-2, unit="-", source="backward Euler + Richardson, lock-in [I]")
              for fk, zt, zf in zip(f, z_td, z_fd, strict=True)]
    checks.append(Check.within("geometric arc visible: |Z_(εr=0)/Z_td − 1| at 1.8 MHz",
                               float(abs(z_no_cg / z_td[-1] - 1)), 0.5, np.inf, unit="-",
                               source="R_b || C_g apex at f_g [I]"))
    return checks


CASE = Case(name="impedance_time_domain", title="Impedance: time domain vs frequency domain",
            run=run, slow=False)
