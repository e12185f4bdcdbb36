"""Penny-shaped crack in 3D (quarter model, P2 tetrahedra, CG + GAMG): K_I convergence.

Crack radius a in a block 8a x 8a x 8a (quarter model with symmetry planes
x = 0, y = 0, z = 0), pressure p on the crack; the G-theta field is radial
along the circular front and G is the front average.  Front element size
a/10, a/20, a/40.  Reference: K_I = 2 p sqrt(a/pi) (Sneddon 1946; Tada,
Paris & Irwin (2000), p. 24.2).
"""

import math

from nakmodel.validation_framework import Case, Check

A, P = 10e-6, 100e6
FRONT = (1 / 10, 1 / 20, 1 / 40)
SOURCE = "Sneddon, Proc. R. Soc. A 187 (1946) 229; Tada, Paris & Irwin (2000), p. 24.2"


def _k(front):
    import dolfinx_solver  # noqa: F401

    from nakmodel.mechanics.crack_mesh import penny_crack_mesh_3d
    from nakmodel.mechanics.domain_integral import energy_release_rate
    from nakmodel.mechanics.elasticity import Pressure, Support, solve_elasticity
    from nakmodel.mechanics.material import CeramicMaterial

    mat = CeramicMaterial(80e9, 0.26, 1.25e6)
    cm = penny_crack_mesh_3d(8 * A, 8 * A, A, front_size=A * front, far_size=2.5 * A,
                             growth=0.35)
    sol = solve_elasticity(cm.mesh, cm.facet_tags, mat, kinematics="3d",
                           supports=[Support(2, 2), Support(5, 0), Support(7, 1)],
                           pressures=[Pressure(1, P)])
    G = energy_release_rate(sol, cm)
    return math.sqrt(mat.plane_strain_modulus * G), sol.info


def run(outdir):
    reference = 2 * P * math.sqrt(A / math.pi)
    results = [_k(f) for f in FRONT]
    errors = [abs(k / reference - 1) for k, _ in results]
    checks = [Check(f"K_I/(2 p sqrt(a/pi)), front h = a/{1 / f:g} ({info['dofs']} dofs, "
                    f"{info['ksp_iterations']} CG-GAMG its)", k / reference, reference=1.0,
                    rel_tol=0.02, unit="-", source=SOURCE)
              for f, (k, info) in zip(FRONT, results, strict=True)]
    checks.append(Check.within("error reduction front a/10 -> a/40", errors[0] / errors[-1],
                               low=3.0, high=1e6, unit="-", source="mesh convergence"))
    return checks


CASE = Case(name="mechanics_penny_crack_3d", title="Penny crack in 3D with GAMG: K_I "
            "convergence", run=run, slow=False, figures=[])
