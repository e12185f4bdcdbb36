"""Na inventory of a thin uniform liquid layer vs an independent hand estimate (Xue et al.
2018 liquid window, ideal molar volumes)."""

import numpy as np

from nakmodel.validation_framework import Case, Check

MAH_CM2 = 36000.0  # C/m^2 per mAh/cm^2
# hand estimate [I] from the Xue et al. (2018) window and ideal molar volumes:
# mAh/cm^2 per 100 um at 25 degC (NaKx = x wt% K)
REFERENCE = {50: (4.6, 2.0), 65: (2.9, 5.6), 80: (1.2, 9.0)}
SOURCE = ("hand estimate of the inventory [I] (Xue 2018 window, ideal molar volumes; "
          "docs/theory/thermodynamics.md)")


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel import thermo
    from nakmodel.composition import x_na_from_wt_pct_k
    from nakmodel.parameters import load_parameters

    params = load_parameters()
    T, h = 298.15, 100e-6
    low, high = thermo.liquid_window(T, params)
    x = np.linspace(low, high, 200)
    strip = [thermo.inventory(v, T, "K-liquidus", thickness=h, params=params) / MAH_CM2
             for v in x]
    plate = [thermo.inventory(v, T, "Na-liquidus", thickness=h, params=params) / MAH_CM2
             for v in x]
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(x, strip, "C0", label="strippable to the K-rich liquidus (model)")
    ax.plot(x, plate, "C1", label="platable to the Na-rich liquidus (model)")
    checks = []
    for wt, (s_ref, p_ref) in REFERENCE.items():
        x0 = float(x_na_from_wt_pct_k(wt))
        s = thermo.inventory(x0, T, "K-liquidus", thickness=h, params=params) / MAH_CM2
        p = thermo.inventory(x0, T, "Na-liquidus", thickness=h, params=params) / MAH_CM2
        ax.plot(x0, s_ref, "o", color="C0", mfc="none")
        ax.plot(x0, p_ref, "s", color="C1", mfc="none")
        ax.annotate(f"NaK{wt}", (x0, s_ref), textcoords="offset points", xytext=(3, 3),
                    fontsize=8)
        checks += [
            Check(f"strippable Na, NaK{wt}, 100 um, 25 degC", s, reference=s_ref, rel_tol=0.1,
                  unit="mAh/cm2", source=SOURCE),
            Check(f"platable Na, NaK{wt}, 100 um, 25 degC", p, reference=p_ref, rel_tol=0.1,
                  unit="mAh/cm2", source=SOURCE),
        ]
    ax.set_xlabel("x_Na of the liquid")
    ax.set_ylabel("capacity per 100 µm [mAh/cm²]")
    ax.set_title("Na inventory at 25 °C (markers: hand estimate)")
    ax.legend(fontsize=7)
    fig.savefig(outdir / "inventory.png", dpi=130)
    plt.close(fig)
    return checks


CASE = Case(name="thermo_inventory", title="Na inventory of a 100 µm liquid layer", run=run,
            slow=False, figures=["inventory.png"],
            description="Charge exchangeable before the liquid reaches a liquidus; the "
            "low-current limit the FE model must reproduce for a thin uniform layer.")
