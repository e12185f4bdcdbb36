"""Terminal solid solutions: limiting solidus slopes vs Bale (1982) / Ott et al. (1969)."""

import numpy as np

from nakmodel.validation_framework import Case, Check

SOURCE = "Bale, Bull. Alloy Phase Diagr. 3 (1982), from Ott et al. 1969 (limiting slopes)"


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel import thermo
    from nakmodel.parameters import load_parameters

    a = load_parameters().alloy
    tk, tna = a.k_melting_point, a.na_melting_point
    dt = 0.01
    slope_k = thermo.solidus(tk - dt, a, phase="K") / dt  # x_Na in K(ss) per K
    slope_na = (1 - thermo.solidus(tna - dt, a, phase="Na")) / dt  # x_K in Na(ss) per K

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
    te, _ = thermo.eutectic(a)
    t = np.linspace(te, tk - 1e-6, 80)
    ax1.plot(100 * np.asarray(thermo.liquidus(t, a, phase="K")), t - 273.15, "C0",
             label="liquidus (model)")
    ax1.plot(100 * np.asarray(thermo.solidus(t, a, phase="K")), t - 273.15, "C0--",
             label="solidus K(ss) (model)")
    ax1.plot([0, 100 * 0.10e-2 * (tk - te)], [tk - 273.15, te - 273.15], "k:",
             label=f"limiting solidus slope 0.10 at%/K: {SOURCE}")
    ax1.set_xlabel("at% Na")
    ax1.set_ylabel("T [°C]")
    ax1.set_title("K-rich side")
    ax1.legend(fontsize=6)
    t = np.linspace(a.na2k_peritectic_temperature, tna - 1e-6, 80)
    ax2.plot(100 * (1 - np.asarray(thermo.liquidus(t, a, phase="Na"))), t - 273.15, "C3",
             label="liquidus (model)")
    ax2.plot(100 * (1 - np.asarray(thermo.solidus(t, a, phase="Na"))), t - 273.15, "C3--",
             label="solidus Na(ss) (model)")
    tp = a.na2k_peritectic_temperature
    ax2.plot([0, 100 * 0.033e-2 * (tna - tp)], [tna - 273.15, tp - 273.15], "k:",
             label="limiting solidus slope 0.033 at%/K")
    ax2.set_xlabel("at% K")
    ax2.set_title("Na-rich side")
    ax2.legend(fontsize=6)
    fig.savefig(outdir / "solid_solubility.png", dpi=130)
    plt.close(fig)
    return [
        Check("limiting solidus slope at pure K (Na in K(ss))", 100 * slope_k, reference=0.10,
              rel_tol=0.05, unit="at%/K", source=SOURCE),
        Check("limiting solidus slope at pure Na (K in Na(ss))", 100 * slope_na,
              reference=0.033, rel_tol=0.05, unit="at%/K", source=SOURCE),
    ]


CASE = Case(name="thermo_solid_solubility", title="Solid solubility at the pure-metal ends",
            run=run, slow=False, figures=["solid_solubility.png"],
            description="Dilute ideal K(ss) and Na(ss) with solute energies set by the limiting "
            "solidus slopes; checks the model reproduces the assessed slopes.")
