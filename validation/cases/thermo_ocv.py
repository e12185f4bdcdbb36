"""Equilibrium potential of NaK vs Na(s): sign and size across the liquid window."""

import numpy as np

from nakmodel.validation_framework import Case, Check


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel import thermo
    from nakmodel.composition import x_na_from_wt_pct_k
    from nakmodel.parameters import load_parameters

    params = load_parameters()
    T = 298.15
    low, high = thermo.liquid_window(T, params)
    x = np.linspace(0.0, 1.0, 401)
    e = 1e3 * np.asarray(thermo.ocv_vs_na(x, T, params))
    inside = (x > low) & (x < high)
    x_s = thermo.solidus(T, params, phase="Na")
    e_na_ss = -1e3 * thermo.GAS_CONSTANT * T * np.log(x_s) / thermo.FARADAY
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(x, e, "C0")
    ax.axvspan(low, high, color="C1", alpha=0.1, label="liquid window (model)")
    for w in (50, 65, 80):
        xi = float(x_na_from_wt_pct_k(w))
        ax.plot(xi, 1e3 * thermo.ocv_vs_na(xi, T, params), "o", label=f"NaK{w}")
    ax.set_xlabel("x_Na (overall)")
    ax.set_ylabel("E vs Na(s) [mV]")
    ax.set_title("Equilibrium potential at 25 °C")
    ax.legend(fontsize=8)
    fig.savefig(outdir / "ocv.png", dpi=130)
    plt.close(fig)
    src = ("docs/theory/thermodynamics.md (equilibrium potential): "
           "E = -[RT ln a_Na + ΔG_fus,Na]/F, a few mV [I]")
    return [
        Check("E at the Na-rich liquidus (coexists with Na(ss))",
              1e3 * thermo.ocv_vs_na(high, T, params), reference=e_na_ss, abs_tol=1e-9,
              unit="mV", source="equilibrium with Na(ss) of x_Na = x_s: E = -RT ln(x_s)/F "
              "(0 for pure Na)"),
        Check.within("E at the K-rich liquidus", 1e3 * thermo.ocv_vs_na(low, T, params),
                     low=1.0, high=50.0, unit="mV", source=src),
        Check.within("min E inside the window (sign)", float(e[inside].min()), low=0.0,
                     high=50.0, unit="mV", source="NaK is Na-poorer than Na(s): E > 0"),
        Check.within("max dE/dx inside the window (E falls as Na is added)",
                     float(np.max(np.diff(e[inside]))), low=-1e9, high=0.0, unit="mV/step",
                     source="stability of the liquid"),
        Check.within("E of NaK50 at 25 degC", 1e3 * thermo.ocv_vs_na(
            float(x_na_from_wt_pct_k(50)), T, params), low=0.1, high=10.0, unit="mV", source=src),
    ]


CASE = Case(name="thermo_ocv", title="OCV of NaK vs Na across the liquid window", run=run,
            slow=False, figures=["ocv.png"])
