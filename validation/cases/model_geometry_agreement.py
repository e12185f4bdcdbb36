"""1D, axisymmetric and 3D models of a uniform-contact cell give the same voltage curve.

NaK50, 50 um alloy on 1 mm NASICON, stripped at 1 mA/cm^2 for 10 min: the three
discretisations (1D, axisymmetric r-z, 3D prism) must agree within 0.5 %; the ohmic part
must equal i L / sigma.
"""

from nakmodel.validation_framework import Case, Check

SOURCE = "geometry independence of a laterally uniform cell [I]"
ALLOY = 50e-6


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.geometry import Cell
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.simulation import Simulation
    from nakmodel.model.stepping import StepControl
    from nakmodel.parameters import load_parameters
    from nakmodel.protocol import Protocol

    p = load_parameters()
    protocol = Protocol.parse("Strip at 1 mA/cm2 for 10 min")
    control = StepControl(dt_initial=1.0, dt_max=60.0)
    cells = {
        "1d": Cell(geometry="1d", alloy_thickness=ALLOY),
        "axisymmetric": Cell(geometry="axisymmetric", alloy_thickness=ALLOY),
        "3d": box_cell(0.3e-3, p.cell.pellet_thickness, ALLOY, n_lateral=3, n_nasicon=6,
                       n_alloy=5),
    }
    results = {k: Simulation(c, p, protocol, step_control=control).run()
               for k, c in cells.items()}
    t = np.linspace(30.0, 600.0, 20)
    ref = np.interp(t, results["1d"].time, results["1d"].voltage)
    checks = []
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for name, res in results.items():
        v = np.interp(t, res.time, res.voltage)
        if name != "1d":
            checks.append(Check.within(f"{name} vs 1D: max relative voltage difference",
                                       float(np.max(np.abs(v / ref - 1))), 0.0, 0.005,
                                       unit="-", source=SOURCE))
        ax.plot(res.time / 60, res.voltage * 1e3, label=name)
    ohmic = 10.0 * p.cell.pellet_thickness / p.nasicon.conductivity
    checks.append(Check("axisymmetric ohmic component", results["axisymmetric"].ohmic[-1] * 1e3,
                        reference=ohmic * 1e3, rel_tol=1e-4, unit="mV",
                        source="i L / sigma (uniform current) [I]"))
    ax.set_xlabel("time [min]")
    ax.set_ylabel("cell voltage [mV]")
    ax.legend()
    fig.tight_layout()
    atomic_savefig(fig, outdir / "model_geometry_agreement.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="model_geometry_agreement", title="1D / axisymmetric / 3D agreement",
            run=run, slow=False, figures=["model_geometry_agreement.png"])
