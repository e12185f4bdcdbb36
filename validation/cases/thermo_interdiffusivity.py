"""Darken interdiffusivity of liquid NaK vs a hand Darken estimate from the tracer data."""

import numpy as np

from nakmodel.validation_framework import Case, Check

SOURCE = ("hand Darken estimate 0.6-1.5e-5 cm2/s at 25 degC (±x3; docs/theory/transport.md); "
          "tracer data "
          "'Self-diffusion in liquid alkali metals' (1972)")


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel import thermo
    from nakmodel.composition import x_na_from_wt_pct_k
    from nakmodel.parameters import load_parameters

    params = load_parameters()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for T, color in ((298.15, "C0"), (333.15, "C3")):
        low, high = thermo.liquid_window(T, params)
        x = np.linspace(low, high, 200)
        ax.plot(x, 1e4 * np.asarray(thermo.interdiffusivity(x, T, params)), color,
                label=f"D̃ (model), {T - 273.15:.0f} °C")
    ax.axhspan(0.6e-5, 1.5e-5, color="0.85", label="hand Darken estimate, 25 °C")
    ax.set_xlabel("x_Na")
    ax.set_ylabel("D̃ [cm²/s]")
    ax.set_title("Chemical interdiffusivity of liquid NaK")
    ax.legend(fontsize=7)
    fig.savefig(outdir / "interdiffusivity.png", dpi=130)
    plt.close(fig)
    checks = []
    for wt in (50, 65, 80):
        x0 = float(x_na_from_wt_pct_k(wt))
        d = 1e4 * thermo.interdiffusivity(x0, 298.15, params)
        checks.append(Check.within(f"interdiffusivity of NaK{wt} at 25 degC", d,
                                   low=0.6e-5 / 3, high=1.5e-5 * 3, unit="cm2/s",
                                   source=SOURCE))
    d0 = thermo.interdiffusivity(0.0, 298.15, params)
    checks.append(Check("Darken limit x_Na -> 0: D̃ = D*_Na", d0,
                        reference=thermo.tracer_diffusivity_na(298.15, params), rel_tol=1e-12,
                        unit="m2/s", source="Darken: D̃ = Φ(x_K D*_Na + x_Na D*_K), Φ(0) = 1"))
    return checks


CASE = Case(name="thermo_interdiffusivity", title="Interdiffusivity of liquid NaK", run=run,
            slow=False, figures=["interdiffusivity.png"])
