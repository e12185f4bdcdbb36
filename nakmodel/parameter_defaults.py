"""The default parameter set, read without validation machinery: the schema's keys, the
conversion of one raw value to SI, the raw defaults of ``data/default_parameters.toml`` and
the default alloy section.

Kept apart from :mod:`nakmodel.parameters` so that :mod:`nakmodel.thermo` and
:mod:`nakmodel.admissibility` (which :func:`~nakmodel.parameters.load_parameters` calls to
validate a set) can read the defaults without importing the loader: no import cycle.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import fields
from functools import lru_cache
from importlib import resources
from typing import Any

from .composition import parse_composition
from .errors import InputProblem, ParameterError
from .parameter_schema import GROUPS, TEMPERATURE_META, AlloyParameters, _range_text
from .units import to_si


def iter_schema():
    """Yield ``(dotted_key, metadata)`` for every parameter, in display order."""
    yield "temperature", TEMPERATURE_META
    for group, cls in GROUPS.items():
        for f in fields(cls):
            yield f"{group}.{f.name}", f.metadata


def all_keys() -> list[str]:
    return [k for k, _ in iter_schema()]


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


def _convert(key: str, raw, meta, problems: list[InputProblem]):
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
            problems.append(InputProblem(key, "unknown choice", raw, expected))
            return None
        return raw
    try:
        value = to_si(raw, meta["unit"], key, allow_plain_number=not meta["needs_units"])
    except ParameterError as err:
        problems.extend(InputProblem(p.key, p.message, p.value, expected) for p in err.problems)
        return None
    if meta["integer"]:
        if isinstance(raw, float) and not raw.is_integer() or isinstance(raw, str):
            problems.append(InputProblem(key, "must be an integer", raw, expected))
            return None
        value = int(value)
    low, high = meta["low"], meta["high"]
    too_low = value <= low if meta["low_open"] else value < low
    too_high = value >= high if meta["high_open"] else value > high
    if too_low or too_high:
        problems.append(InputProblem(key, "out of range", raw, expected))
        return None
    return value


@lru_cache(maxsize=1)
def _default_raw() -> dict[str, Any]:
    text = resources.files("nakmodel.data").joinpath("default_parameters.toml").read_text()
    return _flatten(tomllib.loads(text))


def _default_value(entry):
    return entry["value"] if isinstance(entry, Mapping) and "value" in entry else entry


def default_si(key: str):
    """The default SI value of ``key`` if it is a positive float, else None."""
    entry = _default_raw().get(key)
    raw = entry.get("value") if isinstance(entry, dict) else entry
    meta = dict(iter_schema()).get(key)
    if raw is None or meta is None:
        return None
    value = _convert(key, raw, meta, [])
    return value if isinstance(value, float) and value > 0 else None


@lru_cache(maxsize=1)
def default_alloy() -> AlloyParameters:
    """The alloy section of the default set, converted as :func:`load_parameters` does
    (equal to ``load_parameters().alloy``; tested)."""
    raw, schema, problems = _default_raw(), dict(iter_schema()), []
    values = {}
    for f in fields(AlloyParameters):
        key = f"alloy.{f.name}"
        if key not in raw:
            problems.append(InputProblem(key, "missing from the default set", None,
                                         _range_text(schema[key])))
            continue
        values[f.name] = _convert(key, _default_value(raw[key]), schema[key], problems)
    if problems:
        raise ParameterError(problems)
    return AlloyParameters(**values)
