"""Ideal-solution and dilute limits of the liquid model (analytic references)."""

import dataclasses
import math

import numpy as np

from nakmodel.validation_framework import Case, Check


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel import thermo
    from nakmodel.parameters import load_parameters

    params = load_parameters()
    a = params.alloy
    R, T = thermo.GAS_CONSTANT, 298.15
    kw = {"redlich_kister_L0": 0.0, "redlich_kister_L1": 0.0}
    for optional in ("redlich_kister_L2", "k_solidus_limiting_slope", "na_solidus_limiting_slope"):
        if hasattr(a, optional):  # ideal liquid, insoluble solids
            kw[optional] = 0.0
    ideal = dataclasses.replace(a, **kw)
    # ideal Schröder–van Laar: x_K = exp(-ΔG_fus,K/RT), x_Na = exp(-ΔG_fus,Na/RT)
    xk_ideal = 1 - math.exp(-thermo.fusion_gibbs_energy_k(T, a) / (R * T))
    xna_ideal = math.exp(-thermo.fusion_gibbs_energy_na(T, a) / (R * T))
    L0, L1, L2 = thermo.redlich_kister_coefficients(a)
    x = np.linspace(1e-4, 1 - 1e-4, 300)
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    ax.plot(x, thermo.activity_na(x, T, a), "C0", label="a_Na (model)")
    ax.plot(x, thermo.activity_k(x, T, a), "C3", label="a_K (model)")
    ax.plot(x, x, "k:", label="Raoult")
    ax.plot(x, x * math.exp((L0 - L1 + L2) / (R * T)), "C0--", lw=0.8, label="Henry (Na)")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("x_Na")
    ax.set_ylabel("activity (pure-liquid reference)")
    ax.set_title("Activities at 25 °C")
    ax.legend(fontsize=8)
    fig.savefig(outdir / "ideal_limits.png", dpi=130)
    plt.close(fig)
    src = "analytic: ideal Schröder–van Laar / Raoult / Henry"
    return [
        Check("ideal K liquidus x_Na at 25 degC", thermo.liquidus(T, ideal, phase="K"),
              reference=xk_ideal, abs_tol=1e-12, unit="-", source=src),
        Check("ideal Na liquidus x_Na at 25 degC", thermo.liquidus(T, ideal, phase="Na"),
              reference=xna_ideal, abs_tol=1e-12, unit="-", source=src),
        Check("gamma_Na at x_Na = 1 (Raoult)", thermo.activity_coefficient_na(1.0, T, a),
              reference=1.0, abs_tol=1e-12, unit="-", source=src),
        Check("RT ln gamma_Na at x_Na = 1e-7 (Henry: L0 - L1 + L2)",
              R * T * math.log(thermo.activity_coefficient_na(1e-7, T, a)),
              reference=L0 - L1 + L2, abs_tol=0.01, unit="J/mol", source=src),
        Check("thermodynamic factor of the ideal liquid",
              thermo.thermodynamic_factor(0.4, T, ideal),
              reference=1.0, abs_tol=1e-14, unit="-", source="Darken: Φ = 1 when ideal"),
    ]


CASE = Case(name="thermo_ideal_limits", title="Ideal and dilute limits of the liquid", run=run,
            slow=False, figures=["ideal_limits.png"])
