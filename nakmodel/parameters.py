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
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .composition import Composition
from .errors import InputProblem, ParameterError
from .input_files import read_toml
from .parameter_defaults import (  # noqa: F401  (public here too)
    _convert,
    _default_raw,
    _flatten,
    all_keys,
    iter_schema,
)
from .parameter_schema import (  # noqa: F401  (the schema classes, public here too)
    GROUPS,
    LINEAR_SOLVERS,
    NEWTON_METHODS,
    TEMPERATURE_META,
    AlloyParameters,
    CellParameters,
    CounterElectrodeParameters,
    InterfaceParameters,
    KineticsParameters,
    NasiconParameters,
    NumericsParameters,
    SolidSodiumParameters,
    _range_text,
    choice,
    spec,
)

INF = math.inf


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


def _read_source(source) -> tuple[dict[str, Any], str]:
    """Raw dotted-key dict from a path, TOML text mapping, or dict."""
    from .input_files import as_path

    if isinstance(source, Mapping):
        return _flatten(source), "dict"
    path = as_path(source, "parameters")
    data = read_toml(path, "TOML with at least one parameter")
    if "parameters" in data and isinstance(data["parameters"], Mapping):
        beside = [key for key in data if key not in ("parameters", "study")]
        if beside:  # they would be silently dropped
            raise ParameterError([InputProblem(key, "outside the [parameters] table (it would be "
                                               "ignored); move it into [parameters]", None,
                                               f"[parameters] {key} = ... in {path}")
                                  for key in beside])
        data = data["parameters"]
    if not data:
        raise ParameterError(InputProblem(str(path), "no parameters in the file (only comments or "
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
        raise ParameterError(InputProblem("parameters", "expected a TOML file path, a dict of "
                                          f"overrides or a Parameters, not {type(source).__name__}",
                                          source, "a path, a dict or nakmodel.Parameters"))
    if isinstance(source, Parameters):
        return source
    problems: list[InputProblem] = []
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
            problems.append(InputProblem(key, f"unknown parameter; {_suggest(key)}", None, ""))
            continue
        if isinstance(entry, Mapping) and "value" in entry:
            unknown = set(entry) - {"value", "source", "tag"}
            if unknown:
                problems.append(InputProblem(key, f"unknown fields {sorted(unknown)}", None,
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
            problems.append(InputProblem(key, "missing from the default set", None,
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


def _consistency_problems(get, known) -> list[InputProblem]:
    """Cross-field problems among the keys in ``known`` (values via ``get``)."""
    problems = []

    def have(*keys):
        return all(k in known for k in keys)

    if have("numerics.dt_min", "numerics.dt_initial") and \
            get("numerics.dt_min") > get("numerics.dt_initial"):
        problems.append(InputProblem("numerics.dt_min", "larger than numerics.dt_initial",
                                     get("numerics.dt_min"),
                                     f"at most dt_initial = {get('numerics.dt_initial'):g} s"))
    if have("numerics.dt_initial", "numerics.dt_max") and \
            get("numerics.dt_initial") > get("numerics.dt_max"):
        problems.append(InputProblem("numerics.dt_initial", "larger than numerics.dt_max",
                                     get("numerics.dt_initial"),
                                     f"at most dt_max = {get('numerics.dt_max'):g} s"))
    if have("nasicon.bulk_conductivity", "nasicon.conductivity") and \
            0 < get("nasicon.bulk_conductivity") <= get("nasicon.conductivity"):
        problems.append(InputProblem("nasicon.bulk_conductivity",
                                     "must exceed nasicon.conductivity "
                                     "(the total; grain boundaries add resistance)",
                                     get("nasicon.bulk_conductivity"),
                                     f"[S/m] > nasicon.conductivity = "
                                     f"{get('nasicon.conductivity'):g} S/m, or 0 (no grain "
                                     "boundaries)"))
    if have("nasicon.bulk_conductivity", "nasicon.conductivity_activation_energy") and \
            get("nasicon.bulk_conductivity") > 0 and \
            get("nasicon.conductivity_activation_energy") > 0:
        problems.append(InputProblem("nasicon.conductivity_activation_energy",
                                     "with grain boundaries (nasicon.bulk_conductivity > 0) the "
                                     "bulk "
                                     "and grain-boundary activation energies apply",
                                     get("nasicon.conductivity_activation_energy"),
                                     "[J/mol] 0 when nasicon.bulk_conductivity > 0 (set "
                                     "nasicon.bulk_activation_energy and "
                                     "nasicon.grain_boundary_activation_energy)"))
    layers = [get(k) for k in ("cell.alloy_thickness", "cell.pellet_thickness") if k in known]
    if layers and have("numerics.mesh_size") and get("numerics.mesh_size") > min(layers):
        problems.append(InputProblem("numerics.mesh_size", "larger than the thinnest layer",
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
