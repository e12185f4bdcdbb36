"""Parameter sets: typed, immutable, validated, with units and sources.

A :class:`Parameters` object groups frozen dataclasses by component (alloy,
NASICON, interface, counter electrode, cell, numerics) plus the temperature.
All values are SI floats inside.  Each field declares its unit, its allowed
range and a one-line description in its metadata (:func:`spec`); the values of
the default set, with their sources and tags, are data in
``nakmodel/data/default_parameters.toml``.

Load with :func:`load_parameters`::

    p = nakmodel.load_parameters()                                   # defaults
    p = nakmodel.load_parameters("my_cell.toml")                      # a file
    p = nakmodel.load_parameters({"alloy.composition": "NaK65",
                                  "nasicon.conductivity": "1e-3 S/cm"})

Every problem in the input is collected and raised at once as a
:class:`~nakmodel.errors.ParameterError` naming the key path, the value, the
expected unit and the allowed range.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from typing import Any

from .composition import Composition, parse_composition
from .errors import ParameterError, Problem
from .io_utils import read_toml
from .units import to_si

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
                                "(FGMRES + fieldsplit/GAMG, PETSc), auto = direct in 1D/2D, "
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


@dataclass(frozen=True)
class Parameters:
    """A complete, validated parameter set (SI units).

    ``sources`` maps each dotted key to ``(source, tag)``; values a user
    overrides without giving a source are tagged ``"user"``.

    Parameters
    ----------
    temperature:
        Cell temperature [K].
    alloy, nasicon, interface, counter_electrode, cell, numerics, solid_sodium:
        The sections of the parameter file (dataclasses with SI fields; every key, unit,
        default and source is listed by ``nakmodel params show``).
    sources:
        Dotted key → (source, tag).

    Build one with :func:`load_parameters`; ``get("nasicon.conductivity")`` reads a
    dotted key, ``replace({...})`` returns a modified copy.
    """

    temperature: float
    alloy: AlloyParameters
    nasicon: NasiconParameters
    interface: InterfaceParameters
    counter_electrode: CounterElectrodeParameters
    cell: CellParameters
    numerics: NumericsParameters
    solid_sodium: SolidSodiumParameters
    sources: Mapping[str, tuple[str, str]] = field(default_factory=dict, compare=False,
                                                   repr=False)

    def get(self, key: str):
        """Value at a dotted key path such as ``"nasicon.conductivity"``."""
        if key == "temperature":
            return self.temperature
        group, _, name = key.partition(".")
        return getattr(getattr(self, group), name)

    def replace(self, overrides: Mapping[str, Any] | None = None, **kwargs) -> Parameters:
        """A new validated set with some values changed (dotted keys, units allowed)."""
        merged = dict(overrides or {})
        merged.update(kwargs)
        return load_parameters(merged, base=self)

    def keys(self) -> list[str]:
        return [key for key, _ in iter_schema()]

    def to_dict(self, *, with_sources: bool = False) -> dict:
        """Nested dict of SI values (TOML-ready with ``with_sources``)."""
        out: dict = {}
        for key, meta in iter_schema():
            value = self.get(key)
            if isinstance(value, Composition):
                value = value.to_toml_value()
            if with_sources:
                source, tag = self.sources.get(key, ("", ""))
                unit = meta["unit"]
                shown = value if (not unit or isinstance(value, dict | str)) else \
                    f"{_float_text(value)} {unit}"
                value = {"value": shown, "source": source, "tag": tag}
            group, _, name = key.partition(".")
            if name:
                out.setdefault(group, {})[name] = value
            else:
                out[key] = value
        return out

    def to_toml(self) -> str:
        """TOML text that :func:`load_parameters` reads back to an equal set."""
        data = self.to_dict(with_sources=True)
        lines = ["# nakmodel parameter set (SI units). tag: F found, M from memory,",
                 "# I derived, ? assumption, user = set by the user.", ""]
        lines.append(f"temperature = {_toml_inline(data['temperature'])}")
        for group in GROUPS:
            lines += ["", f"[{group}]"]
            for name, entry in data[group].items():
                lines.append(f"{name} = {_toml_inline(entry)}")
        return "\n".join(lines) + "\n"

    def table(self) -> list[tuple[str, str, str, str, str]]:
        """Rows of (key, value, unit, tag, source) for display."""
        rows = []
        for key, meta in iter_schema():
            value = self.get(key)
            source, tag = self.sources.get(key, ("", ""))
            text = str(value) if isinstance(value, Composition | str) else f"{value:.6g}"
            rows.append((key, text, meta["unit"], tag, source))
        return rows

    def assumptions(self) -> list[str]:
        """Keys whose value is an assumption (tag ``?``)."""
        return [k for k, (_, tag) in self.sources.items() if tag == "?"]


def _toml_inline(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_inline(v)}" for k, v in value.items()) + " }"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float_text(value)
    return str(value)


def _float_text(value) -> str:
    """Shortest text reading back exactly to ``value`` (values converted from units carry
    no binary noise: :func:`nakmodel.units.to_si` keeps 15 significant digits)."""
    from .display_units import shortest_float_text

    if isinstance(value, bool) or not isinstance(value, int | float):
        return repr(value)
    return shortest_float_text(float(value), 17) if isinstance(value, float) else str(value)


def iter_schema():
    """Yield ``(dotted_key, metadata)`` for every parameter, in display order."""
    yield "temperature", TEMPERATURE_META
    for group, cls in GROUPS.items():
        for f in fields(cls):
            yield f"{group}.{f.name}", f.metadata


def all_keys() -> list[str]:
    return [k for k, _ in iter_schema()]


def _suggest(key: str) -> str:
    """'did you mean ...?' for an unknown key: the closest name in the same group first."""
    group, dot, name = key.rpartition(".")
    close: list[str] = []
    if dot:
        group_close = difflib.get_close_matches(group, list(GROUPS), n=1, cutoff=0.6)
        if group_close:
            names = [k.rpartition(".")[2] for k in all_keys() if k.startswith(group_close[0] + ".")]
            match = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
            close = [f"{group_close[0]}.{match[0]}"] if match else []
    if not close:
        close = difflib.get_close_matches(key, all_keys(), n=1, cutoff=0.5)
    if not close:
        close = [k for k in all_keys() if k.rpartition(".")[2] == name]
    return f"did you mean '{close[0]}'?" if close else "see `nakmodel params show`"


def _flatten(data: Mapping, prefix: str = "") -> dict[str, Any]:
    """Nested tables to dotted keys; leaves are values or {value, source, tag} tables."""
    flat: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        is_group = key in GROUPS
        if isinstance(value, Mapping) and is_group:
            flat.update(_flatten(value, prefix=f"{key}."))
        elif isinstance(value, Mapping) and not prefix and "." not in name \
                and name != "temperature" and "value" not in value:
            flat.update(_flatten(value, prefix=f"{key}."))  # a misspelt group: its keys
        elif "." in name and not prefix:
            flat[name] = value
        else:
            flat[key] = value
    return flat


def _convert(key: str, raw, meta, problems: list[Problem]):
    """One raw value to its SI value (or None after recording a problem)."""
    if key == "alloy.composition":
        try:
            return parse_composition(raw, key)
        except ParameterError as err:
            problems.extend(err.problems)
            return None
    expected = _range_text(meta)
    if meta.get("choices"):
        if not (isinstance(raw, str) and raw in meta["choices"]):
            problems.append(Problem(key, "unknown choice", raw, expected))
            return None
        return raw
    try:
        value = to_si(raw, meta["unit"], key, allow_plain_number=not meta["needs_units"])
    except ParameterError as err:
        problems.extend(Problem(p.key, p.message, p.value, expected) for p in err.problems)
        return None
    if meta["integer"]:
        if isinstance(raw, float) and not raw.is_integer() or isinstance(raw, str):
            problems.append(Problem(key, "must be an integer", raw, expected))
            return None
        value = int(value)
    low, high = meta["low"], meta["high"]
    too_low = value <= low if meta["low_open"] else value < low
    too_high = value >= high if meta["high_open"] else value > high
    if too_low or too_high:
        problems.append(Problem(key, "out of range", raw, expected))
        return None
    return value


@lru_cache(maxsize=1)
def _default_raw() -> dict[str, Any]:
    text = resources.files("nakmodel.data").joinpath("default_parameters.toml").read_text()
    return _flatten(tomllib.loads(text))


def _read_source(source) -> tuple[dict[str, Any], str]:
    """Raw dotted-key dict from a path, TOML text mapping, or dict."""
    from .io_utils import as_path

    if isinstance(source, Mapping):
        return _flatten(source), "dict"
    path = as_path(source, "parameters")
    data = read_toml(path, "TOML with at least one parameter")
    if "parameters" in data and isinstance(data["parameters"], Mapping):
        beside = [key for key in data if key not in ("parameters", "study")]
        if beside:  # they would be silently dropped
            raise ParameterError([Problem(key, "outside the [parameters] table (it would be "
                                          "ignored); move it into [parameters]", None,
                                          f"[parameters] {key} = ... in {path}")
                                  for key in beside])
        data = data["parameters"]
    if not data:
        raise ParameterError(Problem(str(path), "no parameters in the file (only comments or "
                                     "an empty [parameters] table)", None,
                                     "at least one 'key = value' line"))
    return _flatten(data), str(path)


def load_parameters(source=None, *, base: Parameters | None = None,
                    strict_units: bool | None = None) -> Parameters:
    """Build a validated :class:`Parameters`.

    ``source`` is None (the default set), a TOML path (a full set or partial
    overrides of the defaults; a study file's ``[parameters]`` table works
    too), a dict of overrides (nested or dotted keys; values SI numbers or
    strings with units; a value may also be ``{value=..., source=..., tag=...}``),
    or a :class:`Parameters` (returned unchanged).  Overrides apply on top of
    ``base`` (the defaults when None).  All problems are raised together,
    cross-field ones too.  ``strict_units`` (default: True for a file) refuses
    plain numbers for lengths, current densities and times (is ``1`` a metre
    or a millimetre?).  The initial state must have liquid (see
    :func:`nakmodel.admissibility.initial_state_problems`).

    Returns the validated :class:`Parameters` (SI values, each with its source and tag).
    """
    if source is not None and not isinstance(source, Parameters | Mapping | str) \
            and not hasattr(source, "__fspath__"):
        raise ParameterError(Problem("parameters", "expected a TOML file path, a dict of "
                                     f"overrides or a Parameters, not {type(source).__name__}",
                                     source, "a path, a dict or nakmodel.Parameters"))
    if isinstance(source, Parameters):
        return source
    problems: list[Problem] = []
    overrides: dict[str, Any] = {}
    if source is not None:
        overrides, _origin = _read_source(source)
    if strict_units is None:
        strict_units = source is not None and not isinstance(source, Mapping)
    schema = dict(iter_schema())

    raw: dict[str, Any] = {}
    sources: dict[str, tuple[str, str]] = {}
    if base is None:
        for key, entry in _default_raw().items():
            raw[key] = entry["value"] if isinstance(entry, Mapping) and "value" in entry \
                else entry
            if isinstance(entry, Mapping) and "value" in entry:
                sources[key] = (entry.get("source", ""), entry.get("tag", ""))
    else:
        sources = dict(base.sources)

    refused: set[str] = set()
    for key, entry in overrides.items():
        if key not in schema:
            problems.append(Problem(key, f"unknown parameter; {_suggest(key)}", None, ""))
            continue
        if isinstance(entry, Mapping) and "value" in entry:
            unknown = set(entry) - {"value", "source", "tag"}
            if unknown:
                problems.append(Problem(key, f"unknown fields {sorted(unknown)}", None,
                                        "value, source, tag"))
            raw[key] = entry["value"]
            sources[key] = (str(entry.get("source", "user")), str(entry.get("tag", "user")))
        else:
            raw[key] = entry
            sources[key] = ("user" if _origin == "dict" else _origin, "user")
        if strict_units:
            from .admissibility import plain_number_problem

            problem = plain_number_problem(key, raw[key], schema[key])
            if problem is not None:
                problems.append(problem)
                refused.add(key)

    values: dict[str, Any] = {}
    for key, meta in schema.items():
        if key in refused:
            values[key] = None
        elif key in raw:
            values[key] = _convert(key, raw[key], meta, problems)
        elif base is not None:
            values[key] = base.get(key)
        else:
            problems.append(Problem(key, "missing from the default set", None,
                                    _range_text(meta)))
    if problems:  # the cross-field checks of the values that are valid, reported together
        values = {k: v for k, v in values.items() if v is not None}
        problems += _consistency_problems(values.get, set(values))
        raise ParameterError(problems)

    groups = {}
    for group, cls in GROUPS.items():
        kwargs = {f.name: values[f"{group}.{f.name}"] for f in fields(cls)}
        groups[group] = cls(**kwargs)
    params = Parameters(temperature=values["temperature"], sources=sources, **groups)
    _check_consistency(params)
    from .admissibility import initial_state_problems

    problems = initial_state_problems(params)
    if problems:
        raise ParameterError(problems)
    return params


def _consistency_problems(get, known) -> list[Problem]:
    """Cross-field problems among the keys in ``known`` (values via ``get``)."""
    problems = []

    def have(*keys):
        return all(k in known for k in keys)

    if have("numerics.dt_min", "numerics.dt_initial") and \
            get("numerics.dt_min") > get("numerics.dt_initial"):
        problems.append(Problem("numerics.dt_min", "larger than numerics.dt_initial",
                                get("numerics.dt_min"),
                                f"at most dt_initial = {get('numerics.dt_initial'):g} s"))
    if have("numerics.dt_initial", "numerics.dt_max") and \
            get("numerics.dt_initial") > get("numerics.dt_max"):
        problems.append(Problem("numerics.dt_initial", "larger than numerics.dt_max",
                                get("numerics.dt_initial"),
                                f"at most dt_max = {get('numerics.dt_max'):g} s"))
    if have("nasicon.bulk_conductivity", "nasicon.conductivity") and \
            0 < get("nasicon.bulk_conductivity") <= get("nasicon.conductivity"):
        problems.append(Problem("nasicon.bulk_conductivity", "must exceed nasicon.conductivity "
                                "(the total; grain boundaries add resistance)",
                                get("nasicon.bulk_conductivity"),
                                f"[S/m] > nasicon.conductivity = "
                                f"{get('nasicon.conductivity'):g} S/m, or 0 (no grain boundaries)"))
    if have("nasicon.bulk_conductivity", "nasicon.conductivity_activation_energy") and \
            get("nasicon.bulk_conductivity") > 0 and \
            get("nasicon.conductivity_activation_energy") > 0:
        problems.append(Problem("nasicon.conductivity_activation_energy",
                                "with grain boundaries (nasicon.bulk_conductivity > 0) the bulk "
                                "and grain-boundary activation energies apply",
                                get("nasicon.conductivity_activation_energy"),
                                "[J/mol] 0 when nasicon.bulk_conductivity > 0 (set "
                                "nasicon.bulk_activation_energy and "
                                "nasicon.grain_boundary_activation_energy)"))
    layers = [get(k) for k in ("cell.alloy_thickness", "cell.pellet_thickness") if k in known]
    if layers and have("numerics.mesh_size") and get("numerics.mesh_size") > min(layers):
        problems.append(Problem("numerics.mesh_size", "larger than the thinnest layer",
                                get("numerics.mesh_size"), f"at most {min(layers):g} m "
                                "(cell.alloy_thickness or cell.pellet_thickness)"))
    return problems


def _check_consistency(p: Parameters) -> None:
    """Cross-field checks (each problem names both keys)."""
    problems = _consistency_problems(p.get, set(all_keys()))
    if problems:
        raise ParameterError(problems)


def default_parameters() -> Parameters:
    """The default set (cached file read; a fresh immutable object)."""
    return load_parameters()
