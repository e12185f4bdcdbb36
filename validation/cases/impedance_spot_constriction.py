"""Low-frequency limit of the FE impedance of a cell with one centred contact spot
(axisymmetric) vs the ceramic's DC constriction resistance (nakmodel.analysis)."""

from nakmodel.validation_framework import Case, Check

B, L, A_SPOT = 1e-3, 1e-3, 0.25e-3


def run(outdir):
    import dolfinx_solver  # noqa: F401

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.analysis import electrolyte_resistance, holm_cylinder_resistance
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.impedance import impedance, linearise
    from nakmodel.impedance.model import build_problem
    from nakmodel.parameters import load_parameters

    p = load_parameters().replace({"interface.exchange_current_density": 1e6,
                                   "counter_electrode.exchange_current_density": 1e6,
                                   "alloy.interdiffusivity_factor": 100.0})
    h = 2e-5
    cm = Cell(geometry="axisymmetric", pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
              contact=ContactSpots(radius=A_SPOT), mesh_size=h, edge_mesh_size=h / 10,
              bulk_mesh_size=2e-4).build_mesh()
    pb = build_problem(cm, p)
    lin = linearise(pb, relative_permittivity=100.0)
    rt_f = 8.314462618 * p.temperature / 96485.33212
    r_ct = rt_f / (1e6 * pb.area_contact) + rt_f / (1e6 * np.pi * B**2)
    r_fe = lin.dc_resistance() - r_ct
    r_ref = electrolyte_resistance(cm, p)
    r_holm = holm_cylinder_resistance(A_SPOT, B, L, p.nasicon.conductivity)
    f = np.logspace(-3, 10, 105)  # the ceramic arc: ε0 εr/σ ≈ 1.8 ns
    spec = impedance(pb, p, frequencies=f, relative_permittivity=100.0)
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    spec.plot_nyquist(ax, label="FE, one spot a/b = 0.25")
    ax.set_aspect("equal", adjustable="datalim")
    ax.axvline(r_ref, color="k", ls="--", lw=1, label="electrolyte_resistance")
    ax.legend()
    fig.savefig(outdir / "impedance_spot_constriction.png", dpi=120)
    plt.close(fig)
    return [
        Check("ceramic part of Z_R(0) (spot, a/b = 0.25)", r_fe, reference=r_ref, rel_tol=5e-3,
              unit="Ω", source="nakmodel.analysis.electrolyte_resistance (P2 FE) [I]"),
        Check("same vs Holm–Roess formula", r_fe, reference=r_holm, rel_tol=1e-2, unit="Ω",
              source="Holm (1967); Roess (1950) via Yovanovich & Marotta (2003) [M]"),
    ]


CASE = Case(name="impedance_spot_constriction", title="Impedance DC limit with one contact spot",
            run=run, slow=False, figures=["impedance_spot_constriction.png"])
