"""Thermodynamics of liquid Na–K alloys: activities, phase diagram, OCV, interdiffusion.

All functions are vectorised over ``x_na`` (mole fraction of Na, 0..1) and ``T`` [K]
(numpy broadcasting), return SI values and take an optional ``params``: a
:class:`nakmodel.parameters.Parameters`, its ``.alloy`` section, or ``None`` for the
package defaults.

Model (docs/theory/thermodynamics.md):

* Liquid: substitutional solution with a Redlich–Kister excess Gibbs energy
  ``G_ex = x_Na x_K [L0 + L1 (x_Na − x_K) + L2 (x_Na − x_K)²]``.
* Solids: dilute ideal solid solutions K(ss) (Na in bcc K) and Na(ss) (K in bcc Na), whose
  solute energies follow from the limiting solidus slopes of Bale (1982) / Ott et al. (1969)
  (0.10 and 0.033 at%/K [F]; see :func:`distribution_coefficients`), and the line compound
  Na2K; fusion Gibbs energies ``ΔG_fus,i(T) = ΔH_fus,i (1 − T/T_m,i)``. Missing or zero
  slopes give pure solids.
* Fit [I] (:func:`fit_liquid_parameters`, the :class:`DefaultAlloy` values): L0 = 2700,
  L1 = 371, L2 = 375 J/mol reproduce the 25 °C window 0.147–0.703 (Xue 2018) and the
  eutectic −12.6 °C at 67 at% K to within 0.0002 and 0.01 K. A 2-term fit
  (L0 = 3648, L1 = 243 J/mol, insoluble solids) gives −6.0 °C and x = 0.117;
  3 terms without solid solubility leave the K-rich liquidus 0.017 low.
* References for chemical potentials are the pure *liquids* at the same T.

Modules: :mod:`~nakmodel.thermo.alloy` (parameters, input checks, literature points),
:mod:`~nakmodel.thermo.liquid` (activities), :mod:`~nakmodel.thermo.phase_diagram`,
:mod:`~nakmodel.thermo.ocv`, :mod:`~nakmodel.thermo.transport`,
:mod:`~nakmodel.thermo.capacity` (inventory) and :mod:`~nakmodel.thermo.fit`; every public
name is available here (``thermo.ocv_vs_na``).

Sign convention of the OCV: ``V = φ_WE − φ_CE`` for a NaK working electrode against a
Na(s) counter electrode.
"""

from __future__ import annotations

from ..constants import FARADAY, GAS_CONSTANT
from .alloy import (
    EUTECTIC_SOURCE,
    LITERATURE_POINTS,
    MELTING_SOURCE,
    MOLAR_MASS_K,
    MOLAR_MASS_NA,
    NA2K_SOURCE,
    X_NA_NA2K,
    XUE_2018,
    DefaultAlloy,
    alloy_parameters,
)
from .capacity import (
    inventory,
    molar_mass,
    molar_volume,
)
from .fit import (
    fit_liquid_parameters,
)
from .liquid import (
    activity_coefficient_k,
    activity_coefficient_na,
    activity_k,
    activity_na,
    chemical_potential_k,
    chemical_potential_na,
    excess_gibbs_energy,
    redlich_kister_coefficients,
    thermodynamic_factor,
)
from .ocv import (
    ocv_vs_na,
)
from .phase_diagram import (
    PhaseBoundaries,
    describe_initial_phase,
    distribution_coefficients,
    eutectic,
    fusion_gibbs_energy_k,
    fusion_gibbs_energy_na,
    liquid_fraction,
    liquid_window,
    liquidus,
    na2k_formation_enthalpy,
    na2k_gibbs_energy,
    phase_boundaries,
    solid_phase,
    solidus,
    solute_gibbs_energies,
)
from .transport import (
    interdiffusivity,
    tracer_diffusivity_k,
    tracer_diffusivity_na,
)

__all__ = [
    "FARADAY",
    "GAS_CONSTANT",
    "MOLAR_MASS_NA",
    "MOLAR_MASS_K",
    "X_NA_NA2K",
    "DefaultAlloy",
    "XUE_2018",
    "EUTECTIC_SOURCE",
    "NA2K_SOURCE",
    "MELTING_SOURCE",
    "LITERATURE_POINTS",
    "alloy_parameters",
    "excess_gibbs_energy",
    "redlich_kister_coefficients",
    "activity_coefficient_na",
    "activity_coefficient_k",
    "activity_na",
    "activity_k",
    "chemical_potential_na",
    "chemical_potential_k",
    "thermodynamic_factor",
    "fusion_gibbs_energy_na",
    "fusion_gibbs_energy_k",
    "distribution_coefficients",
    "solute_gibbs_energies",
    "na2k_formation_enthalpy",
    "na2k_gibbs_energy",
    "liquidus",
    "solidus",
    "eutectic",
    "PhaseBoundaries",
    "phase_boundaries",
    "liquid_window",
    "describe_initial_phase",
    "solid_phase",
    "liquid_fraction",
    "ocv_vs_na",
    "tracer_diffusivity_na",
    "tracer_diffusivity_k",
    "interdiffusivity",
    "molar_mass",
    "molar_volume",
    "inventory",
    "fit_liquid_parameters",
]
