"""Stress and crack driving force in the NASICON ceramic.

* :mod:`.material` - E, nu, K_IC (:class:`CeramicMaterial`)
* :mod:`.elasticity` - plane-strain / axisymmetric / 3D linear elasticity
* :mod:`.crack_mesh` - gmsh meshes of cracked bodies with a refined tip
* :mod:`.domain_integral` - G-theta, interaction integral (K_I, K_II), compliance G
* :mod:`.loading` - flaw pressure from the electrochemical state
* :mod:`.coupling` - :func:`flaw_state_from_problem` (FlawState of a solved coupled model),
  :class:`FlawStateTracker` (flaw state + solid deposit over the steps of a run)
* :mod:`.history` - K_I(t)/K_IC over a run
* :mod:`.fracture` - :func:`stress_intensity` of a cell's surface flaw
* :mod:`.critical_load` - :func:`critical_load`, :func:`critical_pressure`,
  :func:`flaw_size_sweep` (crack onset from K_I per unit pressure)
* :mod:`.plotting` - :func:`plot_principal_stress`, :func:`plot_k_ratio`

Heavy modules (dolfinx, gmsh) are imported lazily by the functions using them.

Example::

    import nakmodel.mechanics as mech
    from nakmodel.geometry import Cell, SurfaceFlaw

    cell = Cell(geometry="planar", flaw=SurfaceFlaw(depth="10 um", opening="1 um"))
    r = mech.stress_intensity(cell, None, pressure="150 MPa")        # r.K_I, r.K_II, r.G
    r = mech.stress_intensity(cell, None, state=mech.FlawState(
        overpotential=-0.03, liquid_fraction=0.0, plating_current_density=10.0))
    p_c = mech.critical_pressure(cell)        # ~199 MPa; eta_c = p_c Omega / F ~ 49 mV
    table = mech.flaw_size_sweep([1e-6, 1e-5, 5e-5], [1.0e6, 1.6e6])
"""

from __future__ import annotations

from .coupling import FlawStateTracker, flaw_face_averages, flaw_state_from_problem
from .critical_load import (
    CriticalLoad,
    FlawSizeTable,
    critical_load,
    critical_overpotential,
    critical_pressure,
    flaw_size_sweep,
    handbook_critical_pressure,
    interface_resistance,
)
from .fracture import (
    FlawGeometry,
    FlawShape,
    MeshOptions,
    PelletSupport,
    StressIntensity,
    flaw_geometry,
    stress_intensity,
)
from .history import FlawMonitor, KRatioHistory, flaw_states, k_ratio_history
from .loading import (
    FlawLoadingModel,
    FlawState,
    SurfaceEigenstrain,
    advance_solid_deposit,
    capillary_pressure,
    flaw_liquid_fraction,
    flaw_pressure,
    outflow_pressure,
    poiseuille_slit_pressure_drop,
    solid_deposit_history,
    solid_metal_pressure,
)
from .material import CeramicMaterial
from .plotting import plot_k_ratio, plot_principal_stress

__all__ = [
    "CeramicMaterial",
    "CriticalLoad",
    "FlawGeometry",
    "FlawShape",
    "FlawLoadingModel",
    "FlawMonitor",
    "FlawSizeTable",
    "FlawState",
    "FlawStateTracker",
    "KRatioHistory",
    "MeshOptions",
    "PelletSupport",
    "StressIntensity",
    "SurfaceEigenstrain",
    "advance_solid_deposit",
    "capillary_pressure",
    "critical_load",
    "critical_overpotential",
    "critical_pressure",
    "flaw_face_averages",
    "flaw_geometry",
    "flaw_liquid_fraction",
    "flaw_pressure",
    "flaw_size_sweep",
    "flaw_state_from_problem",
    "flaw_states",
    "handbook_critical_pressure",
    "interface_resistance",
    "k_ratio_history",
    "outflow_pressure",
    "plot_k_ratio",
    "plot_principal_stress",
    "poiseuille_slit_pressure_drop",
    "solid_deposit_history",
    "solid_metal_pressure",
    "stress_intensity",
]
