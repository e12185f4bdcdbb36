"""The schema of a parameter set: one frozen dataclass per component, each field with its SI
unit, allowed range and description in its metadata (:func:`spec`, :func:`choice`).

The values of the default set, with sources and tags, are data in
``nakmodel/data/default_parameters.toml``; :mod:`nakmodel.parameters` loads and validates
them into these classes (and re-exports them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .composition import Composition

INF = math.inf


def spec(unit: str, low: float = -INF, high: float = INF, *, low_open: bool = True,
         high_open: bool = False, integer: bool = False, needs_units: bool = False,
         doc: str = ""):
    """Field metadata: SI ``unit``, allowed range, and a description.

    ``low_open``/``high_open`` say whether the bound itself is excluded.
    ``needs_units`` rejects plain numbers in files (e.g. temperatures, where
    K and degC are both common).
    """
    return field(metadata={"unit": unit, "low": low, "high": high, "low_open": low_open,
                           "high_open": high_open, "integer": integer,
                           "needs_units": needs_units, "doc": doc})


#: values of ``numerics.linear_solver`` (see :mod:`nakmodel.model.solvers`)
LINEAR_SOLVERS = ("auto", "direct", "iterative")
#: values of ``numerics.newton_method`` (see :class:`nakmodel.model.problem.NewtonOptions`)
NEWTON_METHODS = ("builtin", "snes")


def choice(options: tuple[str, ...], *, doc: str = ""):
    """Field metadata of a setting that takes one of a few names (no unit, no range)."""
    return field(metadata={"unit": "", "low": -INF, "high": INF, "low_open": True,
                           "high_open": False, "integer": False, "needs_units": False,
                           "choices": tuple(options), "doc": doc})


def _range_text(meta) -> str:
    if meta.get("choices"):
        return "one of " + ", ".join(repr(c) for c in meta["choices"])
    lo = "(" if meta["low_open"] else "["
    hi = ")" if meta["high_open"] else "]"
    low = "-inf" if meta["low"] == -INF else f"{meta['low']:g}"
    high = "inf" if meta["high"] == INF else f"{meta['high']:g}"
    unit = meta["unit"] or "dimensionless"
    kind = "an integer" if meta["integer"] else "a value"
    return f"{kind} in {lo}{low}, {high}{hi} {unit}"


@dataclass(frozen=True)
class AlloyParameters:
    """The working-electrode metal (liquid NaK, or solid Na/K)."""

    composition: Composition = field(metadata={"unit": "", "doc": "initial composition"})
    redlich_kister_L0: float = spec("J/mol", -1e5, 1e5, low_open=False,
                                    doc="Redlich-Kister L0 of the liquid")
    redlich_kister_L1: float = spec("J/mol", -1e5, 1e5, low_open=False,
                                    doc="Redlich-Kister L1 of the liquid")
    redlich_kister_L2: float = spec("J/mol", -1e5, 1e5, low_open=False,
                                    doc="Redlich-Kister L2 of the liquid")
    k_solidus_limiting_slope: float = spec("1/K", 0, 1, low_open=False,
                                           doc="limiting solidus slope at pure K (Na in solid K)")
    na_solidus_limiting_slope: float = spec("1/K", 0, 1, low_open=False,
                                            doc="limiting solidus slope at pure Na (K in solid Na)")
    na_tracer_diffusivity_prefactor: float = spec("m^2/s", 0, 1e-3, doc="D0 of Na in liquid")
    na_tracer_activation_energy: float = spec("J/mol", 0, 2e5, low_open=False,
                                              doc="Q of Na tracer diffusion in liquid")
    k_tracer_diffusivity_prefactor: float = spec("m^2/s", 0, 1e-3, doc="D0 of K in liquid")
    k_tracer_activation_energy: float = spec("J/mol", 0, 2e5, low_open=False,
                                             doc="Q of K tracer diffusion in liquid")
    interdiffusivity_factor: float = spec("", 0, 1e3, doc="multiplier on Darken interdiffusivity")
    solid_diffusivity: float = spec("m^2/s", 0, 1e-6, doc="diffusivity where the metal is solid")
    na_molar_volume: float = spec("m^3/mol", 0, 1e-3, doc="molar volume of Na")
    k_molar_volume: float = spec("m^3/mol", 0, 1e-3, doc="molar volume of K")
    viscosity: float = spec("Pa*s", 0, 10, doc="dynamic viscosity of the liquid alloy")
    surface_tension: float = spec("N/m", 0, 10, doc="surface tension of the liquid alloy")
    contact_angle: float = spec("rad", 0, 3.14159265358979, low_open=False, high_open=False,
                                doc="contact angle of the liquid alloy on NASICON (< 90 deg "
                                "wets: an isolated meniscus sucks, > 90 deg pushes)")
    na_melting_point: float = spec("K", 0, 2000, needs_units=True, doc="melting point of Na")
    na_enthalpy_of_fusion: float = spec("J/mol", 0, 1e5, doc="enthalpy of fusion of Na")
    k_melting_point: float = spec("K", 0, 2000, needs_units=True, doc="melting point of K")
    k_enthalpy_of_fusion: float = spec("J/mol", 0, 1e5, doc="enthalpy of fusion of K")
    na2k_peritectic_temperature: float = spec("K", 0, 2000, needs_units=True,
                                              doc="peritectic decomposition of Na2K")
    phase_smoothing: float = spec("", 0, 0.1,
                                  doc="numerical: relative half-width of the C^1 blend at each "
                                  "phase boundary of the FE lever rule and potential")
    solid_k_nucleation_supersaturation: float = spec(
        "", 0, 0.1, low_open=False,
        doc="study parameter: Na mole fraction below the K-side liquidus at which solid K "
        "nucleates (metastable liquid above it; 0 = off, precipitation at the liquidus)")


@dataclass(frozen=True)
class NasiconParameters:
    """The NASICON solid electrolyte (ionic conduction and mechanics)."""

    conductivity: float = spec("S/m", 0, 100,
                               doc="Na+ conductivity at 25 degC (Arrhenius-scaled to the "
                               "temperature when the activation energy is > 0)")
    conductivity_activation_energy: float = spec("J/mol", 0, 2e5, low_open=False,
                                                 doc="Arrhenius activation energy (0 = off)")
    relative_permittivity: float = spec("", 1, 1e5, low_open=False,
                                        doc="relative permittivity (geometric capacitance)")
    youngs_modulus: float = spec("Pa", 0, 1e12, doc="Young's modulus")
    poisson_ratio: float = spec("", -1, 0.5, high_open=True, doc="Poisson's ratio")
    fracture_toughness: float = spec("Pa*m^0.5", 0, 1e8, doc="mode-I fracture toughness K_IC")
    strength: float = spec("Pa", 0, 1e10, doc="flexural strength")
    bulk_conductivity: float = spec("S/m", 0, 100, low_open=False,
                                    doc="grain (bulk) Na+ conductivity at 25 degC, > total; "
                                    "0 = no grain boundaries (brick layer off)")
    bulk_activation_energy: float = spec("J/mol", 0, 2e5, low_open=False,
                                         doc="Arrhenius activation energy of the bulk "
                                         "conductivity")
    grain_boundary_activation_energy: float = spec("J/mol", 0, 2e5, low_open=False,
                                                   doc="Arrhenius activation energy of the "
                                                   "grain-boundary conductivity")
    grain_boundary_permittivity: float = spec("F/m", 0, 1, low_open=False,
                                              doc="effective permittivity of the grain-"
                                              "boundary response (C_gb x thickness / area)")


@dataclass(frozen=True)
class KineticsParameters:
    """Butler-Volmer kinetics of one metal|NASICON interface."""

    exchange_current_density: float = spec("A/m^2", 0, 1e7, doc="exchange current density i0")
    anodic_transfer_coefficient: float = spec("", 0, 1, high_open=True, doc="alpha_a")
    cathodic_transfer_coefficient: float = spec("", 0, 1, high_open=True, doc="alpha_c")
    double_layer_capacitance: float = spec("F/m^2", 0, 100, doc="double-layer capacitance")


@dataclass(frozen=True)
class InterfaceParameters(KineticsParameters):
    """Working electrode | NASICON interface: kinetics plus contact."""

    contact_fraction: float = spec("", 0, 1, doc="fraction of the interface in contact")
    blocking_smoothing: float = spec("", 0, 0.5,
                                     doc="residual oxidation conductance of solid-K-covered "
                                     "area (relative, numerical)")
    blocked_capacitance: float = spec("F/m^2", 0, 100, low_open=False,
                                      doc="capacitance of interface area without contact "
                                      "(voids, non-contacting area)")
    patch_size: float = spec("m", 0, 1, low_open=False,
                             doc="period of sub-grid active patches (sub-grid constriction; "
                             "0 = off)")
    patch_shape: str = choice(("spot", "strip"), doc="shape of the sub-grid active patches")
    exchange_current_activation_energy: float = spec("J/mol", 0, 2e5, low_open=False,
                                                     doc="Arrhenius activation energy of i0")
    solid_k_exchange_current_density: float = spec(
        "A/m^2", 0, 1e7, doc="exchange current density of Na+ reduction on solid K (reference "
        "pure liquid Na): plating onto K-covered area")


@dataclass(frozen=True)
class CounterElectrodeParameters(KineticsParameters):
    """Na counter electrode | NASICON interface."""


@dataclass(frozen=True)
class CellParameters:
    """Default cell dimensions (used by :class:`nakmodel.Cell` when not given)."""

    pellet_radius: float = spec("m", 0, 1, doc="NASICON pellet radius")
    pellet_thickness: float = spec("m", 0, 1, doc="NASICON pellet thickness")
    alloy_thickness: float = spec("m", 0, 1, doc="working-electrode metal layer thickness")
    stack_pressure: float = spec("Pa", 0, 1e9, low_open=False, doc="applied stack pressure")


@dataclass(frozen=True)
class SolidSodiumParameters:
    """Creep of solid Na plated into a flaw (:mod:`nakmodel.mechanics.creep_extrusion`)."""

    creep_exponent: float = spec("", 1, 20, low_open=False,
                                 doc="stress exponent n of power-law creep of solid Na")
    yield_strength: float = spec("Pa", 0, 1e9, doc="flow (yield) stress of solid Na at the "
                                 "reference strain rate and temperature")
    reference_strain_rate: float = spec("1/s", 0, 1e3, doc="strain rate of yield_strength")
    reference_temperature: float = spec("K", 0, 371, needs_units=True,
                                        doc="temperature of yield_strength")
    creep_activation_energy: float = spec("J/mol", 0, 5e5, low_open=False,
                                          doc="activation energy Q of the creep rate")


@dataclass(frozen=True)
class NumericsParameters:
    """Discretisation and solver settings."""

    mesh_size: float = spec("m", 0, 1, doc="target element size at the interface")
    newton_rtol: float = spec("", 0, 1, high_open=True, doc="Newton relative tolerance")
    newton_atol: float = spec("", 0, 1, high_open=True, doc="Newton absolute tolerance")
    newton_max_iterations: int = spec("", 1, 1000, low_open=False, integer=True,
                                      doc="Newton iterations per attempt")
    dt_initial: float = spec("s", 0, INF, high_open=True, doc="first time step")
    dt_min: float = spec("s", 0, INF, high_open=True, doc="smallest time step before failing")
    dt_max: float = spec("s", 0, INF, high_open=True, doc="largest time step")
    max_retries: int = spec("", 0, 100, low_open=False, integer=True,
                            doc="step rejections (halvings) before ConvergenceError")
    linear_solver: str = choice(LINEAR_SOLVERS,
                                doc="Newton linear-solver preset: direct (LU), iterative "
                                "(GMRES + fieldsplit/GAMG, PETSc), auto = direct in 1D/2D, "
                                "iterative in 3D")
    newton_method: str = choice(NEWTON_METHODS,
                                doc="Newton driver: builtin (damped Newton, Deuflhard's natural "
                                "monotonicity test; serial scipy or PETSc backend) or snes "
                                "(PETSc SNES newtonls + nleqerr line search, PETSc backend, "
                                "options prefix nakmodel_)")


GROUPS: dict[str, type] = {
    "alloy": AlloyParameters,
    "nasicon": NasiconParameters,
    "interface": InterfaceParameters,
    "counter_electrode": CounterElectrodeParameters,
    "cell": CellParameters,
    "numerics": NumericsParameters,
    "solid_sodium": SolidSodiumParameters,
}
TEMPERATURE_META = {"unit": "K", "low": 200.0, "high": 400.0, "low_open": False,
                    "high_open": False, "integer": False, "needs_units": True,
                    "doc": "cell temperature"}
