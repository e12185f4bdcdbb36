"""The constriction arc of one contact spot (Fleig & Maier; Holm/Roess): with a capacitance
on the non-contacting interface the current crosses the whole interface at high frequency
(R_full) and funnels into the spot at low frequency (R_spot), so the FE spectrum has an arc
of resistance R_spot − R_full of its own, between the ceramic arcs and the alloy."""

from nakmodel.validation_framework import Case, Check

B, H, A_SPOT = 1e-3, 3e-3, 0.2e-3


def run(outdir):
    import dolfinx_solver  # noqa: F401

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.analysis import spot_resistance_series
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.impedance import impedance, linearise
    from nakmodel.impedance.model import build_problem
    from nakmodel.impedance.modes import modes_of
    from nakmodel.parameters import load_parameters

    # charge transfer, CE and alloy made negligible: the interface arc is constriction only
    p = load_parameters().replace({"interface.exchange_current_density": 1e6,
                                   "counter_electrode.exchange_current_density": 1e6,
                                   "alloy.interdiffusivity_factor": 100.0})
    h = 2e-5
    cm = Cell(geometry="axisymmetric", pellet_radius=B, pellet_thickness=H,
              alloy_thickness=1e-4, contact=ContactSpots(radius=A_SPOT), mesh_size=h,
              edge_mesh_size=h / 10, bulk_mesh_size=2e-4).build_mesh()
    pb = build_problem(cm, p)
    lin = linearise(pb)
    modes = modes_of(lin)
    sigma = pb.nasicon.conductivity_at(pb.temperature)
    arc = float(sum(R for tau, R, region in modes if region == "constriction"))
    tau_c = [tau for tau, R, region in modes if region == "constriction" and R > 0.01 * arc]
    r_spot = spot_resistance_series(A_SPOT, B, H, sigma)
    r_full = H / (sigma * np.pi * B**2)
    f = np.logspace(-1, 10, 45)
    spec = impedance(pb, p, frequencies=f)
    # the arcs faster than the constriction (grain boundaries, bulk): uniform current, R_full
    fast = float(sum(R for tau, R, region in modes if region in ("ceramic", "grain boundary")))
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    spec.plot_nyquist(ax, label="FE, one spot a/b = 0.2, H/b = 3")
    ax.axvline(r_spot, color="k", ls="--", lw=1, label="R_spot (Holm/Roess series)")
    ax.axvline(r_full, color="k", ls=":", lw=1, label="R_full")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(fontsize="small")
    fig.savefig(outdir / "impedance_constriction_arc.png", dpi=120)
    plt.close(fig)
    return [
        Check("constriction arc resistance (modes labelled constriction)", arc,
              reference=r_spot - r_full, rel_tol=0.03, unit="Ω",
              source="R_spot − R_full, spot_resistance_series (Holm 1967, Roess factor; "
              "nakmodel.analysis) [I]; Fleig & Maier, SSI 86-88 (1996) 1351"),
        Check("R_spot/R_full", (arc + r_full) / r_full, reference=r_spot / r_full,
              rel_tol=0.03, unit="-", source="Holm/Roess (1.9432 for a/b = 0.2, H/b = 3)"),
        Check("ceramic + grain-boundary arcs (above the constriction arc) = R_full", fast,
              reference=r_full, rel_tol=0.01, unit="Ω", source="uniform current, "
              "L/(σ π b²) [I]"),
        Check.within("constriction arc below the grain-boundary arc: min τ_c / τ_gb", min(tau_c)
              / max(tau for tau, R, region in modes if region == "grain boundary"),
              10.0, float("inf"), unit="-", source="separate arcs"),
    ]


CASE = Case(name="impedance_constriction_arc",
            title="Constriction arc of one contact spot (Fleig–Maier, Holm/Roess)",
            run=run, slow=False, figures=["impedance_constriction_arc.png"])
