"""
A flaw and its crack-onset current
==================================

Liquid metal in a surface flaw of the ceramic flows out and cannot load it; solid metal
forced into it can. While plating, NaK turns Na-richer; past the Na-rich liquidus the
liquid is saturated, the plated Na stays solid, fills the flaw and is pressurised by the
plating overpotential, :math:`p = F|\\eta|/\\Omega_\\mathrm{Na}`, until
:math:`K_I \\ge K_{IC}` (:ref:`theory-fracture`).

This tutorial takes one 20 µm flaw under a 20 µm NaK50 layer, all with the public API:

1. :func:`nakmodel.stress_intensity`: K_I from the finite-element field (G-θ domain
   integral) against the handbook edge-crack value;
2. :func:`nakmodel.mechanics.critical_load`: the critical pressure and overpotential;
3. a plating current scan with :class:`nakmodel.Simulation` and :func:`nakmodel.extract_ccd`
   with a :class:`nakmodel.CrackCriterion`: the current at which the flaw cracks, and the
   liquidus reached before it;
4. :func:`nakmodel.flaw_size_sweep`: how the onset moves with flaw depth and toughness.

From the shell: ``nakmodel fracture --depth "20 um" --overpotential "30 mV"`` prints K_I and
K_I/K_IC; the study kinds ``ccd`` (with a ``flaw`` in ``[ccd]``) and ``flaw_size`` run steps
3 and 4 (``studies/ccd_sweep_flaw.toml``, ``studies/flaw_size_sweep.toml``).
"""

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import nakmodel
from nakmodel.mechanics import critical_load

p = nakmodel.load_parameters({"alloy.composition": "NaK50"})
flaw = nakmodel.SurfaceFlaw(depth="20 um", opening="2 um")  # a conical pit on the axis
cell = nakmodel.Cell(geometry="axisymmetric", pellet_radius="0.5 mm", pellet_thickness="0.3 mm",
                     alloy_thickness="20 um", mesh_size="20 um", flaw=flaw)

# %%
# Stress intensity of the flaw
# ----------------------------
# Linear elasticity: K_I is proportional to the face pressure. The handbook value for an
# edge crack of depth a, 1.1215 p √(πa), is the check.
k = nakmodel.stress_intensity(cell, p, pressure="10 MPa")
handbook = 1.1215 * 10e6 * math.sqrt(math.pi * 20e-6)
print(f"K_I = {k.K_I / 1e6:.4f} MPa m^0.5 (FE), {handbook / 1e6:.4f} (handbook); "
      f"K_II = {k.K_II / 1e6:.1e} MPa m^0.5")

# %%
# Critical pressure and overpotential
# -----------------------------------
load = critical_load(cell, p)
print(f"K_IC = {load.fracture_toughness / 1e6:.2f} MPa m^0.5: p_c = {load.pressure / 1e6:.0f} MPa, "
      f"eta_c = p_c Omega_Na / F = {load.overpotential * 1e3:.1f} mV")

# %%
# The crack-onset current of a plating scan
# -----------------------------------------
# A stepped plating ramp (1 mA/cm² per 30 s) on the flawed cell. The crack criterion
# follows the metal in the flaw along the run: liquid (no load) until the interface reaches
# the Na-rich liquidus, then a solid Na deposit growing on the flaw faces; once the flaw
# counts as solid its pressure is :math:`F|\eta|/\Omega` and K_I/K_IC rises with the overpotential.
scan = "Ramp plating from 1 mA/cm2 to 20 mA/cm2 at 1 mA/cm2 per 30 s until -1 V"
result = nakmodel.Simulation(cell, p, scan).run()
crack = nakmodel.CrackCriterion.from_cell(cell, p)  # FE K_I per pressure of this flaw
ccd = nakmodel.extract_ccd(result, [nakmodel.VoltageCriterion(1.0),
                                    nakmodel.LiquidusCriterion(), crack],
                           direction="plate", parameters=p)
for name, onset in ccd.onsets.items():
    text = "not reached" if onset is None else (
        f"{abs(onset.current_density) / 10:.1f} mA/cm² at {onset.time / 60:.1f} min")
    print(f"{name:>9}: {text}")
print(f"reached first: {ccd.limiting_mechanism}")

i = np.abs(result.current_density) / 10  # mA/cm^2
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
ax1.plot(result.time / 60, -result.we_overpotential * 1e3, label="|η| at the WE")
ax1.axhline(load.overpotential * 1e3, color="k", ls=":", label="η_c of the flaw")
ax1.set(xlabel="time / min", ylabel="overpotential / mV", title="plating scan, NaK50")
ax1.legend()
ax2.plot(i, ccd.k_ratio, ".-", ms=3)
ax2.axhline(1.0, color="k", ls=":")
for name, colour in (("liquidus", "tab:blue"), ("crack", "tab:red")):
    if ccd.onsets[name] is not None:
        ax2.axvline(abs(ccd.onsets[name].current_density) / 10, color=colour, ls="--",
                    label=f"{name} onset")
ax2.set(xlabel="plating current density / mA cm⁻²", ylabel="K_I / K_IC",
        title="crack criterion")
ax2.legend()
fig.tight_layout()
plt.show()

# %%
# The flaw stays harmless while the alloy is liquid, however high the overpotential: the
# crack needs the solid Na that forms only past the Na-rich liquidus, and then the current
# at which :math:`|\eta|` reaches :math:`\eta_c`.
#
# Depth and toughness
# -------------------
# :func:`nakmodel.flaw_size_sweep` turns one unit-pressure solve per depth into the critical
# overpotential and, through the linearised interface resistance, a critical current
# density (an estimate for solid metal in the flaw, not a coupled run).
table = nakmodel.flaw_size_sweep([5e-6, 10e-6, 20e-6, 50e-6], [1.0e6, 1.25e6, 1.58e6], p)
fig, ax = plt.subplots(figsize=(5.5, 4))
for kic in (1.0e6, 1.25e6, 1.58e6):
    rows = table["fracture_toughness"] == kic
    ax.plot(table["depth"][rows] * 1e6, table["critical_overpotential"][rows] * 1e3, "o-",
            label=f"K_IC = {kic / 1e6:.2f} MPa√m")
ax.set(xscale="log", xlabel="flaw depth / µm", ylabel="critical overpotential η_c / mV",
       title="deeper flaws crack at lower η")
ax.minorticks_off()
ax.set_xticks([5, 10, 20, 50], labels=["5", "10", "20", "50"])
ax.legend()
fig.tight_layout()
plt.show()
