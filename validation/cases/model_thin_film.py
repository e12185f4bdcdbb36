"""Thin uniform NaK film stripped at low current: capacity to the K-rich liquidus.

A 10 um film on NASICON (1D cell) stripped at 0.1 mA/cm^2 until the interface reaches the
liquidus must deliver the lever-rule inventory ``thermo.inventory`` (docs/theory/thermodynamics.md:
"the model must reproduce this limit for a thin uniform layer at low current") within 2 %,
and the Na inventory must change by exactly the faradaic charge / F (1e-8).
"""

from nakmodel.validation_framework import Case, Check

#: Na is conserved to the Newton tolerance, and the residual scales with i0 (100 mA/cm2 by
#: default): the conservation checks run with Newton atol 1e-12
NEWTON = {"numerics.newton_atol": 1e-12}

THICKNESS = 10e-6
LABELS = ("NaK50", "NaK65", "NaK80")
INVENTORY_SOURCE = "nakmodel.thermo.inventory (lever rule, docs/theory/thermodynamics.md) [I]"


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel import thermo
    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.geometry import Cell
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters
    from nakmodel.protocol import Protocol

    F = 96485.33212
    checks = []
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for label in LABELS:
        p = load_parameters({**NEWTON, "alloy.composition": label})
        cell = Cell(geometry="1d", alloy_thickness=THICKNESS, mesh_size=THICKNESS / 5)
        res = Simulation(cell, p, Protocol.parse("Strip at 0.1 mA/cm2 until liquidus")).run()
        expected = float(thermo.inventory(p.alloy.composition, p.temperature,
                                          thickness=THICKNESS, params=p))
        checks.append(Check(f"{label}: capacity to the K-rich liquidus", res.final_capacity / 36,
                            reference=expected / 36, rel_tol=0.02, unit="uAh/cm2",
                            source=INVENTORY_SOURCE))
        removed = (res.inventory[0] - res.inventory) * F / res.nominal_area
        err = np.max(np.abs(removed - res.faradaic_capacity)) / res.faradaic_capacity[-1]
        checks.append(Check.within(f"{label}: Na conservation |dN F - Q_F| / Q_F", err, 0.0,
                                   1e-8, unit="-", source="exact discrete conservation [I]"))
        ax.plot(res.capacity / 36000 * 1e3, res.voltage * 1e3, label=label)
        ax.axvline(expected / 36000 * 1e3, color="k", lw=0.5, ls=":")
    ax.set_xlabel("stripped capacity [uAh/cm$^2$]")
    ax.set_ylabel("cell voltage [mV]")
    ax.set_title("10 um film, 0.1 mA/cm$^2$; dotted: lever-rule inventory")
    ax.legend()
    fig.tight_layout()
    atomic_savefig(fig, outdir / "model_thin_film.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="model_thin_film", title="Thin film stripped to the liquidus: inventory",
            run=run, slow=False, figures=["model_thin_film.png"])
