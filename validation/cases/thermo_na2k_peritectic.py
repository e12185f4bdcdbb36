"""Na2K: peritectic decomposition where the Na and Na2K liquidus branches meet."""

import numpy as np

from nakmodel.validation_framework import Case, Check


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.optimize import brentq

    from nakmodel import thermo
    from nakmodel.parameters import load_parameters

    params = load_parameters()
    a = params.alloy
    tp_ref = 280.15

    def branch_gap(T):  # Na liquidus minus Na2K (K-rich branch) liquidus; NaN: no Na2K branch
        gap = thermo.liquidus(T, a, phase="Na") - thermo.liquidus(T, a, phase="Na2K")
        return -1.0 if np.isnan(gap) else gap

    # independent of the fit: locate the crossing of the two branches
    te, _ = thermo.eutectic(a)
    t_cross = brentq(branch_gap, te + 0.5, tp_ref + 10.0, xtol=1e-10)

    def stability(T):  # G(Na2K) - (liquid + Na(s) tangent at x = 2/3), J/mol
        x_l = thermo.liquidus(T, a, phase="Na")
        return thermo.na2k_gibbs_energy(T, a) - (
            (2 / 3) * thermo.chemical_potential_na(x_l, T, a)
            + (1 / 3) * thermo.chemical_potential_k(x_l, T, a))

    T = np.linspace(te, tp_ref + 30, 80)
    g = np.array([stability(t) for t in T])
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(T - 273.15, g, color="C2")
    ax.axhline(0, color="0.5", lw=0.8)
    ax.axvline(tp_ref - 273.15, color="k", ls="--", label=f"peritectic: {thermo.NA2K_SOURCE}")
    ax.set_xlabel("T [°C]")
    ax.set_ylabel("G(Na2K) − G(liquid + Na) [J/mol]")
    ax.set_title("Na2K is stable where the curve is negative")
    ax.legend(fontsize=6)
    fig.savefig(outdir / "na2k_peritectic.png", dpi=130)
    plt.close(fig)
    src = thermo.NA2K_SOURCE + " (7 degC [M])"
    return [
        Check("crossing of the Na and Na2K liquidus branches", t_cross, reference=tp_ref,
              abs_tol=0.01, unit="K", source=src),
        Check.within("G(Na2K) vs liquid+Na 5 K below the peritectic", stability(tp_ref - 5),
                     low=-1e4, high=0.0, unit="J/mol", source="stable below T_p"),
        Check.within("G(Na2K) vs liquid+Na 5 K above the peritectic", stability(tp_ref + 5),
                     low=0.0, high=1e4, unit="J/mol", source="metastable above T_p"),
        Check.within("Na2K formation enthalpy from the solids", thermo.na2k_formation_enthalpy(a),
                     low=-2000.0, high=0.0, unit="J/mol atoms",
                     source="[I] derived; must be small and negative"),
    ]


CASE = Case(name="thermo_na2k_peritectic", title="Na2K peritectic decomposition", run=run,
            slow=False, figures=["na2k_peritectic.png"],
            description="Na2K as a line compound whose formation enthalpy is fitted to the "
            "peritectic temperature; checks the crossing found independently and the stability.")
