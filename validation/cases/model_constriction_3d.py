"""3D constriction resistance of one centred spot (true disc) vs the semi-analytic reference."""

from nakmodel.validation_framework import Case, Check

SIGMA = 0.5  # S/m
B, L, A = 1e-3, 2e-3, 0.3e-3  # m
EDGES = (4e-5, 2e-5, 1e-5)  # element size at the spot edge


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.analysis import (
        electrolyte_resistance,
        holm_cylinder_resistance,
        spot_resistance_series,
    )
    from nakmodel.geometry import Cell, ContactSpots

    ref = spot_resistance_series(A, B, L, SIGMA)
    values = []
    for edge in EDGES:
        cell = Cell(geometry="3d", pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
                    contact=ContactSpots(radius=A), mesh_size=1e-4, edge_mesh_size=edge,
                    bulk_mesh_size=2.5e-4)
        values.append(electrolyte_resistance(cell, SIGMA))
    errors = np.abs(np.array(values) / ref - 1)
    orders = np.log(errors[:-1] / errors[1:]) / np.log(np.array(EDGES[:-1]) / np.array(EDGES[1:]))
    fig, ax = plt.subplots(figsize=(4.5, 3.6), layout="constrained")
    ax.loglog(EDGES, errors, "o-", label="FE (P2, tetrahedra)")
    ax.loglog(EDGES, errors[-1] * np.array(EDGES) / EDGES[-1], "k--", lw=0.8, label="O(h)")
    ax.set_xlabel("element size at the spot edge [m]")
    ax.set_ylabel("|R_FE / R_ref - 1|")
    ax.set_title(f"3D spot a/b = {A / B:g}", fontsize=9)
    ax.legend(fontsize=8)
    fig.savefig(outdir / "constriction_3d.png", dpi=130)
    plt.close(fig)
    return [
        Check("R 3D FE vs variational series (finest mesh)", values[-1], reference=ref,
              rel_tol=0.01, unit="ohm",
              source="nakmodel.analysis.spot_resistance_series [I]"),
        Check("R 3D FE vs Holm-Roess (finest mesh)", values[-1],
              reference=holm_cylinder_resistance(A, B, L, SIGMA), rel_tol=0.01, unit="ohm",
              source="Holm (1967); Roess (1950) via Yovanovich & Marotta (2003) [M]"),
        Check.within("observed order of the 3D error (finest pair)", float(orders[-1]),
                     low=0.6, high=3.0, unit="-",
                     source="edge singularity, graded mesh: expected about 1"),
    ]


CASE = Case(name="model_constriction_3d", title="3D constriction resistance of one spot",
            run=run, slow=True, figures=["constriction_3d.png"],
            description="Full 3D cylinder with a true disc contact: FE electrolyte resistance "
                        "converges to the semi-analytic and Holm-Roess values.")
