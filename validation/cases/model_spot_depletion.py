"""One contact spot on the pellet: constriction resistance and local Na depletion.

(1) With fast kinetics (i0 = 10 A/cm^2) and a tiny current, the ohmic part of the coupled
model's voltage divided by the current must equal the constriction + bulk resistance of an
equipotential disc (semi-analytic Bessel series of ``nakmodel.analysis``, within 2 %).
(2) NaK80, 30 um alloy, one 150 um spot on a 0.5 mm pellet, 1 mA/cm^2 until 0.3 V: the
alloy depletes first under the spot, solid K blocks it, and the capacity to the voltage
limit is below that of full contact; Na is conserved to 1e-8.
"""

from nakmodel.validation_framework import Case, Check

SERIES = "nakmodel.analysis.spot_resistance_series (variational Bessel series) [I]"


def run(outdir):
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.analysis import spot_resistance_series
    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters
    from nakmodel.protocol import Protocol

    F = 96485.33212
    checks = []
    # (1) constriction, primary current distribution
    b, a, L = 1e-3, 0.25e-3, 1e-3
    fast = load_parameters({"interface.exchange_current_density": "10 A/cm^2",
                            "counter_electrode.exchange_current_density": "10 A/cm^2"})
    cell = Cell(geometry="axisymmetric", pellet_radius=b, pellet_thickness=L,
                alloy_thickness=50e-6, contact=ContactSpots(radius=a), mesh_size=10e-6,
                edge_mesh_size=1e-6)
    res = Simulation(cell, fast, Protocol.parse("Strip at 0.01 mA/cm2 for 10 s")).run()
    current = 0.1 * math.pi * b * b
    r_model = res.ohmic[-1] / current
    r_ref = spot_resistance_series(a, b, L, fast.nasicon.conductivity)
    checks.append(Check("spot + bulk resistance from the coupled model's ohmic voltage",
                        r_model, reference=r_ref, rel_tol=0.02, unit="ohm", source=SERIES))
    # (2) depletion under a spot vs full contact
    p = load_parameters({"alloy.composition": "NaK80"})
    protocol = Protocol.parse("Strip at 1 mA/cm2 until 0.3 V")
    runs = {}
    for name, kw in (("spot", {"contact": ContactSpots(radius="150 um")}), ("full", {})):
        c = Cell(geometry="axisymmetric", pellet_radius=0.5e-3, alloy_thickness=30e-6, **kw)
        runs[name] = Simulation(c, p, protocol, profile_times=[0, 900, 1800, 2700]).run()
    spot, full = runs["spot"], runs["full"]
    checks.append(Check.within("capacity to 0.3 V, spot / full contact",
                               spot.final_capacity / full.final_capacity, 0.0, 0.999, unit="-",
                               source="constriction + local depletion [I]"))
    prof = spot.profiles[-1]
    checks.append(Check.within("x_Na(axis) - x_Na(rim), last stored profile (spot)",
                               float(prof.x_na[np.argmin(prof.coordinate)]
                                     - prof.x_na[np.argmax(prof.coordinate)]), -1.0, 0.0,
                               unit="-", source="depletion under the spot [I]"))
    removed = (spot.inventory[0] - spot.inventory) * F / spot.nominal_area
    checks.append(Check.within("Na conservation (spot run)",
                               float(np.max(np.abs(removed - spot.faradaic_capacity))
                                     / spot.faradaic_capacity[-1]), 0.0, 1e-8, unit="-",
                               source="exact discrete conservation [I]"))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for name, r in runs.items():
        axes[0].plot(r.capacity / 36000, r.voltage * 1e3, label=name)
    axes[0].set_xlabel("capacity [mAh/cm$^2$]")
    axes[0].set_ylabel("cell voltage [mV]")
    axes[0].legend()
    spot.plot_interface_composition(axes[1])
    spot.plot_interface_map(axes[2])
    fig.tight_layout()
    atomic_savefig(fig, outdir / "model_spot_depletion.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="model_spot_depletion", title="Contact spot: constriction and local depletion",
            run=run, slow=False, figures=["model_spot_depletion.png"])
