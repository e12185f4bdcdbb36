"""K/Na2K eutectic of the model vs the standard NaK eutectic (−12.6 °C, ≈67 at% K)."""

from nakmodel.validation_framework import Case, Check


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel import thermo
    from nakmodel.parameters import load_parameters
    from nakmodel.plotting.phase_diagram import plot_phase_diagram

    params = load_parameters()
    te, xe = thermo.eutectic(params)
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    plot_phase_diagram(ax, params)
    ax.plot(xe, te - 273.15, "*", color="C1", ms=14, label="model eutectic")
    ax.set_xlim(0.1, 0.75)
    ax.set_ylim(te - 273.15 - 15, 40)
    ax.legend(fontsize=6, loc="upper left")
    fig.savefig(outdir / "eutectic.png", dpi=130)
    plt.close(fig)
    return [
        Check("eutectic temperature", te, reference=273.15 - 12.6, abs_tol=3.0, unit="K",
              source=thermo.EUTECTIC_SOURCE),
        Check.within("eutectic composition", 100 * (1 - xe), low=66.0, high=68.0, unit="at% K",
                     source=thermo.EUTECTIC_SOURCE),
    ]


CASE = Case(name="thermo_eutectic", title="Eutectic K(s) + Na2K + liquid", run=run, slow=False,
            figures=["eutectic.png"],
            description="Intersection of the K liquidus and the K-rich Na2K liquidus.")
