"""Planar (per unit depth) constriction of a strip contact vs the exact conformal-map result."""

from nakmodel.validation_framework import Case, Check

SIGMA = 0.5  # S/m
B, L = 1e-3, 2e-3  # m
EPSILONS = (0.1, 0.25, 0.5)
H = 2e-5


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.analysis import electrolyte_resistance, strip_resistance_exact
    from nakmodel.geometry import Cell, ContactSpots

    checks, fe, exact = [], [], []
    for eps in EPSILONS:
        cell = Cell(geometry="planar", pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
                    contact=ContactSpots(radius=eps * B), mesh_size=H, edge_mesh_size=H / 10,
                    bulk_mesh_size=2e-4)
        fe.append(electrolyte_resistance(cell, SIGMA))
        exact.append(strip_resistance_exact(eps * B, B, L, SIGMA))
        checks.append(Check(f"R' planar strip a/b = {eps}", fe[-1], reference=exact[-1],
                            rel_tol=0.002, unit="ohm m",
                            source="conformal map, ln(1/sin(pi a/2b)) (Smythe 1950) [M]"))
    eps_fine = np.linspace(0.03, 0.95, 80)
    fig, ax = plt.subplots(figsize=(4.5, 3.6), layout="constrained")
    ax.plot(eps_fine, [strip_resistance_exact(e * B, B, L, SIGMA) for e in eps_fine], "k-",
            label="exact")
    ax.plot(EPSILONS, fe, "o", label="FE (P2)")
    ax.set_xlabel("a / b")
    ax.set_ylabel("R' [ohm m] (per metre of depth)")
    ax.legend(fontsize=8)
    fig.savefig(outdir / "constriction_strip.png", dpi=130)
    plt.close(fig)
    return checks


CASE = Case(name="model_constriction_strip", title="Planar strip constriction (exact)",
            run=run, slow=False, figures=["constriction_strip.png"],
            description="Planar geometry per metre of depth: strip contact on a channel vs "
                        "the conformal-mapping closed form.")
