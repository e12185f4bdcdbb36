"""Spot arrays: 3D periodic/random discs vs the flux-tube estimate and the axisymmetric rings."""

from nakmodel.validation_framework import Case, Check

SIGMA = 0.5  # S/m
B, L, A, FRACTION = 1e-3, 1e-3, 1e-4, 0.2  # m, m, m, -
TUBE_SOURCE = ("independent flux tubes: each of N spots in a cylinder of area pi b^2/N, "
               "psi(a sqrt(N)/b)/(4 sigma a N) (Holm 1967; Roess psi) [M]; interaction of "
               "neighbouring tubes neglected")


def _resistance(kind, seed, fraction=FRACTION):
    from nakmodel.analysis import electrolyte_resistance
    from nakmodel.geometry import Cell, ContactSpots

    three_d = kind == "3d"
    cell = Cell(geometry=kind, pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
                contact=ContactSpots(radius=A, fraction=fraction, seed=seed),
                mesh_size=5e-5 if three_d else 2e-5, edge_mesh_size=1.5e-5 if three_d else 2e-6,
                bulk_mesh_size=2.5e-4)
    return cell, electrolyte_resistance(cell, SIGMA)


def run(outdir):
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    from nakmodel.analysis import spot_array_resistance

    bulk = L / (SIGMA * math.pi * B * B)
    cell_p, r3_periodic = _resistance("3d", None)
    cell_r, r3_random = _resistance("3d", 2)
    # rings with the areal fraction the 3D lattice realised (whole shells of sites)
    _, r_rings = _resistance("axisymmetric", None, fraction=cell_p.layout.fraction)
    n = len(cell_p.layout.discs)
    tube = spot_array_resistance(A, n, B, L, SIGMA)

    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), layout="constrained")
    for ax, cell, title in ((axes[0], cell_p, "periodic"), (axes[1], cell_r, "random (seed 2)")):
        ax.add_patch(Circle((0, 0), B * 1e3, fill=False, color="k"))
        for x, y, r in cell.layout.discs:
            ax.add_patch(Circle((x * 1e3, y * 1e3), r * 1e3, color="tab:green"))
        ax.set_xlim(-1.05 * B * 1e3, 1.05 * B * 1e3)
        ax.set_ylim(-1.05 * B * 1e3, 1.05 * B * 1e3)
        ax.set_aspect("equal")
        ax.set_title(f"3D {title}: {len(cell.layout.discs)} spots", fontsize=9)
        ax.set_xlabel("x [mm]")
    labels = ["3D periodic", "3D random", "axisym. rings", "flux tubes"]
    values = [r3_periodic, r3_random, r_rings, tube]
    axes[2].bar(labels, values, color=["C0", "C1", "C2", "0.6"])
    axes[2].axhline(bulk, color="k", ls=":", lw=1, label="bulk L/(sigma pi b^2)")
    axes[2].set_ylabel("R [ohm]")
    axes[2].set_ylim(0.97 * bulk, 1.03 * max(values))
    axes[2].tick_params(axis="x", labelrotation=20, labelsize=8)
    axes[2].legend(fontsize=8)
    fig.savefig(outdir / "constriction_spot_arrays.png", dpi=130)
    plt.close(fig)
    return [
        Check("R 3D periodic array vs independent flux tubes", r3_periodic, reference=tube,
              rel_tol=0.02, unit="ohm", source=TUBE_SOURCE),
        Check("R axisymmetric rings vs 3D periodic array (same a, f)", r_rings,
              reference=r3_periodic, rel_tol=0.02, unit="ohm",
              source="nakmodel ring representation of a spot array (geometry/contact.py)"),
        Check.within("R random / R periodic (clustering raises the constriction)",
                     r3_random / r3_periodic, low=1.0, high=1.25, unit="-",
                     source="same a and f; random sequential addition, seed 2"),
    ]


CASE = Case(name="model_constriction_spot_arrays", title="Constriction of contact-spot arrays",
            run=run, slow=True, figures=["constriction_spot_arrays.png"],
            description="About 20 spots (a = 100 um, f = 0.2) on a 1 mm pellet: 3D periodic vs "
                        "independent flux tubes, the axisymmetric ring representation vs 3D, "
                        "and random vs periodic placement.")
