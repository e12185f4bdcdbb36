"""Penny-shaped crack under internal pressure (axisymmetric G-theta) vs K_I = 2 p sqrt(a/pi).

Crack radius a in a cylinder of radius and half-height 40 a, pressure p on
the faces; half model (symmetry plane z = 0), r-weighted G-theta integral with
hoop terms, G per unit front length = total / (2 pi a).  Reference: Sneddon
(1946); Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook (2000),
p. 24.2.
"""

import math

from nakmodel.validation_framework import Case, Check

A, P = 10e-6, 100e6
SOURCE = "Sneddon, Proc. R. Soc. A 187 (1946) 229; Tada, Paris & Irwin (2000), p. 24.2"


def run(outdir):
    import dolfinx_solver  # noqa: F401

    from nakmodel.mechanics.crack_mesh import half_crack_mesh
    from nakmodel.mechanics.domain_integral import default_rings, energy_release_rate
    from nakmodel.mechanics.elasticity import Pressure, Support, solve_elasticity
    from nakmodel.mechanics.material import CeramicMaterial

    mat = CeramicMaterial(80e9, 0.26, 1.25e6)
    size = 40 * A
    cm = half_crack_mesh(size, size, A, tip_size=A / 40, far_size=size / 10, growth=0.3)
    sol = solve_elasticity(cm.mesh, cm.facet_tags, mat, kinematics="axisymmetric",
                           supports=[Support(2, 1), Support(5, 0)], pressures=[Pressure(1, P)])
    reference = 2 * P * math.sqrt(A / math.pi)
    checks = []
    Gs = []
    for i, ring in enumerate(default_rings(cm, 3)):
        G = energy_release_rate(sol, cm, ring)
        Gs.append(G)
        checks.append(Check(f"K_I / (2 p sqrt(a/pi)), domain {i + 1} (r_out = "
                            f"{ring.r_outer / A:.2f} a)",
                            math.sqrt(mat.plane_strain_modulus * G) / reference, reference=1.0,
                            rel_tol=0.02, unit="-", source=SOURCE))
    checks.append(Check.within("spread of G over the 3 domains", (max(Gs) - min(Gs)) / min(Gs),
                               low=0.0, high=0.01, unit="-", source="path independence"))
    return checks


CASE = Case(name="mechanics_penny_crack", title="Penny-shaped crack (axisymmetric)", run=run,
            slow=False, figures=[])
