"""Thick liquid at high current: constant-flux semi-infinite depletion (Sand-type).

1 mm of NaK50 on NASICON, 10 mA/cm^2 for 4 s (diffusion length 50 um << 1 mm): the
interface depletion must follow c0 - c(0, t) = 2 (i/F) sqrt(t / (pi D)) (Crank, The
Mathematics of Diffusion, eq. 3.7 with constant flux [M]) within 1 %, D = Darken
interdiffusivity at the initial composition (``thermo.interdiffusivity``); double layers off.
"""

from nakmodel.validation_framework import Case, Check

SOURCE = "Crank, The Mathematics of Diffusion (1975), constant-flux solution [M]"


def run(outdir):
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel import thermo
    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.model.verification import (
        constant_current_depletion,
        sand_depletion,
        sand_problem,
    )
    from nakmodel.parameters import load_parameters

    F = 96485.33212
    p = load_parameters()
    x0, T = p.alloy.composition.x_na, p.temperature
    D = float(thermo.interdiffusivity(x0, T, params=p))
    current = 100.0
    times, depletion = constant_current_depletion(sand_problem(p), current, 0.005, 800, 40)
    analytic = sand_depletion(current, D, times)
    err = float(np.max(np.abs(depletion / analytic - 1.0)))
    slope = float(np.polyfit(np.sqrt(times), depletion, 1)[0])
    checks = [
        Check.within("max relative deviation from 2 (i/F) sqrt(t/(pi D))", err, 0.0, 0.01,
                     unit="-", source=SOURCE),
        Check("slope of depletion vs sqrt(t)", slope, reference=2 * current / F
              / math.sqrt(math.pi * D), rel_tol=0.01, unit="mol m^-3 s^-1/2", source=SOURCE),
    ]
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.plot(np.sqrt(times), depletion, "o", label="FE")
    ax.plot(np.sqrt(times), analytic, "-", label="2 (i/F) sqrt(t/(pi D))")
    ax.set_xlabel("sqrt(t) [s$^{1/2}$]")
    ax.set_ylabel("c$_0$ - c(0,t) [mol/m$^3$]")
    ax.legend()
    fig.tight_layout()
    atomic_savefig(fig, outdir / "model_sand.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="model_sand", title="Semi-infinite constant-flux depletion (Sand-type)",
            run=run, slow=False, figures=["model_sand.png"])
