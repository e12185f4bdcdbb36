"""Pressurised edge crack in plane strain: K_I from the G-theta integral vs the handbook.

An edge crack of depth a in a body 100 a wide and deep (a half-plane for the
crack), uniform pressure p on its faces.  Reference: K_I = 1.1215 p sqrt(pi a)
(Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook, 3rd ed. (2000),
p. 8.2).  All mesh sizes are scaled together (tip size, growth rate, far
size), P2 elements, so the observed convergence of K towards the handbook
value is measured at fixed grading.
"""

import math

from nakmodel.validation_framework import Case, Check

A, P = 10e-6, 100e6
SCALES = (1.0, 0.5, 0.25, 0.125)
SOURCE = "Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook (2000), p. 8.2"


def _k(scale):
    import dolfinx_solver  # noqa: F401

    from nakmodel.mechanics.crack_mesh import half_crack_mesh
    from nakmodel.mechanics.domain_integral import energy_release_rate
    from nakmodel.mechanics.elasticity import Pressure, Support, solve_elasticity
    from nakmodel.mechanics.material import CeramicMaterial

    mat = CeramicMaterial(80e9, 0.26, 1.25e6)
    size = 100 * A
    cm = half_crack_mesh(size, size, A, tip_size=0.25 * A * scale, far_size=size / 5 * scale,
                         growth=0.5 * scale)
    sol = solve_elasticity(cm.mesh, cm.facet_tags, mat, supports=[Support(2, 1), Support(3, 0)],
                           pressures=[Pressure(1, P)])
    G = energy_release_rate(sol, cm)
    return math.sqrt(mat.plane_strain_modulus * G), cm.mesh.topology.index_map(2).size_local


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    reference = 1.1215 * P * math.sqrt(math.pi * A)
    results = [_k(s) for s in SCALES]
    errors = [abs(k / reference - 1) for k, _ in results]
    orders = [math.log2(errors[i] / errors[i + 1]) for i in range(len(errors) - 1)]
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    ax.loglog([0.25 * s for s in SCALES], errors, "o-", label="|K_FE / K_handbook - 1|")
    ax.set_xlabel("tip element size / a")
    ax.set_ylabel("relative error of K_I")
    ax.legend()
    fig.tight_layout()
    fig.savefig(outdir / "mechanics_edge_crack_convergence.png", dpi=120)
    plt.close(fig)
    checks = [Check(f"K_I/(p sqrt(pi a)), tip h = a/{4 / s:g} ({n} cells)",
                    k / (P * math.sqrt(math.pi * A)), reference=1.1215, rel_tol=0.02, unit="-",
                    source=SOURCE) for s, (k, n) in zip(SCALES, results, strict=True)]
    checks.append(Check.within("smallest observed convergence order of K (fixed grading)",
                               min(orders), low=0.8, high=3.0, unit="-",
                               source="r^-1/2 singularity: K error ~ h (Strang & Fix 1973)"))
    checks.append(Check.within("error reduction finest vs coarsest", errors[0] / errors[-1],
                               low=5.0, high=1e6, unit="-", source="mesh convergence"))
    return checks


CASE = Case(name="mechanics_edge_crack", title="Edge crack under crack-face pressure: K_I and "
            "mesh convergence", run=run, slow=False,
            figures=["mechanics_edge_crack_convergence.png"])
