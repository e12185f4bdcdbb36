"""The coupled electrochemical finite-element model (dolfinx).

Modules: :mod:`thermo_ufl` (thermodynamics in UFL), :mod:`materials` (properties),
:mod:`interface` (kinetics strategies), :mod:`meshes` (simple tagged meshes),
:mod:`problem` (assembly + Newton), :mod:`stepping` (adaptive time steps),
:mod:`simulation` (protocol driver) and :mod:`result` (time series, CSV, plots).
"""
