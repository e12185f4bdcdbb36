"""NaK in a porous carbon host (effective medium in the FE model, ``PorousHost``).

* A 10 um film in hosts of porosity eps = 0.7 / 0.5 / 0.3 (tortuosity 1.5 / 2 / 4), stripped
  at 0.05 mA/cm^2 to the K-rich liquidus, delivers eps x ``thermo.inventory`` of the dense
  layer within 2 % (1D, and axisymmetric for eps = 0.5 through Cell -> CellMesh -> model);
  the Na inventory int eps c dV changes by the faradaic charge / F to 1e-8.
* Sand-type constant-flux depletion of a thick hosted liquid follows
  c0 - c(0, t) = (2 N / eps) sqrt(tau t / (pi D)) (effective medium D_eff = D eps/tau,
  Crank's constant-flux solution with D -> D/tau, N -> N/eps [M]) within 1 %.
"""

from nakmodel.validation_framework import Case, Check

#: Na is conserved to the Newton tolerance, and the residual scales with i0 (100 mA/cm2 by
#: default): the conservation checks run with Newton atol 1e-12
NEWTON = {"numerics.newton_atol": 1e-12}

THICKNESS = 10e-6
HOSTS = ((0.7, 1.5), (0.5, 2.0), (0.3, 4.0))
INVENTORY_SOURCE = ("eps x nakmodel.thermo.inventory (lever rule, theory manual) [I]; "
                    "effective medium: Tjaden et al., Curr. Opin. Chem. Eng. 12 (2016) 44 [M]")
SAND_SOURCE = "Crank, The Mathematics of Diffusion (1975), constant flux, D -> D/tau [M]"


def _sand(p, host):
    from nakmodel import thermo
    from nakmodel.model.verification import (
        constant_current_depletion,
        sand_depletion,
        sand_problem,
    )

    D = float(thermo.interdiffusivity(p.alloy.composition.x_na, p.temperature, params=p))
    times, depletion = constant_current_depletion(sand_problem(p, host), 40.0, 0.01, 400, 40)
    analytic = sand_depletion(40.0, D, times, host.porosity, host.tortuosity)
    return times, depletion, analytic


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel import thermo
    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.geometry import Cell, PorousHost
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters
    from nakmodel.protocol import Protocol

    F = 96485.33212
    p = load_parameters(NEWTON)
    dense = float(thermo.inventory(p.alloy.composition, p.temperature, thickness=THICKNESS,
                                   params=p))
    protocol = Protocol.parse("Strip at 0.05 mA/cm2 until liquidus")
    checks = []
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    runs = [("1d", eps, tau) for eps, tau in HOSTS] + [("axisymmetric", 0.5, 2.0)]
    for geometry, eps, tau in runs:
        host = PorousHost(eps, tau)
        extra = {} if geometry == "1d" else {"pellet_radius": "0.3 mm",
                                             "pellet_thickness": "0.1 mm"}
        cell = Cell(geometry=geometry, alloy_thickness=THICKNESS, mesh_size=THICKNESS / 5,
                    host=host, **extra)
        res = Simulation(cell, p, protocol).run()
        tag = f"{geometry}, eps {eps:g}, tau {tau:g}"
        checks.append(Check(f"{tag}: capacity to the K-rich liquidus", res.final_capacity / 36,
                            reference=eps * dense / 36, rel_tol=0.02, unit="uAh/cm2",
                            source=INVENTORY_SOURCE))
        removed = (res.inventory[0] - res.inventory) * F / res.nominal_area
        err = np.max(np.abs(removed - res.faradaic_capacity)) / res.faradaic_capacity[-1]
        checks.append(Check.within(f"{tag}: Na conservation |dN F - Q_F| / Q_F", err, 0.0,
                                   1e-8, unit="-", source="exact discrete conservation [I]"))
        ax1.plot(res.capacity / 36, res.voltage * 1e3, label=tag)
        ax1.axvline(eps * dense / 36, color="k", lw=0.5, ls=":")
    ax1.set_xlabel("stripped capacity [uAh/cm$^2$]")
    ax1.set_ylabel("cell voltage [mV]")
    ax1.set_title("10 um hosted film, 0.05 mA/cm$^2$; dotted: eps x inventory")
    ax1.legend(fontsize="small")
    host = PorousHost(0.5, 2.0)
    times, depletion, analytic = _sand(p, host)
    err = float(np.max(np.abs(depletion / analytic - 1.0)))
    checks.append(Check.within("Sand depletion in a host (eps 0.5, tau 2): max |FE/analytic - 1|",
                               err, 0.0, 0.01, unit="-", source=SAND_SOURCE))
    ax2.plot(np.sqrt(times), depletion, "o", label="FE, eps 0.5, tau 2")
    ax2.plot(np.sqrt(times), analytic, "-", label="(2N/eps) sqrt(tau t/(pi D))")
    ax2.set_xlabel("sqrt(t) [s$^{1/2}$]")
    ax2.set_ylabel("c$_0$ - c(0,t) [mol/m$^3$ of pore]")
    ax2.legend(fontsize="small")
    fig.tight_layout()
    atomic_savefig(fig, outdir / "model_porous_host.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="model_porous_host", title="Porous host: inventory eps x dense, D eps/tau",
            run=run, slow=False, figures=["model_porous_host.png"])
