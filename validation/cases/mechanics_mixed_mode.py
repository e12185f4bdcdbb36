"""Mixed-mode K_I, K_II of an inclined centre crack by the interaction integral.

Centre crack of length 2a inclined by beta to the x-axis in a 60a x 60a plate
under remote uniaxial tension s along y (rollers on the left and bottom
edges).  Reference (infinite plate): K_I = s sqrt(pi a) cos^2 beta, K_II =
s sqrt(pi a) sin beta cos beta (Anderson, Fracture Mechanics, 3rd ed. (2005),
eq. 2.57; Tada, Paris & Irwin (2000), p. 5.x).  The crack is a thin diamond
(opening 2 % of a at its centre) with sharp tips; P2, interaction integral
with Williams auxiliary fields; E' G = K_I^2 + K_II^2 checked too.
"""

import math

from nakmodel.validation_framework import Case, Check

A, S = 10e-6, 50e6
BETAS_DEG = (0.0, 30.0, 45.0, 60.0)
SOURCE = "Anderson, Fracture Mechanics (2005), eq. 2.57 (inclined crack, remote tension)"


def _solve(beta):
    import dolfinx_solver  # noqa: F401

    from nakmodel.mechanics.crack_mesh import inclined_centre_crack_mesh
    from nakmodel.mechanics.domain_integral import energy_release_rate, interaction_integrals
    from nakmodel.mechanics.elasticity import Pressure, Support, solve_elasticity
    from nakmodel.mechanics.material import CeramicMaterial

    mat = CeramicMaterial(80e9, 0.26, 1.25e6)
    cm = inclined_centre_crack_mesh(60 * A, 60 * A, A, beta, tip_size=A / 50, far_size=6 * A)
    sol = solve_elasticity(cm.mesh, cm.facet_tags, mat, supports=[Support(7, 1), Support(5, 0)],
                           pressures=[Pressure(4, -S)])
    KI, KII = interaction_integrals(sol, cm)
    return KI, KII, mat.plane_strain_modulus * energy_release_rate(sol, cm)


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    k0 = S * math.sqrt(math.pi * A)
    checks, rows = [], []
    for deg in BETAS_DEG:
        beta = math.radians(deg)
        KI, KII, EG = _solve(beta)
        rows.append((deg, KI / k0, KII / k0))
        checks.append(Check(f"K_I/(s sqrt(pi a)), beta = {deg:g} deg", KI / k0,
                            reference=math.cos(beta) ** 2, rel_tol=0.02, unit="-",
                            source=SOURCE))
        if deg:
            checks.append(Check(f"K_II/(s sqrt(pi a)), beta = {deg:g} deg", KII / k0,
                                reference=math.sin(beta) * math.cos(beta), rel_tol=0.02,
                                unit="-", source=SOURCE))
        else:
            checks.append(Check.within("|K_II|/(s sqrt(pi a)), beta = 0", abs(KII / k0),
                                       low=0.0, high=1e-3, unit="-", source="symmetry"))
        checks.append(Check(f"E'G/(K_I^2 + K_II^2), beta = {deg:g} deg", EG / (KI**2 + KII**2),
                            reference=1.0, rel_tol=0.01, unit="-",
                            source="Irwin: G = (K_I^2 + K_II^2)/E'"))
    grid = np.linspace(0, 90, 91)
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    ax.plot(grid, np.cos(np.radians(grid)) ** 2, label="K_I exact")
    ax.plot(grid, np.sin(np.radians(grid)) * np.cos(np.radians(grid)), label="K_II exact")
    ax.plot([r[0] for r in rows], [r[1] for r in rows], "o", label="K_I FE")
    ax.plot([r[0] for r in rows], [r[2] for r in rows], "s", label="K_II FE")
    ax.set_xlabel("crack inclination beta [deg]")
    ax.set_ylabel("K / (s sqrt(pi a))")
    ax.legend()
    fig.tight_layout()
    fig.savefig(outdir / "mechanics_mixed_mode.png", dpi=120)
    plt.close(fig)
    return checks


CASE = Case(name="mechanics_mixed_mode", title="Inclined centre crack: K_I and K_II by the "
            "interaction integral", run=run, slow=False, figures=["mechanics_mixed_mode.png"])
