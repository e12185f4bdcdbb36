"""Crack onset of a metal-filled flaw: the critical pressure and overpotential at which
K_I reaches K_IC (:func:`critical_load`), its handbook check, the interface resistance that
turns the overpotential into a critical current, and the flaw-size x toughness table
(:func:`flaw_size_sweep`).  K_I per unit pressure comes from
:func:`~nakmodel.mechanics.fracture.stress_intensity`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..constants import EDGE_CRACK_FACTOR, FARADAY, GAS_CONSTANT
from ..errors import InputProblem, ParameterError
from .fracture import (
    FlawGeometry,
    MeshOptions,
    _build_crack,
    _material,
    _parameters,
    _stack_pressure,
    flaw_geometry,
    stress_intensity,
)
from .loading import FlawLoadingModel
from .material import CeramicMaterial


@dataclass(frozen=True)
class CriticalLoad:
    """Crack-onset load of one flaw: K_I(p) = K_I0 + k p reaches K_IC at p = pressure."""

    pressure: float
    overpotential: float
    K_I_per_pressure: float
    K_I_other_loads: float
    fracture_toughness: float


def critical_load(cell, parameters=None, *, material=None, eigenstrain=None,
                  stack_pressure=None, mesh_options=None) -> CriticalLoad:
    """Critical crack-face pressure and plating overpotential for crack onset.

    Linear elasticity: K_I(p) = K_I0 + k p with k from a unit-pressure solve
    and K_I0 from the other loads (stack pressure, eigenstrain); p_c =
    (K_IC - K_I0)/k, eta_c = p_c Omega_M / F (solid metal in the flaw; Porz
    et al., Adv. Energy Mater. 7 (2017) 1701003).
    """
    parameters = _parameters(parameters)
    mat = _material(parameters, material)
    g = flaw_geometry(cell, parameters)
    loading = FlawLoadingModel.from_parameters(parameters)
    options = mesh_options or MeshOptions()
    p_stack = _stack_pressure(parameters, stack_pressure)
    crack = _build_crack(g, options)
    unit = stress_intensity(g, parameters, pressure=1.0, material=mat, stack_pressure=0.0,
                            mesh_options=options, crack=crack)
    k = unit.K_I
    K0 = 0.0
    if p_stack or eigenstrain is not None:
        K0 = stress_intensity(g, parameters, pressure=0.0, material=mat, eigenstrain=eigenstrain,
                              stack_pressure=p_stack, mesh_options=options, crack=crack).K_I
    if not k > 0:
        raise ParameterError(InputProblem("flaw", "pressure does not open this flaw", k,
                                          "a flaw loaded in mode I"))
    p_c = max((mat.fracture_toughness - K0) / k, 0.0)
    return CriticalLoad(pressure=p_c, overpotential=p_c * loading.molar_volume / FARADAY,
                        K_I_per_pressure=k, K_I_other_loads=K0,
                        fracture_toughness=mat.fracture_toughness)


def critical_pressure(cell, parameters=None, **kwargs) -> float:
    """Critical crack-face pressure p_c [Pa] at which K_I = K_IC (see :func:`critical_load`).

    ``cell``: a ``nakmodel.Cell`` with a :class:`~nakmodel.SurfaceFlaw`; ``parameters``: a
    ``Parameters`` (None: the defaults); keyword options as for :func:`critical_load`.
    Returns p_c in Pa.
    """
    return critical_load(cell, parameters, **kwargs).pressure


def critical_overpotential(cell, parameters=None, **kwargs) -> float:
    """Critical plating overpotential eta_c = p_c Omega_M / F [V] for solid metal in the flaw."""
    return critical_load(cell, parameters, **kwargs).overpotential


def handbook_critical_pressure(depth: float, fracture_toughness: float) -> float:
    """Griffith/handbook estimate for an edge crack: p_c = K_IC / (1.1215 sqrt(pi a)) [Pa]."""
    return fracture_toughness / (EDGE_CRACK_FACTOR * math.sqrt(math.pi * depth))


def interface_resistance(parameters=None) -> float:
    """Area-specific charge-transfer resistance R = R T / ((alpha_a + alpha_c) F i0) [Ohm m^2].

    Linearised Butler-Volmer (Bard & Faulkner, Electrochemical Methods, eq.
    3.4.13) at the working-electrode | NASICON interface: the estimate used to
    turn a critical overpotential into a critical current, i_c = eta_c / R.
    """
    if parameters is None:
        from ..parameters import load_parameters

        parameters = load_parameters()
    i0 = parameters.interface.exchange_current_density
    alpha = (parameters.interface.anodic_transfer_coefficient
             + parameters.interface.cathodic_transfer_coefficient)
    return GAS_CONSTANT * parameters.temperature / (alpha * FARADAY * i0)


@dataclass
class FlawSizeTable:
    """Critical plating load vs flaw depth and toughness (SI columns, one row per pair)."""

    columns: dict[str, np.ndarray]

    COLUMNS = ("depth", "fracture_toughness", "K_I_per_pressure", "K_I_per_pressure_handbook",
               "critical_pressure", "critical_pressure_handbook", "critical_overpotential",
               "critical_overpotential_handbook", "critical_current_density",
               "critical_current_density_handbook")
    UNITS = {"depth": "m", "fracture_toughness": "Pa*m^0.5", "K_I_per_pressure": "m^0.5",
             "K_I_per_pressure_handbook": "m^0.5", "critical_pressure": "Pa",
             "critical_pressure_handbook": "Pa", "critical_overpotential": "V",
             "critical_overpotential_handbook": "V", "critical_current_density": "A/m^2",
             "critical_current_density_handbook": "A/m^2"}
    """SI unit of every column (the CSV headers)."""

    def __getitem__(self, key):
        return self.columns[key]

    def __len__(self):
        return len(self.columns["depth"])

    def rows(self) -> list[dict[str, float]]:
        return [{k: float(v[i]) for k, v in self.columns.items()} for i in range(len(self))]

    def to_csv(self, path):
        """Plain CSV with ``name [unit]`` headers (SI); returns the path."""
        from ..tables import write_rows

        return write_rows(path, self.rows(), self.UNITS)


def _si_values(values, unit: str, key: str) -> np.ndarray:
    """A number, a unit string ("5 um") or a list of either, as an SI float array."""
    from ..units import to_si

    if isinstance(values, (str, int, float)):
        items = [values]
    elif isinstance(values, np.ndarray):
        items = values.ravel().tolist()
    else:
        items = list(values)
    return np.array([to_si(v, unit, key=key) for v in items], dtype=float)


def flaw_size_sweep(depths, fracture_toughness_values, parameters=None, *, opening_ratio=0.1,
                    mesh_options=None) -> FlawSizeTable:
    """Critical overpotential and current density vs flaw depth for several K_IC.

    For each depth a (m) one unit-pressure FE solve of a centred flaw in the
    default pellet (``parameters.cell``) gives k = K_I/p; for each K_IC:
    p_c = K_IC/k, eta_c = p_c Omega/F, i_c = eta_c / R_interface
    (:func:`interface_resistance`).  Handbook columns use k = 1.1215
    sqrt(pi a).  Flaw opening = ``opening_ratio`` * depth (only used by
    liquid loading, not here).

    ``depths``: flaw depths [m] (floats in SI or unit strings such as ``"5 um"``);
    ``fracture_toughness_values``: K_IC values [Pa m^0.5] (or ``"1 MPa*m^0.5"``); ``parameters``: a
    ``Parameters`` (None: the defaults); ``mesh_options``: a :class:`MeshOptions`
    (crack-tip mesh). Returns a :class:`FlawSizeTable` (one row per depth and K_IC).
    """
    parameters = _parameters(parameters)
    depths = _si_values(depths, "m", "flaw.depth")
    kics = _si_values(fracture_toughness_values, "Pa*m^0.5", "nasicon.fracture_toughness")
    if np.any(depths <= 0) or not np.all(np.isfinite(depths)):
        raise ParameterError(InputProblem("flaw.depth", "must be positive", depths,
                                          "depths in m, > 0"))
    if np.any(kics <= 0) or not np.all(np.isfinite(kics)):
        raise ParameterError(InputProblem("nasicon.fracture_toughness", "must be positive", kics,
                                          "values in Pa m^0.5, > 0"))
    b, L = parameters.cell.pellet_radius, parameters.cell.pellet_thickness
    geoms = [flaw_geometry(FlawGeometry(b, L, float(a), opening_ratio * float(a)))
             for a in depths]
    omega = parameters.alloy.na_molar_volume
    R_int = interface_resistance(parameters)
    mat = CeramicMaterial.from_parameters(parameters)
    cols = {k: [] for k in FlawSizeTable.COLUMNS}
    for g in geoms:
        k = stress_intensity(g, parameters, pressure=1.0, material=mat, stack_pressure=0.0,
                             mesh_options=mesh_options).K_I
        k_hb = EDGE_CRACK_FACTOR * math.sqrt(math.pi * g.depth)
        for kic in kics:
            for name, kk in (("", k), ("_handbook", k_hb)):
                p_c = kic / kk
                eta = p_c * omega / FARADAY
                cols["critical_pressure" + name].append(p_c)
                cols["critical_overpotential" + name].append(eta)
                cols["critical_current_density" + name].append(eta / R_int)
            cols["depth"].append(g.depth)
            cols["fracture_toughness"].append(kic)
            cols["K_I_per_pressure"].append(k)
            cols["K_I_per_pressure_handbook"].append(k_hb)
    return FlawSizeTable({k: np.asarray(v) for k, v in cols.items()})


__all__ = ["CriticalLoad", "FlawSizeTable", "critical_load", "critical_overpotential",
           "critical_pressure", "flaw_size_sweep", "handbook_critical_pressure",
           "interface_resistance"]
