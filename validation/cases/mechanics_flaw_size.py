"""Critical plating overpotential and current vs surface-flaw depth (study + handbook check).

Centred flaw in the default pellet (parameters.cell), depths 1-50 um, K_IC
1.0-1.6 MPa m^0.5 (NZSP range, Nonemacher et al., Ceram. Int. 45 (2019)
21308).  A rigid solid deposit in the flaw (pressure = the bound F|eta|/Omega): eta_c =
p_c Omega / F; i_c = eta_c / R_ct with
R_ct = RT/((alpha_a + alpha_c) F i0) (an estimate, documented in
nakmodel.mechanics.critical_load.interface_resistance).  Checks: FE K_I per unit
pressure against the handbook edge crack (a << pellet), the Porz-type
scaling eta_c ~ a^-1/2, and that a liquid flaw and a creeping solid Na deposit (power-law
extrusion, nakmodel.mechanics.creep_extrusion) stay below K_IC at eta_c.
"""


from nakmodel.validation_framework import Case, Check

DEPTHS = (1e-6, 2e-6, 5e-6, 10e-6, 20e-6, 50e-6)
KICS = (1.0e6, 1.25e6, 1.6e6)
SOURCE = "Tada, Paris & Irwin (2000), p. 8.2; Porz et al., Adv. Energy Mater. 7 (2017) 1701003"


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import nakmodel.mechanics as mech
    from nakmodel.parameters import load_parameters

    params = load_parameters()
    table = mech.flaw_size_sweep(DEPTHS, KICS, params)
    table.to_csv(outdir / "mechanics_flaw_size.csv")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for kic in KICS:
        sel = table["fracture_toughness"] == kic
        a = table["depth"][sel] * 1e6
        axes[0].loglog(a, table["critical_overpotential"][sel] * 1e3, "o-",
                       label=f"FE, K_IC = {kic / 1e6:.2f} MPa m^0.5")
        axes[0].loglog(a, table["critical_overpotential_handbook"][sel] * 1e3, "k:", lw=1)
        axes[1].loglog(a, table["critical_current_density"][sel] / 10, "o-")
    axes[0].set_xlabel("flaw depth [um]")
    axes[0].set_ylabel("critical plating overpotential [mV]")
    axes[0].legend(fontsize=7)
    axes[1].set_xlabel("flaw depth [um]")
    axes[1].set_ylabel("critical current density [mA/cm^2]")
    axes[1].set_title("eta = i R_ct estimate", fontsize=9)
    fig.tight_layout()
    fig.savefig(outdir / "mechanics_flaw_size.png", dpi=120)
    plt.close(fig)
    checks = []
    first = table["fracture_toughness"] == KICS[0]
    ratio = table["K_I_per_pressure"][first] / table["K_I_per_pressure_handbook"][first]
    for a, r in zip(table["depth"][first], ratio, strict=True):
        checks.append(Check(f"K_I FE / handbook, a = {a * 1e6:g} um", r, reference=1.0,
                            rel_tol=0.02, unit="-", source=SOURCE))
    eta = table["critical_overpotential"][first]
    slope = np.polyfit(np.log(table["depth"][first]), np.log(eta), 1)[0]
    checks.append(Check("slope d ln(eta_c) / d ln(a)", slope, reference=-0.5, abs_tol=0.03,
                        unit="-", source="LEFM: p_c ~ K_IC / sqrt(a)"))
    ten = (table["depth"] == 10e-6) & (table["fracture_toughness"] == 1.25e6)
    checks.append(Check.within("eta_c at a = 10 um, K_IC = 1.25 MPa m^0.5",
                               float(table["critical_overpotential"][ten][0]) * 1e3,
                               low=40.0, high=60.0, unit="mV",
                               source="p_c = K_IC/(1.12 sqrt(pi a)) ~ 200 MPa, 41 MPa per 10 mV"))
    # a liquid flaw at the same overpotential is far from cracking
    cell = mech.FlawGeometry(params.cell.pellet_radius, params.cell.pellet_thickness, 10e-6,
                             1e-6)
    eta_c = float(table["critical_overpotential"][ten][0])
    liquid = mech.stress_intensity(cell, params, state=mech.FlawState(
        -eta_c, liquid_fraction=1.0, plating_current_density=100.0))
    rigid = mech.FlawLoadingModel.from_parameters(params, solid_sodium=None)
    solid = mech.stress_intensity(cell, params, state=mech.FlawState(
        -eta_c, liquid_fraction=0.0, plating_current_density=100.0), loading=rigid)
    creeping = mech.stress_intensity(cell, params, state=mech.FlawState(
        -eta_c, liquid_fraction=0.0, plating_current_density=100.0))
    etas = np.linspace(0.0, 1.5 * eta_c, 16)
    states = [mech.FlawState(-e, 0.0, 100.0) for e in etas]
    history = mech.k_ratio_history(cell, params, states, etas * 1e3,
                                   x_label="plating overpotential [mV]", loading=rigid)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    mech.plot_principal_stress(axes[0], solid)
    mech.plot_k_ratio(axes[1], history, label="rigid solid in a 10 um flaw")
    fig.tight_layout()
    fig.savefig(outdir / "mechanics_flaw_stress.png", dpi=120)
    plt.close(fig)
    checks.append(Check("K_I/K_IC of a rigid solid-filled flaw at eta_c", solid.k_ratio,
                        reference=1.0, rel_tol=1e-6, unit="-", source="definition of eta_c"))
    checks.append(Check("onset overpotential from the K_I/K_IC history", history.first_onset(),
                        reference=etas[np.argmax(etas >= eta_c * (1 - 1e-9))] * 1e3,
                        rel_tol=1e-9, unit="mV", source="first sample with K_I >= K_IC"))
    checks.append(Check.within("K_I/K_IC of a liquid-filled flaw at eta_c (i = 10 mA/cm^2)",
                               liquid.k_ratio, low=0.0, high=0.05, unit="-",
                               source="liquid flows out: Poiseuille (no capillary load: "
                               "continuous with the electrode)"))
    checks.append(Check.within("K_I/K_IC of creeping solid Na at eta_c (i = 10 mA/cm^2, "
                               "10 x 1 um slit)", creeping.k_ratio, low=0.0, high=0.5,
                               unit="-", source="power-law extrusion, n = 5 (Wang et al., "
                               "Materialia 12 (2020) 100792)"))
    return checks


CASE = Case(name="mechanics_flaw_size", title="Critical plating overpotential and current vs "
            "flaw depth", run=run, slow=False,
            figures=["mechanics_flaw_size.png", "mechanics_flaw_stress.png"])
