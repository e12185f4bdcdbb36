"""Backward-Euler elimination of the grain-boundary field of the brick-layer ceramic.

Brick layer (:mod:`nakmodel.model.ceramic`): the ceramic field E = E_b + E_gb splits into a
bulk part, j = σ_b E_b, and a grain-boundary part with its own charging,

    j = σ_gb E_gb + ε_gb dE_gb/dt.

One backward-Euler step of length dt (g = ε_gb/dt) eliminates E_gb exactly [I]:

    E_gb^n = (j^n + g E_gb^(n-1))/(σ_gb + g),
    j^n    = σ_eff (E^n − h E_gb^(n-1)),  1/σ_eff = 1/σ_b + 1/(σ_gb + g),  h = g/(σ_gb + g),

i.e. the boundary acts as the resistor R_gb/(1 + R_gb C_gb/dt) plus a history source
(dt -> ∞ gives the DC total 1/σ = 1/σ_b + 1/σ_gb; dt -> 0 gives the bulk alone).
Building block for the time stepper; not yet wired into :mod:`nakmodel.model.problem`.
"""
from __future__ import annotations

import math


def _check(name: str, value: float, unit: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0 [{unit}], got {value!r}")
    return value


def step_coefficients(dt: float, bulk_conductivity: float, grain_boundary_conductivity: float,
                      grain_boundary_permittivity: float) -> tuple[float, float]:
    """(σ_eff [S/m], h [-]) of one backward-Euler step: j^n = σ_eff (E^n − h E_gb^(n-1)),
    1/σ_eff = 1/σ_b + 1/(σ_gb + ε_gb/dt), h = (ε_gb/dt)/(σ_gb + ε_gb/dt) (module docstring) [I]."""
    dt = _check("dt", dt, "s")
    sb = _check("bulk_conductivity", bulk_conductivity, "S/m")
    sg = _check("grain_boundary_conductivity", grain_boundary_conductivity, "S/m")
    g = _check("grain_boundary_permittivity", grain_boundary_permittivity, "F/m") / dt
    return 1.0 / (1.0 / sb + 1.0 / (sg + g)), g / (sg + g)


def updated_history(current_density, previous_field, dt: float,
                    grain_boundary_conductivity: float, grain_boundary_permittivity: float):
    """E_gb^n = (j^n + g E_gb^(n-1))/(σ_gb + g), g = ε_gb/dt [V/m] (module docstring) [I];
    works on floats and numpy arrays alike."""
    dt = _check("dt", dt, "s")
    sg = _check("grain_boundary_conductivity", grain_boundary_conductivity, "S/m")
    g = _check("grain_boundary_permittivity", grain_boundary_permittivity, "F/m") / dt
    return (current_density + g * previous_field) / (sg + g)
