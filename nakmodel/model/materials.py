"""Material and interface properties used by the FE model (SI units, validated).

Small frozen dataclasses with no physics defaults of their own: every field is required, and
``from_parameters(params=None, **override)`` builds one from a
:class:`nakmodel.parameters.Parameters` (``params=None``: the default set,
``load_parameters()``, i.e. ``nakmodel/data/default_parameters.toml`` with each value's
source and tag; the theory pages docs/theory/*.md explain them).  The few fields the
parameter file has no key for are fixed in :data:`NOT_IN_FILE`, with their reasons.
Unknown quantities ([?]) are documented assumptions meant to be swept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from ..errors import InputProblem, ParameterError
from . import thermo_ufl as tu

#: [K] the temperature at which the parameter file's conductivities and exchange current
#: densities are quoted (their sources give them at 25 degC); the Arrhenius laws refer to it
REFERENCE_TEMPERATURE = 298.15

#: Fields of the dataclasses that the parameter file has no key for, per section.  The
#: counter electrode is pure Na on NASICON: fully wetted, no sub-grid patches, no blocked
#: area, i0 independent of T (the file gives it no activation energy); its solid-K fields
#: never enter the model (no solid K at the counter electrode) and are those of [interface].
NOT_IN_FILE = {
    "nasicon": {"reference_temperature": REFERENCE_TEMPERATURE},
    # blocking_exponent 1: the blocked fraction equals the local solid fraction [?]
    "interface": {"blocking_exponent": 1.0, "reference_temperature": REFERENCE_TEMPERATURE},
    "counter_electrode": {"contact_fraction": 1.0, "blocked_capacitance": 0.0,
                          "patch_size": 0.0, "patch_shape": "spot",
                          "exchange_current_activation_energy": 0.0,
                          "reference_temperature": REFERENCE_TEMPERATURE,
                          "blocking_exponent": 1.0},
}
_FROM_INTERFACE = {"counter_electrode": ("blocking_smoothing",
                                         "solid_k_exchange_current_density")}


@lru_cache(maxsize=1)
def default_parameter_set():
    """The default parameter set, ``load_parameters()`` (read once; it is immutable)."""
    from ..parameters import load_parameters

    return load_parameters()


def _check_positive(obj, names_units: dict[str, str], prefix: str, allow_zero=()):
    problems = []
    for name, unit in names_units.items():
        value = getattr(obj, name)
        bad = not (isinstance(value, (int, float)) and math.isfinite(value))
        if not bad:
            bad = value < 0 if name in allow_zero else value <= 0
        if bad:
            rng = ">= 0" if name in allow_zero else "> 0"
            problems.append(InputProblem(f"{prefix}.{name}", "must be a finite number " + rng,
                                         value, f"[{unit}] {rng}"))
    if problems:
        raise ParameterError(problems)


def _from(params, section: str, cls, override):
    """``cls`` from the ``section`` of ``params`` (a ``Parameters``, the default set when
    None, or the section itself), :data:`NOT_IN_FILE` for the fields the file lacks, then
    ``override`` (field name -> SI value)."""
    names = [f.name for f in fields(cls)]
    unknown = sorted(set(override) - set(names))
    if unknown:
        raise ParameterError([InputProblem(f"{section}.{k}", f"not a field of {cls.__name__}",
                                           override[k], ", ".join(names)) for k in unknown])
    params = default_parameter_set() if params is None else params
    data = getattr(params, section, params)
    values = dict(NOT_IN_FILE.get(section, {}))
    interface = getattr(params, "interface", None)
    for name in _FROM_INTERFACE.get(section, ()):
        if interface is not None:
            values[name] = getattr(interface, name)
    values.update({n: getattr(data, n) for n in names if hasattr(data, n)})
    values.update(override)
    missing = [n for n in names if n not in values]
    if missing:
        raise ParameterError([InputProblem(f"{section}.{n}", "missing from the parameters given",
                                           None, f"a value for {cls.__name__}.{n}")
                              for n in missing])
    return cls(**values)


@dataclass(frozen=True)
class AlloyProperties:
    """Liquid/solid Na-K alloy of the working electrode (fields: ``Parameters.alloy``)."""

    redlich_kister_L0: float  # J/mol [I]
    redlich_kister_L1: float  # J/mol [I]
    redlich_kister_L2: float  # J/mol (optional third term, as in nakmodel.thermo)
    na_tracer_diffusivity_prefactor: float  # m^2/s [F]
    na_tracer_activation_energy: float  # J/mol [F]
    k_tracer_diffusivity_prefactor: float  # m^2/s [F]
    k_tracer_activation_energy: float  # J/mol [F]
    interdiffusivity_factor: float  # [-] assumption multiplier
    solid_diffusivity: float  # m^2/s [?]
    na_molar_volume: float  # m^3/mol [I]
    k_molar_volume: float  # m^3/mol [I]
    na_melting_point: float  # K [F]
    na_enthalpy_of_fusion: float  # J/mol [F]
    k_melting_point: float  # K [F]
    k_enthalpy_of_fusion: float  # J/mol [F]
    na2k_peritectic_temperature: float  # K [M]
    k_solidus_limiting_slope: float  # 1/K [F]: Na dissolved in solid K (0: insoluble)
    na_solidus_limiting_slope: float  # 1/K [F]: K dissolved in solid Na (0: insoluble)
    phase_smoothing: float  # [-] numerical: relative half-width of the C^1 blend at
    # each phase boundary (nakmodel.model.two_phase; error phase_smoothing/4 in fraction)
    solid_k_nucleation_supersaturation: float  # [-] [?] study parameter: x_Na below the
    # K-side liquidus at which solid K nucleates (nakmodel.model.nucleation; 0 = off)

    def __post_init__(self):
        if not (isinstance(self.phase_smoothing, (int, float))
                and 0.0 < self.phase_smoothing <= 0.1):
            raise ParameterError(InputProblem("alloy.phase_smoothing", "must lie in (0, 0.1]",
                                              self.phase_smoothing, "[-] in (0, 0.1]"))
        dx = self.solid_k_nucleation_supersaturation
        if not (isinstance(dx, (int, float)) and not isinstance(dx, bool)
                and 0.0 <= dx <= 0.1):  # (NaN fails both comparisons)
            raise ParameterError(InputProblem(
                "alloy.solid_k_nucleation_supersaturation", "must be a number in [0, 0.1] "
                "(mole fraction of Na below the K-side liquidus; 0 = no nucleation barrier)",
                dx, "[-] in [0, 0.1]"))
        _check_positive(self, {
            "na_tracer_diffusivity_prefactor": "m^2/s", "k_tracer_diffusivity_prefactor": "m^2/s",
            "interdiffusivity_factor": "-", "solid_diffusivity": "m^2/s",
            "na_molar_volume": "m^3/mol", "k_molar_volume": "m^3/mol",
            "na_melting_point": "K", "na_enthalpy_of_fusion": "J/mol",
            "k_melting_point": "K", "k_enthalpy_of_fusion": "J/mol",
            "na_tracer_activation_energy": "J/mol", "k_tracer_activation_energy": "J/mol",
            "k_solidus_limiting_slope": "1/K", "na_solidus_limiting_slope": "1/K",
        }, "alloy", allow_zero=("na_tracer_activation_energy", "k_tracer_activation_energy",
                                "k_solidus_limiting_slope", "na_solidus_limiting_slope"))

    @classmethod
    def from_parameters(cls, params=None, **override) -> AlloyProperties:
        """From ``params.alloy`` (``params``: ``Parameters``, its alloy section, or None for
        the default set), with ``override`` (field -> SI value) on top."""
        return _from(params, "alloy", cls, override)

    # --- derived quantities (numpy) -------------------------------------------------
    def tracer_diffusivities(self, temperature: float) -> tuple[float, float]:
        """(D*_Na, D*_K) [m^2/s] at ``temperature``."""
        return (tu.tracer_diffusivity(self.na_tracer_diffusivity_prefactor,
                                      self.na_tracer_activation_energy, temperature),
                tu.tracer_diffusivity(self.k_tracer_diffusivity_prefactor,
                                      self.k_tracer_activation_energy, temperature))

    def phase_boundaries(self, temperature: float, params=None) -> tuple:
        """(x_liquidus_K, x_solid_K, x_liquidus_Na, x_solid_Na) at ``temperature``.

        From :func:`nakmodel.thermo.phase_boundaries` (dilute terminal solid solutions) when
        available; otherwise the liquid window with pure solids (0, 1)."""
        try:
            from .. import thermo

            b = thermo.phase_boundaries(temperature, params if params is not None else self)
            return tuple(float(np.asarray(v)) for v in (b.liquid_low, b.solid_low,
                                                         b.liquid_high, b.solid_high))
        except (ImportError, AttributeError):
            lo, hi = self.liquid_window(temperature, params)
            return lo, 0.0, hi, 1.0

    def liquid_window(self, temperature: float, params=None) -> tuple[float, float]:
        """(x_liquidus_K_side, x_liquidus_Na_side) at ``temperature``.

        Uses :func:`nakmodel.thermo.liquid_window` when available, else solves the
        Schroeder-van Laar equations ln(x_i gamma_i) = -(dH_i/R)(1/T - 1/T_m,i) here.
        """
        try:
            from .. import thermo

            lo, hi = thermo.liquid_window(temperature, params if params is not None else self)
            return float(np.asarray(lo)), float(np.asarray(hi))
        except (ImportError, AttributeError):
            pass
        L0, L1, T = self.redlich_kister_L0, self.redlich_kister_L1, temperature
        L2 = self.redlich_kister_L2
        from scipy.optimize import brentq

        R = tu.GAS_CONSTANT

        def k_side(x):
            return (np.log(1 - x) + tu.ln_gamma_k(x, T, L0, L1, L2)
                    + self.k_enthalpy_of_fusion / R * (1 / T - 1 / self.k_melting_point))

        def na_side(x):
            return (np.log(x) + tu.ln_gamma_na(x, T, L0, L1, L2)
                    + self.na_enthalpy_of_fusion / R * (1 / T - 1 / self.na_melting_point))

        return brentq(k_side, 1e-9, 0.5), brentq(na_side, 0.3, 1 - 1e-12)


@dataclass(frozen=True)
class NasiconProperties:
    """NASICON solid electrolyte (single-ion conductor), optionally with grain boundaries
    (fields: ``Parameters.nasicon`` and :data:`NOT_IN_FILE`).

    ``conductivity`` is the total DC conductivity at ``reference_temperature``.  With
    ``bulk_conductivity`` > 0 the ceramic is a brick-layer medium (grains in series with
    their boundaries, :mod:`nakmodel.model.ceramic`): the grain-boundary part of the
    resistivity is 1/sigma_gb = 1/sigma_total - 1/sigma_bulk at the reference temperature, the
    bulk and grain-boundary conductivities follow their own Arrhenius laws and the total
    is their series value; ``conductivity_activation_energy`` is then not used (it must be 0).
    """

    conductivity: float  # S/m at reference_temperature
    conductivity_activation_energy: float  # J/mol; 0 = no Arrhenius
    reference_temperature: float  # K, where ``conductivity`` is given
    relative_permittivity: float  # [-] geometric capacitance eps0 eps_r of the ceramic
    # (the model's mass term); 0 = none
    bulk_conductivity: float  # S/m; 0 = no grain boundaries (homogeneous ceramic)
    bulk_activation_energy: float  # J/mol
    grain_boundary_activation_energy: float  # J/mol
    grain_boundary_permittivity: float  # F/m, effective eps of the boundary response

    def __post_init__(self):
        _check_positive(self, {"conductivity": "S/m", "conductivity_activation_energy": "J/mol",
                               "reference_temperature": "K", "relative_permittivity": "-",
                               "bulk_conductivity": "S/m", "bulk_activation_energy": "J/mol",
                               "grain_boundary_activation_energy": "J/mol",
                               "grain_boundary_permittivity": "F/m"},
                        "nasicon",
                        allow_zero=("conductivity_activation_energy", "relative_permittivity",
                                    "bulk_conductivity", "bulk_activation_energy",
                                    "grain_boundary_activation_energy",
                                    "grain_boundary_permittivity"))
        if self.bulk_conductivity > 0:
            if self.bulk_conductivity <= self.conductivity:
                raise ParameterError(InputProblem(
                    "nasicon.bulk_conductivity", "must exceed the total conductivity "
                    "(grain boundaries add resistance)", self.bulk_conductivity,
                    f"[S/m] > nasicon.conductivity = {self.conductivity:g} S/m, or 0 (off)"))
            if self.conductivity_activation_energy > 0:
                raise ParameterError(InputProblem(
                    "nasicon.conductivity_activation_energy", "with grain boundaries the "
                    "bulk and grain-boundary activation energies apply",
                    self.conductivity_activation_energy,
                    "[J/mol] 0 when nasicon.bulk_conductivity > 0"))

    @classmethod
    def from_parameters(cls, params=None, **override) -> NasiconProperties:
        """From ``params.nasicon`` (None: the default set) and :data:`NOT_IN_FILE`, with
        ``override`` (field -> SI value) on top."""
        return _from(params, "nasicon", cls, override)

    @property
    def has_grain_boundaries(self) -> bool:
        return self.bulk_conductivity > 0

    def _arrhenius(self, value, energy, temperature):
        return value * math.exp(-energy / tu.GAS_CONSTANT
                                * (1.0 / temperature - 1.0 / self.reference_temperature))

    def bulk_conductivity_at(self, temperature: float) -> float:
        """Grain (bulk) conductivity sigma_b(T) [S/m] (Arrhenius); the total without grain
        boundaries."""
        if not self.has_grain_boundaries:
            return self.conductivity_at(temperature)
        return self._arrhenius(self.bulk_conductivity, self.bulk_activation_energy, temperature)

    def grain_boundary_conductivity_at(self, temperature: float) -> float:
        """Effective grain-boundary conductivity of the brick layer [S/m],
        1/sigma_gb = 1/sigma_total - 1/sigma_bulk at T_ref, Arrhenius in T; inf without."""
        if not self.has_grain_boundaries:
            return math.inf
        ref = 1.0 / (1.0 / self.conductivity - 1.0 / self.bulk_conductivity)
        return self._arrhenius(ref, self.grain_boundary_activation_energy, temperature)

    def conductivity_at(self, temperature: float) -> float:
        """Total DC conductivity sigma(T) [S/m]: sigma_ref exp(-Ea/R (1/T - 1/T_ref))
        (Arrhenius, docs/theory/ceramic.md), or with grain boundaries the brick-layer series
        value 1/sigma = 1/sigma_b(T) + 1/sigma_gb(T)."""
        if self.has_grain_boundaries:
            return 1.0 / (1.0 / self.bulk_conductivity_at(temperature)
                          + 1.0 / self.grain_boundary_conductivity_at(temperature))
        ea = self.conductivity_activation_energy
        return self.conductivity * math.exp(
            -ea / tu.GAS_CONSTANT * (1.0 / temperature - 1.0 / self.reference_temperature))


@dataclass(frozen=True)
class ElectrodeInterface:
    """Kinetic and capacitive properties of a metal | NASICON interface (fields:
    ``Parameters.interface`` or ``.counter_electrode``, and :data:`NOT_IN_FILE`)."""

    exchange_current_density: float  # A/m^2 [?]
    anodic_transfer_coefficient: float
    cathodic_transfer_coefficient: float
    double_layer_capacitance: float  # F/m^2 [?]
    contact_fraction: float  # [-] homogenised wetted fraction of contact facets
    blocking_smoothing: float  # [-] residual oxidation conductance of the area
    # covered by solid K, relative (numerical: keeps a fully covered interface solvable)
    solid_k_exchange_current_density: float  # A/m^2 [?]: Na+ reduction on solid K
    # (reference pure liquid Na, as exchange_current_density; nakmodel.model.two_phase)
    blocking_exponent: float  # [-] f_open = (unblocked fraction)^n; 1 = coverage equals
    # the local solid fraction [?] (assumption; n > 1 blocks faster, e.g. solid K wetting the
    # ceramic preferentially)
    blocked_capacitance: float  # F/m^2, interface area without contact (voids) [?]
    patch_size: float  # m, period of sub-grid active patches (0: no sub-grid term) [?]
    patch_shape: str  # "spot" or "strip" (nakmodel.model.constriction)
    exchange_current_activation_energy: float  # J/mol, Arrhenius of i0 [?]
    reference_temperature: float  # K, where i0 is given

    def __post_init__(self):
        _check_positive(self, {
            "exchange_current_density": "A/m^2", "anodic_transfer_coefficient": "-",
            "cathodic_transfer_coefficient": "-", "double_layer_capacitance": "F/m^2",
            "contact_fraction": "-", "blocking_smoothing": "-", "blocking_exponent": "-",
            "blocked_capacitance": "F/m^2", "patch_size": "m",
            "exchange_current_activation_energy": "J/mol", "reference_temperature": "K",
            "solid_k_exchange_current_density": "A/m^2"},
            "interface",
            allow_zero=("double_layer_capacitance", "blocked_capacitance", "patch_size",
                        "exchange_current_activation_energy"))
        if self.patch_shape not in ("spot", "strip"):
            raise ParameterError(InputProblem("interface.patch_shape", "unknown patch shape",
                                              self.patch_shape, "'spot' or 'strip'"))
        if self.contact_fraction > 1.0:
            raise ParameterError(InputProblem("interface.contact_fraction", "must be <= 1",
                                              self.contact_fraction, "[-] in (0, 1]"))

    @classmethod
    def from_parameters(cls, params=None, section: str = "interface",
                        **override) -> ElectrodeInterface:
        """From ``params.<section>`` (``"interface"``: the working electrode,
        ``"counter_electrode"``; None: the default set) and :data:`NOT_IN_FILE`, with
        ``override`` (field -> SI value) on top."""
        if section not in ("interface", "counter_electrode"):
            raise ParameterError(InputProblem("section", "not an electrode section", section,
                                              "'interface' or 'counter_electrode'"))
        return _from(params, section, cls, override)

    def exchange_current_at(self, temperature: float) -> float:
        """i0(T) = i0_ref exp(-E_a/R (1/T - 1/T_ref)) [A/m^2] (Arrhenius; E_a = 0: constant)."""
        return self.exchange_current_density * math.exp(
            -self.exchange_current_activation_energy / tu.GAS_CONSTANT
            * (1.0 / temperature - 1.0 / self.reference_temperature))
