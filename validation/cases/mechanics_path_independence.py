"""Path independence of the G-theta integral and the compliance cross-check.

Edge crack (depth a) in the pellet, pressure p on the faces: G from three
nested integration domains must agree within 1 %, and G from the derivative
of the pressure work with respect to the crack length (central difference of
two crack lengths a +- 2 %, compliance method: G = (1/2) dW_ext/da at fixed
load) must agree within 2 %.  Also the interaction integral K_I against
sqrt(E' G).
"""

import math

from nakmodel.validation_framework import Case, Check

A, P = 10e-6, 100e6
SOURCE_J = "Shih, Moran & Nakamura, Int. J. Fract. 30 (1986) 79 (domain integral)"
SOURCE_C = "Irwin & Kies (1954); Anderson, Fracture Mechanics (2005) sec. 2.4 (compliance)"


def _solve(a):
    import dolfinx_solver  # noqa: F401

    from nakmodel.mechanics.crack_mesh import half_crack_mesh
    from nakmodel.mechanics.elasticity import Pressure, Support, solve_elasticity
    from nakmodel.mechanics.material import CeramicMaterial

    mat = CeramicMaterial(80e9, 0.26, 1.25e6)
    cm = half_crack_mesh(1e-3, 5e-3, a, tip_size=A / 60, far_size=1e-4, growth=0.15)
    sol = solve_elasticity(cm.mesh, cm.facet_tags, mat, supports=[Support(2, 1), Support(3, 0)],
                           pressures=[Pressure(1, P), Pressure(5, 0.0)])
    return cm, sol, mat


def run(outdir):
    from nakmodel.mechanics.domain_integral import (
        compliance_energy_release_rate,
        default_rings,
        energy_release_rate,
        interaction_integrals,
        pressure_work,
    )

    cm, sol, mat = _solve(A)
    rings = default_rings(cm, 3)
    G = [energy_release_rate(sol, cm, r) for r in rings]
    K_int = interaction_integrals(sol, cm, rings[0])[0]

    def work(a):
        c, s, _ = _solve(a)
        return pressure_work(s, c)

    G_c = compliance_energy_release_rate(work, A, 0.02 * A)
    checks = [Check(f"G domain {i + 2} / G domain 1", g / G[0], reference=1.0, rel_tol=0.01,
                    unit="-", source=SOURCE_J) for i, g in enumerate(G[1:])]
    checks.append(Check("G compliance / G domain integral", G_c / G[0], reference=1.0,
                        rel_tol=0.02, unit="-", source=SOURCE_C))
    checks.append(Check("K_I interaction / sqrt(E' G)", K_int / math.sqrt(
        mat.plane_strain_modulus * G[0]), reference=1.0, rel_tol=0.01, unit="-",
        source="Yau, Wang & Corten, J. Appl. Mech. 47 (1980) 335"))
    return checks


CASE = Case(name="mechanics_path_independence", title="G-theta path independence and "
            "compliance cross-check", run=run, slow=False, figures=[])
