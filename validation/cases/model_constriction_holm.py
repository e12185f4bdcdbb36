"""Constriction resistance of one centred contact spot on a NASICON cylinder (FE vs Holm).

An equipotential disc of radius a on the end of a cylinder (radius b, length L,
insulated mantle, grounded far end).  References: Holm's half-space value
1/(4 sigma a) times the Roess finite-cylinder factor psi(a/b), plus the bulk
L/(sigma pi b^2); and our semi-analytic variational Bessel-series solution
(an upper bound; the FE energy value is a lower bound).
"""

from nakmodel.validation_framework import Case, Check

SIGMA = 0.5  # S/m (5e-3 S/cm, NZSP total conductivity at 25 degC)
B = 1e-3  # m
L = 2e-3  # m  (L = 2b: the spot field has decayed at the counter electrode)
EPSILONS = (0.1, 0.25, 0.5)
LEVELS = (8e-5, 4e-5, 2e-5, 1e-5)  # interface element size; edge size = h/10
HOLM_SOURCE = ("Holm, Electric Contacts (1967); psi: Roess (1950) via Yovanovich & Marotta, "
               "Heat Transfer Handbook (2003) [M]")
SERIES_SOURCE = "nakmodel.analysis.spot_resistance_series (variational Bessel series) [I]"


def _fe(a, h):
    from nakmodel.analysis import electrolyte_resistance
    from nakmodel.geometry import Cell, ContactSpots

    cell = Cell(geometry="axisymmetric", pellet_radius=B, pellet_thickness=L,
                alloy_thickness=1e-4, contact=ContactSpots(radius=a), mesh_size=h,
                edge_mesh_size=h / 10, bulk_mesh_size=2e-4)
    cellmesh = cell.build_mesh()
    n_cells = cellmesh.mesh.topology.index_map(2).size_local
    return electrolyte_resistance(cellmesh, SIGMA), n_cells


def run(outdir):
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.analysis import (
        electrolyte_resistance,
        holm_cylinder_resistance,
        spot_resistance_series,
    )
    from nakmodel.geometry import Cell

    checks = []
    bulk = L / (SIGMA * math.pi * B * B)
    # mesh convergence at a/b = 0.25
    a = 0.25 * B
    ref = spot_resistance_series(a, B, L, SIGMA)
    errors = []
    for h in LEVELS:
        r_fe, _ = _fe(a, h)
        errors.append(abs(r_fe / ref - 1))
    errors = np.array(errors)
    orders = np.log(errors[:-1] / errors[1:]) / np.log(2)
    checks.append(Check.within("observed convergence order of R (a/b = 0.25, last 3 meshes)",
                               float(np.mean(orders[-2:])), low=0.8, high=3.0, unit="-",
                               source="energy error of an r^(1/2) edge singularity, graded mesh"))
    checks.append(Check.within("FE error decreases monotonically under refinement",
                               float(np.all(np.diff(errors) < 0)), low=1, high=1, unit="bool"))
    # each spot size on the finest mesh
    rows = []
    for eps in EPSILONS:
        a = eps * B
        r_fe, _ = _fe(a, LEVELS[-1])
        r_series = spot_resistance_series(a, B, L, SIGMA)
        r_holm = holm_cylinder_resistance(a, B, L, SIGMA)
        rows.append((eps, r_fe, r_series, r_holm))
        checks.append(Check(f"R FE vs Holm-Roess, a/b = {eps}", r_fe, reference=r_holm,
                            rel_tol=0.01, unit="ohm", source=HOLM_SOURCE))
        checks.append(Check(f"R FE vs variational series, a/b = {eps}", r_fe,
                            reference=r_series, rel_tol=0.005, unit="ohm",
                            source=SERIES_SOURCE))
    # full contact: exactly L / (sigma pi b^2)
    full = electrolyte_resistance(Cell(pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
                                       mesh_size=5e-5), SIGMA)
    checks.append(Check("R full contact", full, reference=bulk, rel_tol=1e-8, unit="ohm",
                        source="L / (sigma pi b^2)"))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
    ax1.loglog(LEVELS, errors, "o-", label="FE (P2), a/b = 0.25")
    ax1.loglog(LEVELS, errors[-1] * np.array(LEVELS) / LEVELS[-1], "k--", lw=0.8, label="O(h)")
    ax1.set_xlabel("interface element size h [m] (edge h/10)")
    ax1.set_ylabel("|R_FE / R_ref - 1|")
    ax1.legend(fontsize=8)
    eps_fine = np.linspace(0.02, 0.6, 60)
    ax2.plot(eps_fine, [(holm_cylinder_resistance(e * B, B, L, SIGMA) - bulk) * 4 * SIGMA * e * B
                        for e in eps_fine], "k-", lw=1, label="Roess psi(a/b)")
    ax2.plot(eps_fine, np.ones_like(eps_fine), "k:", lw=1, label="Holm half-space")
    ax2.plot([r[0] for r in rows], [(r[2] - bulk) * 4 * SIGMA * r[0] * B for r in rows], "s",
             mfc="none", ms=9, label="variational series")
    ax2.plot([r[0] for r in rows], [(r[1] - bulk) * 4 * SIGMA * r[0] * B for r in rows], "o",
             label="FE")
    ax2.set_xlabel("a / b")
    ax2.set_ylabel("(R - L/(sigma pi b^2)) 4 sigma a")
    ax2.legend(fontsize=8)
    fig.savefig(outdir / "constriction_holm.png", dpi=130)
    plt.close(fig)
    return checks


CASE = Case(name="model_constriction_holm", title="Constriction resistance of one contact spot",
            run=run, slow=False, figures=["constriction_holm.png"],
            description="Axisymmetric FE electrolyte resistance of a centred equipotential spot "
                        "vs Holm's 1/(4 sigma a) with the Roess finite-cylinder factor and a "
                        "variational Bessel-series solution; mesh convergence; full contact.")
