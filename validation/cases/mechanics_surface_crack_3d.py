"""Semicircular surface crack (3D, quarter model) vs the Newman-Raju equations.

Surface crack of depth a = half-length c (a/c = 1) at the free surface of a
block 8a x 8a (quarter model: symmetry planes x = 0 and y = 0) and 8a
deep, uniform pressure p on the crack faces (equivalent to remote tension
p).  FE: P2 tetrahedra, CG + GAMG, front-averaged G-theta, K_eq = sqrt(E'
<G>).  Reference: Newman & Raju, Eng. Fract. Mech. 15 (1981) 185 (tension):
K(phi) = p sqrt(pi a / Q) [M1 + M2 (a/t)^2 + M3 (a/t)^4] g(phi) f_phi f_w,
averaged as sqrt(<K^2>) over the front (uniform in phi for a circle), and
the local K(phi) from G-theta integrals localised by a hat function of the
front angle; the equations are accurate to about 5 %.
"""

import math

from nakmodel.validation_framework import Case, Check

A, P = 10e-6, 100e6
FRONT = (1 / 20, 1 / 40)
ANGLES = (0.0, 15.0, 30.0, 45.0, 60.0, 75.0, 90.0)
SOURCE = "Newman & Raju, Eng. Fract. Mech. 15 (1981) 185 (+-5 %)"


def newman_raju(phi, a_over_t, c_over_b):
    """K(phi) / (p sqrt(pi a)) of a semicircular (a/c = 1) surface crack, Newman & Raju."""
    from nakmodel.mechanics.flaw_model import newman_raju_semicircular

    return newman_raju_semicircular(a_over_t, c_over_b, phi)


def newman_raju_rms(a_over_t, c_over_b):
    """sqrt(<K^2>) / (p sqrt(pi a)) over the front of a semicircular (a/c = 1) surface crack."""
    from nakmodel.mechanics.flaw_model import newman_raju_semicircular

    return newman_raju_semicircular(a_over_t, c_over_b)


def _k(front):
    import dolfinx_solver  # noqa: F401

    from nakmodel.mechanics.crack_mesh import surface_crack_mesh_3d
    from nakmodel.mechanics.domain_integral import (
        default_rings,
        energy_release_rate,
        local_energy_release_rate,
    )
    from nakmodel.mechanics.elasticity import Pressure, Support, solve_elasticity
    from nakmodel.mechanics.material import CeramicMaterial

    mat = CeramicMaterial(80e9, 0.26, 1.25e6)
    cm = surface_crack_mesh_3d(8 * A, 8 * A, A, front_size=A * front, far_size=2.5 * A,
                               growth=0.35)
    sol = solve_elasticity(cm.mesh, cm.facet_tags, mat, kinematics="3d",
                           supports=[Support(2, 1), Support(5, 0), Support(7, 2)],
                           pressures=[Pressure(1, P)])
    G = [energy_release_rate(sol, cm, r) for r in default_rings(cm, 3)]
    k0 = P * math.sqrt(math.pi * A)
    profile = [math.sqrt(mat.plane_strain_modulus * local_energy_release_rate(
        sol, cm, math.radians(deg), math.radians(10.0))) / k0 for deg in ANGLES]
    return [math.sqrt(mat.plane_strain_modulus * g) / k0 for g in G], profile


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    reference = newman_raju_rms(1 / 8, 1 / 8)
    checks = []
    for front in FRONT:
        K, profile = _k(front)
        checks.append(Check(f"K_eq/(p sqrt(pi a)), front h = a/{1 / front:g}", K[0],
                            reference=reference, rel_tol=0.05, unit="-", source=SOURCE))
        checks.append(Check.within(f"spread over 3 domains, front h = a/{1 / front:g}",
                                   (max(K) - min(K)) / min(K), low=0.0, high=0.01, unit="-",
                                   source="path independence"))
    for deg, k in zip(ANGLES, profile, strict=True):
        if deg in (0.0, 45.0, 90.0):
            checks.append(Check(f"K(phi = {deg:g} deg)/(p sqrt(pi a)), front h = a/40", k,
                                reference=newman_raju(math.radians(deg), 1 / 8, 1 / 8),
                                rel_tol=0.05, unit="-", source=SOURCE))
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    grid = np.linspace(0, 90, 91)
    ax.plot(grid, [newman_raju(math.radians(d), 1 / 8, 1 / 8) for d in grid],
            label="Newman-Raju")
    ax.plot(ANGLES, profile, "o", label="FE, localised G-theta")
    ax.set_xlabel("front angle phi [deg] (0 = surface, 90 = deepest)")
    ax.set_ylabel("K_I / (p sqrt(pi a))")
    ax.legend()
    fig.tight_layout()
    fig.savefig(outdir / "mechanics_surface_crack_3d.png", dpi=120)
    plt.close(fig)
    checks.append(Check.within("K_eq semicircular / K tunnel (1.1215)", K[0] / 1.1215,
                               low=0.55, high=0.70, unit="-",
                               source="Newman & Raju (1981) vs Tada et al. (2000) p. 8.2"))
    return checks


CASE = Case(name="mechanics_surface_crack_3d", title="Semicircular surface crack in 3D vs "
            "Newman-Raju", run=run, slow=True, figures=["mechanics_surface_crack_3d.png"])
