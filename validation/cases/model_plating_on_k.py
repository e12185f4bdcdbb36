"""Plating Na onto a pristine K working electrode: direction-dependent blocking (issue #11).

Solid K blocks Na oxidation (nothing to strip) but not Na+ reduction (it is a metal): the
covered area plates with ``interface.solid_k_exchange_current_density`` i0_K (reference
pure liquid Na, like ``interface.exchange_current_density``), ``nakmodel.model.two_phase``.

1D cell, K electrode (x_Na = 1e-3, inside K(ss)), 1 mm NZSP, plated at 0.1 mA/cm²:

* after 2 s (double layer charged, interface still K(ss)) the working-electrode
  overpotential V - U(x_int) - i R_NZSP - eta_CE equals the Butler-Volmer overpotential
  with i0 = i0_K a_Na(x_int)^alpha_c (U, a_Na from ``nakmodel.thermo`` at the FE interface
  composition) within 10 %, for two i0_K; halving the numerical
  ``interface.blocking_smoothing`` (the residual *oxidation* conductance of covered area)
  changes it by < 0.1 % (the plating result does not depend on a numerical width);
* after 1 h the plated Na has formed liquid at the interface (lever rule: liquid at the
  K-rich liquidus with the K it touches): the interface is liquid and the overpotential is
  that of the liquid's Butler-Volmer law, i0_ref a_Na^alpha_c (0.1 mV: the interface sits
  at the liquidus, inside the C^1 phase blend);
* Na conserved to 1e-10 in every run.
"""

from __future__ import annotations

import math

from nakmodel.validation_framework import Case, Check

FARADAY = 96485.33212
R = 8.314462618
SOURCE = "Butler-Volmer, Bard & Faulkner eq. 3.4.11, with nakmodel.thermo U and a_Na [M]"
I0_K = ("1 mA/cm^2", "0.1 mA/cm^2")


def _bv_eta(i, i0, T, aa=0.5, ac=0.5):
    from scipy.optimize import brentq

    f = FARADAY / (R * T)
    return brentq(lambda e: i0 * (math.exp(aa * f * e) - math.exp(-ac * f * e)) - i, -2, 2,
                  xtol=1e-14)


def _conservation(res):
    import numpy as np

    removed = (res.inventory[0] - res.inventory) * FARADAY / res.nominal_area
    scale = max(np.max(np.abs(res.faradaic_capacity)),
                res.inventory[0] * FARADAY / res.nominal_area)
    return float(np.max(np.abs(removed - res.faradaic_capacity)) / scale)


def _eta_we(res, p, T):
    """(measured WE overpotential, U, a_Na) at the last row (thermo at the FE x_int)."""
    from nakmodel import thermo

    x_i = float(res.x_interface_mean[-1])
    ocv = float(thermo.ocv_vs_na(x_i, T, p))
    dg = p.alloy.na_enthalpy_of_fusion * (1 - T / p.alloy.na_melting_point)
    activity = math.exp(-(FARADAY * ocv + dg) / (R * T))
    i = float(res.current_density[-1])
    ohmic = i * p.cell.pellet_thickness / p.nasicon.conductivity
    eta_ce = -_bv_eta(i, p.counter_electrode.exchange_current_density, T)
    return float(res.voltage[-1]) - ocv - ohmic - eta_ce, activity


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.geometry import Cell
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters

    T = 298.15
    cell = Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="100 um",
                mesh_size="1 um", working_metal="K")
    checks = []
    fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
    for i0_k in I0_K:
        etas = []
        for s in (0.02, 0.01):
            p = load_parameters({"interface.solid_k_exchange_current_density": i0_k,
                                 "interface.blocking_smoothing": s})
            res = Simulation(cell, p, "Plate at 0.1 mA/cm2 for 2 s", x_initial=1e-3).run()
            eta, act = _eta_we(res, p, T)
            i0 = p.interface.solid_k_exchange_current_density * math.sqrt(act)
            if s == 0.02:
                checks.append(Check(f"pristine K, i0_K = {i0_k}, 0.1 mA/cm²: WE overpotential "
                                    "[mV]", eta * 1e3,
                                    reference=_bv_eta(-1.0, i0, T) * 1e3, rel_tol=0.10,
                                    unit="mV", source=SOURCE))
            checks.append(Check.within(f"i0_K = {i0_k}, s = {s:g}: Na conservation",
                                       _conservation(res), 0.0, 1e-10, "-",
                                       "exact discrete conservation"))
            etas.append(eta)
        checks.append(Check(f"i0_K = {i0_k}: overpotential with blocking_smoothing halved / "
                            "default", etas[1] / etas[0], reference=1.0, rel_tol=1e-3,
                            unit="-", source="independence of the numerical width [I]"))
    p = load_parameters()
    res = Simulation(cell, p, "Plate at 0.1 mA/cm2 for 1 h", x_initial=1e-3).run()
    eta, act = _eta_we(res, p, T)
    i0 = p.interface.exchange_current_density * math.sqrt(act)
    checks.append(Check.within("after 1 h at 0.1 mA/cm²: interface liquid fraction",
                               float(res.liquid_fraction_interface[-1]), 0.99, 1.0, "-",
                               "lever rule: plated Na forms liquid with K [I]"))
    # tolerance 0.1 mV: the interface sits at the liquidus, inside the C^1 phase blend
    # (alloy.phase_smoothing), where the FE potential differs from thermo's by < 0.1 mV
    checks.append(Check("after 1 h: WE overpotential on the liquid formed [mV]", eta * 1e3,
                        reference=_bv_eta(-1.0, i0, T) * 1e3, abs_tol=0.1, unit="mV",
                        source=SOURCE))
    checks.append(Check.within("1 h plating: Na conservation", _conservation(res), 0.0, 1e-10,
                               "-", "exact discrete conservation"))
    ax.semilogx(res.time[1:], res.voltage[1:] * 1e3, label="cell voltage")
    ax2 = ax.twinx()
    ax2.semilogx(res.time[1:], res.liquid_fraction_interface[1:], "r--",
                 label="interface liquid fraction")
    ax.set_xlabel("time [s]")
    ax.set_ylabel("cell voltage [mV]")
    ax2.set_ylabel("interface liquid fraction [-]")
    ax.set_title("Na plated on K at 0.1 mA/cm$^2$ (default i0_K)")
    atomic_savefig(fig, outdir / "model_plating_on_k.png", dpi=110)
    plt.close(fig)
    return checks


CASE = Case(name="model_plating_on_k",
            title="Plating on a pristine K electrode: Butler-Volmer on solid K, then on the "
                  "liquid formed",
            run=run, slow=False, figures=["model_plating_on_k.png"],
            description=("Solid K blocks stripping but not plating: the pristine K electrode "
                         "has the Butler-Volmer overpotential of "
                         "interface.solid_k_exchange_current_density, independent of the "
                         "numerical blocking_smoothing; the plated Na forms liquid."))
