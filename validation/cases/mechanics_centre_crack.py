"""Centre crack in a finite-width plate: K_I vs Tada's finite-width correction.

Crack 2a in a plate of width W and height 4W, pressure p on the crack faces
(by superposition equal to remote tension p).  Quarter model (two symmetry
planes), P2.  Reference: K_I = p sqrt(pi a) F(2a/W), F = (1 - 0.025 al^2 +
0.06 al^4) sqrt(sec(pi al / 2)), al = 2a/W, accurate to 0.1 % for any al
(Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook (2000), p. 2.2;
compare Feddersen's sqrt(sec) and Isida's series).
"""

import math

from nakmodel.validation_framework import Case, Check

A, P = 10e-6, 100e6
RATIOS = (0.2, 0.4, 0.6, 0.7)
SOURCE = "Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook (2000), p. 2.2"


def tada(al):
    return (1 - 0.025 * al**2 + 0.06 * al**4) * math.sqrt(1 / math.cos(math.pi * al / 2))


def _f(al):
    import dolfinx_solver  # noqa: F401

    from nakmodel.mechanics.crack_mesh import half_crack_mesh
    from nakmodel.mechanics.domain_integral import energy_release_rate
    from nakmodel.mechanics.elasticity import Pressure, Support, solve_elasticity
    from nakmodel.mechanics.material import CeramicMaterial

    mat = CeramicMaterial(80e9, 0.26, 1.25e6)
    width = 2 * A / al
    cm = half_crack_mesh(width / 2, 2 * width, A, tip_size=A / 40, far_size=width / 10,
                         growth=0.2)
    sol = solve_elasticity(cm.mesh, cm.facet_tags, mat, supports=[Support(2, 1), Support(5, 0)],
                           pressures=[Pressure(1, P)])
    return math.sqrt(mat.plane_strain_modulus * energy_release_rate(sol, cm)) / (
        P * math.sqrt(math.pi * A))


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    values = [_f(al) for al in RATIOS]
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    grid = np.linspace(0.0, 0.75, 100)
    ax.plot(grid, [tada(g) for g in grid], label="Tada (handbook)")
    ax.plot(RATIOS, values, "o", label="FE, G-theta")
    ax.set_xlabel("2a / W")
    ax.set_ylabel("K_I / (p sqrt(pi a))")
    ax.legend()
    fig.tight_layout()
    fig.savefig(outdir / "mechanics_centre_crack.png", dpi=120)
    plt.close(fig)
    return [Check(f"F(2a/W = {al})", v, reference=tada(al), rel_tol=0.01, unit="-",
                  source=SOURCE) for al, v in zip(RATIOS, values, strict=True)]


CASE = Case(name="mechanics_centre_crack", title="Centre crack in a finite plate: finite-width "
            "correction", run=run, slow=False, figures=["mechanics_centre_crack.png"])
