"""Liquid window of NaK at 25 °C: model liquidus compositions vs Xue et al. (2018)."""

from nakmodel.validation_framework import Case, Check


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel import thermo
    from nakmodel.parameters import load_parameters
    from nakmodel.plotting.phase_diagram import plot_phase_diagram

    params = load_parameters()
    low, high = thermo.liquid_window(298.15, params)
    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    plot_phase_diagram(ax, params)
    ax.hlines(25.0, low, high, color="C1", lw=3, alpha=0.6, label="model window at 25 °C")
    ax.legend(fontsize=6, loc="lower right", framealpha=0.9)
    fig.savefig(outdir / "liquid_window.png", dpi=130)
    plt.close(fig)
    src = thermo.XUE_2018 + " (9.2-58.2 wt% Na)"
    return [
        Check("K-rich liquidus x_Na at 25 degC", low, reference=0.147, abs_tol=0.02, unit="-",
              source=src),
        Check("Na-rich liquidus x_Na at 25 degC", high, reference=0.703, abs_tol=0.02, unit="-",
              source=src),
    ]


CASE = Case(name="thermo_liquid_window", title="Liquid window at 25 °C", run=run, slow=False,
            figures=["liquid_window.png"],
            description="Schröder–van Laar liquidus of the Redlich–Kister liquid against solid K "
            "and solid Na at 298.15 K.")
