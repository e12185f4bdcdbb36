"""Sweep definitions: the ``[sweep]`` table of a study TOML, expanded into points.

A sweep varies parameter keys (``nasicon.conductivity``) and/or options of the
study kind (``thermodynamics.layer_thickness``) over a grid::

    [sweep]
    mode = "cartesian"                  # or "zip" (parameters in lock step) or "list"
    outputs = ["strippable_mAh_cm2"]    # a subset of the kind's OUTPUTS (default: all)

    [[sweep.parameter]]
    key = "alloy.composition"
    values = ["NaK50", "NaK65", "NaK80"]

    [[sweep.parameter]]
    key = "temperature"
    range = { start = "0 degC", stop = "60 degC", num = 4, scale = "linear" }

``mode = "list"`` takes ``points = [{ temperature = "25 degC", ... }, ...]``
instead of ``[[sweep.parameter]]``.

Every point is resolved to a full :class:`~nakmodel.study.Study` up front, so
every problem (unknown key, wrong unit, out-of-range value, unequal zip
lengths, ...) is reported at once, before anything runs.  Each point has a
stable :attr:`Point.point_id`: a short SHA-256 of the canonical JSON of its
complete resolved inputs (all parameters in SI, the kind's options, the kind
and the code version), so identical physics gives an identical id whatever
sweep it comes from.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import hashlib
import importlib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputProblem, ParameterError
from ..input_files import read_toml

MODES = ("cartesian", "zip", "list")
SCALES = ("linear", "log")
_SWEEP_KEYS = {"mode", "outputs", "parameter", "points"}
_PARAMETER_KEYS = {"key", "values", "range"}
_RANGE_KEYS = {"start", "stop", "num", "scale"}
ID_LENGTH = 16


@dataclass(frozen=True)
class SweptKey:
    """One swept key and its values as given (strings with units, numbers or tables)."""

    key: str
    values: tuple
    target: str  # "parameter" or the kind option table the key belongs to


@dataclass(frozen=True)
class Point:
    """One point of a sweep: its overrides, its resolved study and its stable id."""

    index: int
    point_id: str
    overrides: Mapping[str, Any]
    si: Mapping[str, Any]
    study: Any = field(compare=False, repr=False)

    def label(self) -> str:
        return ", ".join(f"{k}={_display(v)}" for k, v in self.overrides.items())


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the base study, the swept keys, the outputs and every point."""

    base: Any  # nakmodel.study.Study
    mode: str
    keys: tuple[SweptKey, ...]
    outputs: tuple[str, ...]
    points: tuple[Point, ...]
    kind_module: str
    units: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.base.name

    @property
    def swept(self) -> tuple[str, ...]:
        """Swept keys in column order (for ``list`` mode: union over the points)."""
        seen: dict[str, None] = {}
        for point in self.points:
            for key in point.overrides:
                seen.setdefault(key, None)
        return tuple(seen)


def _display(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True)
    return repr(value) if isinstance(value, float) else str(value)


def canonical(obj):
    """A JSON-ready, deterministic form of parameters/options (dataclasses, tuples, floats)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: canonical(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if f.compare}
    if isinstance(obj, Mapping):
        return {str(k): canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [canonical(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else repr(obj)
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return canonical(obj.item())
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    return repr(obj)


HASH_DIGITS = 12


def _rounded(obj):
    """Floats to ``HASH_DIGITS`` significant digits (unit spellings differ in the last ulp)."""
    if isinstance(obj, float):
        return float(f"{obj:.{HASH_DIGITS}g}")
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


def point_id(study, kind_module: str) -> str:
    """Stable short hash of a resolved study's physics: parameters, options, kind, versions.

    SHA-256 of the canonical JSON (sorted keys, SI floats rounded to
    ``HASH_DIGITS`` significant digits, so ``"1 mS/cm"`` and ``0.1`` S/m give the
    same id) of every parameter, the kind's options, the kind, its ``VERSION``
    and the nakmodel version; the first ``ID_LENGTH`` hex digits.
    """
    from .. import __version__

    module = importlib.import_module(kind_module)
    payload = {
        "kind": study.kind,
        "kind_version": canonical(getattr(module, "VERSION", None)),
        "nakmodel": __version__,
        "parameters": canonical(study.parameters.to_dict()),
        "options": canonical(study.options),
    }
    text = json.dumps(_rounded(payload), sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:ID_LENGTH]


def _closest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def _read(source) -> tuple[dict, Path | None]:
    if isinstance(source, Mapping):
        return copy.deepcopy(dict(source)), None
    from ..input_files import as_path

    path = as_path(source, "study")
    return read_toml(path, "a [study] table and a [sweep] table"), path


def _kind_info(kind):
    """(module name, module) of a sweepable kind, or problems."""
    from ..study import KINDS

    if kind not in KINDS:
        return None, None
    name = KINDS[kind]
    return name, importlib.import_module(name)


def _option_names(module, kind: str) -> dict[str, tuple[str, ...]]:
    """Option tables of a kind -> their option names (``OPTIONS`` or ``OPTION_TABLES``)."""
    tables = getattr(module, "OPTION_TABLES", None)
    if tables:
        return {t: tuple(names) for t, names in tables.items()}
    return {kind: tuple(getattr(module, "OPTIONS", ()))}


def _classify(key: str, kind: str, module, problems: list[InputProblem], where: str) -> str | None:
    """'parameter', an option table name, or None (after recording a problem)."""
    from ..parameters import all_keys

    params = all_keys()
    if key in params:
        return "parameter"
    tables = _option_names(module, kind) if module is not None else {}
    table, _, name = key.partition(".")
    if table in tables and name:
        if not tables[table] or name in tables[table]:
            return table
    options = [f"{t}.{n}" for t, names in tables.items() for n in names]
    problems.append(InputProblem(where,
                                 f"unknown swept key '{key}'" + _closest(key, params + options),
                                 key, "a parameter key (see `nakmodel params show`) or "
                                 + (", ".join(options) if options else f"'{kind}.<option>'")))
    return None


def _unit_of(key: str, target: str, module) -> str:
    from ..parameters import iter_schema

    if target == "parameter":
        if key == "alloy.composition":
            return "x_Na"
        return dict(iter_schema())[key]["unit"]
    units = getattr(module, "OPTION_UNITS", {}) if module is not None else {}
    return units.get(key.partition(".")[2], units.get(key, ""))


def _needs_units(key: str, target: str) -> bool:
    from ..parameters import iter_schema

    return target == "parameter" and bool(dict(iter_schema())[key].get("needs_units"))


def _expand_range(rng, unit: str, where: str, problems: list[InputProblem],
                  plain_ok: bool = True) -> tuple | None:
    """Values of a ``{start, stop, num, scale}`` range, as strings in the start's unit."""
    from ..units import _quantity, _si_unit, registry, to_si

    if not isinstance(rng, Mapping):
        problems.append(InputProblem(
            where, "must be a table", rng,
            "{ start = ..., stop = ..., num = N, scale = 'linear'|'log' }"))
        return None
    bad = False
    for extra in set(rng) - _RANGE_KEYS:
        problems.append(InputProblem(f"{where}.{extra}", "unknown range field"
                                     + _closest(extra, _RANGE_KEYS), None,
                                     "start, stop, num, scale"))
        bad = True
    for need in ("start", "stop", "num"):
        if need not in rng:
            problems.append(InputProblem(f"{where}.{need}", "missing", None,
                                         "start, stop and num are required"))
            bad = True
    scale = rng.get("scale", "linear")
    if scale not in SCALES:
        problems.append(InputProblem(f"{where}.scale",
                                     "unknown scale" + _closest(str(scale), SCALES),
                                     scale, "'linear' or 'log'"))
        bad = True
    num = rng.get("num")
    if "num" in rng and (isinstance(num, bool) or not isinstance(num, int) or num < 1):
        problems.append(InputProblem(f"{where}.num", "must be an integer >= 1 (an empty range has "
                                     "no points)", num, "an integer >= 1"))
        bad = True
    if bad:
        return None
    start, stop = rng["start"], rng["stop"]
    if not unit and isinstance(start, str):  # an option without a declared unit: start's SI
        try:
            q = _quantity(start)
            unit = "" if q.dimensionless else f"{q.to_base_units().units}"
        except Exception:  # noqa: BLE001 - to_si below reports the bad string
            pass
    si = []
    for end, value in (("start", start), ("stop", stop)):
        try:
            si.append(to_si(value, unit, f"{where}.{end}", allow_plain_number=plain_ok))
        except ParameterError as err:
            problems.extend(err.problems)
    if len(si) < 2:
        return None
    if scale == "log" and (si[0] <= 0 or si[1] <= 0):
        problems.append(InputProblem(where, "a log range needs positive ends (in SI)",
                                     f"{start} .. {stop}", "start > 0 and stop > 0"))
        return None
    if num > 1 and si[0] == si[1]:
        problems.append(InputProblem(where, "start equals stop: all points would be identical",
                                     f"{start} .. {stop}", "start != stop, or num = 1"))
        return None
    import numpy as np

    space = np.geomspace if scale == "log" else np.linspace
    q0 = _quantity(start) if isinstance(start, str) else None
    units = getattr(q0, "units", None)
    if units is None or q0.dimensionless:  # plain numbers: an SI grid of floats
        return tuple(float(f"{v:.15g}") for v in space(si[0], si[1], num).tolist())
    multiplicative = q0._ok_for_muldiv()
    if multiplicative or scale == "linear":  # grid in the unit the start was given in
        q1 = _quantity(stop) if isinstance(stop, str) else \
            registry().Quantity(stop, _si_unit(unit))
        lo, hi = float(q0.magnitude), float(q1.to(units).magnitude)
        return tuple(f"{v:.15g} {units:~}" for v in space(lo, hi, num).tolist())
    # log grid of an offset unit (degC): in SI
    return tuple(f"{v:.15g} {_si_unit(unit):~}" for v in space(si[0], si[1], num).tolist())


def _parse_keys(table: Mapping, kind, module, problems) -> tuple[list[SweptKey], list[dict]]:
    """Swept keys and the list of override dicts (one per point)."""
    mode = table.get("mode", "cartesian")
    entries = table.get("parameter", [])
    keys: list[SweptKey] = []
    if mode == "list":
        if entries:
            problems.append(InputProblem("sweep.parameter", "not used with mode = 'list'", None,
                                         "points = [{...}, ...]"))
        raw_points = table.get("points")
        if not isinstance(raw_points, list) or not raw_points:
            problems.append(InputProblem("sweep.points", "mode = 'list' needs a non-empty list of "
                                         "tables", raw_points,
                                         "points = [{ key = value, ... }, ...]"))
            return keys, []
        points = []
        targets: dict[str, str | None] = {}
        for i, entry in enumerate(raw_points):
            if not isinstance(entry, Mapping) or not entry:
                problems.append(InputProblem(f"sweep.points[{i}]", "must be a non-empty table",
                                             entry, "{ key = value, ... }"))
                continue
            for key in entry:
                if key not in targets:
                    targets[key] = _classify(key, kind, module, problems, f"sweep.points[{i}]")
            points.append(dict(entry))
        for key, target in targets.items():
            if target is not None:
                values = tuple(p[key] for p in points if key in p)
                keys.append(SweptKey(key, values, target))
        if any(t is None for t in targets.values()):
            return keys, []
        return keys, points
    if "points" in table:
        problems.append(InputProblem("sweep.points", f"only used with mode = 'list' (mode is "
                                     f"'{mode}')", None, "[[sweep.parameter]] tables"))
    if not isinstance(entries, list) or not entries:
        problems.append(InputProblem("sweep.parameter", "no swept parameter", None,
                                     "at least one [[sweep.parameter]] with key and values or "
                                     "range"))
        return keys, []
    seen: set[str] = set()
    ok = True
    for i, entry in enumerate(entries):
        where = f"sweep.parameter[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(InputProblem(where, "must be a table", entry,
                                         "{ key = ..., values = [...] }"))
            ok = False
            continue
        for extra in set(entry) - _PARAMETER_KEYS:
            problems.append(InputProblem(f"{where}.{extra}", "unknown field"
                                         + _closest(extra, _PARAMETER_KEYS), None,
                                         "key, values, range"))
            ok = False
        key = entry.get("key")
        if not isinstance(key, str) or not key:
            problems.append(InputProblem(f"{where}.key", "missing or not a string", key,
                                         "a dotted key such as 'nasicon.conductivity'"))
            ok = False
            continue
        if key in seen:
            problems.append(InputProblem(f"{where}.key", f"duplicate swept key '{key}'", key,
                                         "each key swept once"))
            ok = False
            continue
        seen.add(key)
        target = _classify(key, kind, module, problems, f"{where}.key")
        if target is None:
            ok = False
            continue
        has_values, has_range = "values" in entry, "range" in entry
        if has_values == has_range:
            problems.append(InputProblem(where, "give exactly one of 'values' or 'range'", None,
                                         "values = [...] or range = { start, stop, num }"))
            ok = False
            continue
        if has_values:
            values = entry["values"]
            if not isinstance(values, list) or not values:
                problems.append(InputProblem(f"{where}.values", "must be a non-empty list", values,
                                             "a list with at least one value"))
                ok = False
                continue
            values = tuple(values)
        elif key == "alloy.composition":  # a range of the mole fraction x_Na
            values = _expand_range(entry["range"], "", f"{where}.range", problems)
            values = None if values is None else tuple({"x_Na": v} for v in values)
        else:
            values = _expand_range(entry["range"], _unit_of(key, target, module),
                                   f"{where}.range", problems,
                                   plain_ok=not _needs_units(key, target))
        if values is None:
            ok = False
            continue
        keys.append(SweptKey(key, values, target))
    if not ok or not keys:
        return keys, []
    if mode == "zip":
        lengths = {k.key: len(k.values) for k in keys}
        if len(set(lengths.values())) > 1:
            problems.append(InputProblem("sweep.parameter", "mode = 'zip' needs lists of equal "
                                         "length", lengths,
                                         "the same number of values for every key"))
            return keys, []
        combos = zip(*(k.values for k in keys), strict=True)
    else:
        combos = itertools.product(*(k.values for k in keys))
    return keys, [{k.key: v for k, v in zip(keys, combo, strict=True)} for combo in combos]


def _apply(data: dict, overrides: Mapping, targets: Mapping[str, str]) -> dict:
    """A copy of the study data with one point's overrides applied."""
    out = copy.deepcopy(data)
    params = dict(out.get("parameters", {}))
    for key, value in overrides.items():
        target = targets[key]
        if target == "parameter":
            _drop_nested(params, key)
            params[key] = value
        else:
            table = out.setdefault(target, {})
            path = key.split(".")[1:]
            for part in path[:-1]:
                table = table.setdefault(part, {})
            table[path[-1]] = value
    out["parameters"] = params
    return out


def _drop_nested(params: dict, key: str) -> None:
    """Remove a value given in nested form ([parameters.nasicon] conductivity) for ``key``."""
    group, _, name = key.partition(".")
    if name and isinstance(params.get(group), Mapping):
        sub = dict(params[group])
        sub.pop(name, None)
        params[group] = sub


def _si_value(study, key: str, target: str):
    if target == "parameter":
        value = study.parameters.get(key)
        return getattr(value, "x_na", value)
    value = study.options
    for part in key.split(".")[1:]:
        value = getattr(value, part, None)
    value = getattr(value, "x_na", value)
    return value if isinstance(value, (int, float)) else None


def load_sweep(source, *, params_file=None) -> SweepSpec:
    """Parse and validate a study with a ``[sweep]`` table.

    ``source``: the study TOML path or its tables as a dict.  Every point is resolved to a
    full study; all problems are raised together as one
    :class:`~nakmodel.errors.ParameterError`.  ``params_file``: a parameter TOML replacing
    the study's ``[parameters] file`` (``--params``; see :mod:`nakmodel.study`).  Returns
    the :class:`SweepSpec` (the base study, the swept inputs and every point).
    """
    from functools import partial

    from ..study import load_study as _load_study

    data, path = _read(source)
    load_study = partial(_load_study, params_file=params_file,
                         base_dir=path.parent if path is not None else None)
    problems: list[InputProblem] = []
    table = data.pop("sweep", None)
    if not isinstance(table, Mapping):
        raise ParameterError(InputProblem("sweep", "missing [sweep] table", None,
                                          "[sweep] with mode and [[sweep.parameter]] tables"))
    for extra in set(table) - _SWEEP_KEYS:
        problems.append(InputProblem(f"sweep.{extra}", "unknown key" + _closest(extra, _SWEEP_KEYS),
                                     None, ", ".join(sorted(_SWEEP_KEYS))))
    mode = table.get("mode", "cartesian")
    if mode not in MODES:
        problems.append(InputProblem("sweep.mode", "unknown mode" + _closest(str(mode), MODES),
                                     mode,
                                     "'cartesian', 'zip' or 'list'"))
    base = None
    try:
        base = load_study(data, strict_units=path is not None)
    except ParameterError as err:
        problems.extend(err.problems)
    kind = (data.get("study") or {}).get("kind")
    kind_module, module = _kind_info(kind)
    outputs: tuple[str, ...] = ()
    if module is not None:
        declared = tuple(getattr(module, "OUTPUTS", ()))
        if not declared or not callable(getattr(module, "run_point", None)):
            problems.append(InputProblem("study.kind", f"kind '{kind}' cannot be swept (it has no "
                                         "run_point/OUTPUTS)", kind, "a sweepable kind"))
        requested = table.get("outputs", list(declared))
        if not isinstance(requested, list) or not requested or \
                not all(isinstance(o, str) for o in requested):
            problems.append(InputProblem("sweep.outputs", "must be a non-empty list of names",
                                         requested, ", ".join(declared)))
        else:
            for name in requested:
                if name not in declared:
                    problems.append(InputProblem("sweep.outputs", f"unknown output '{name}'"
                                                 + _closest(name, declared), name,
                                                 "one of " + ", ".join(declared)))
            if len(set(requested)) != len(requested):
                problems.append(InputProblem("sweep.outputs", "duplicate output names", requested,
                                             "each output once"))
            outputs = tuple(requested)
    if mode not in MODES:
        raise ParameterError(problems)
    keys, combos = _parse_keys(table, kind, module, problems)
    if base is None or problems:
        raise ParameterError(problems)

    targets = {k.key: k.target for k in keys}
    points: list[Point] = []
    seen_problem: set[tuple] = set()
    ids: dict[str, int] = {}
    for index, overrides in enumerate(combos):
        try:
            study = load_study(_apply(data, overrides, targets), strict_units=path is not None)
        except ParameterError as err:
            label = ", ".join(f"{k}={_display(v)}" for k, v in overrides.items())
            for p in err.problems:
                sig = (p.key, p.message, repr(p.value))
                if sig not in seen_problem:
                    seen_problem.add(sig)
                    problems.append(InputProblem(p.key, f"{p.message} [sweep point {index}: "
                                                 f"{label}]", p.value, p.expected))
            continue
        check = getattr(module, "point_problems", None)  # a kind's own per-point rules
        for p in (check(study) if check is not None else ()):
            sig = (p.key, p.message, repr(p.value))
            if sig not in seen_problem:
                seen_problem.add(sig)
                problems.append(p)
        pid = point_id(study, kind_module)
        if pid in ids:
            problems.append(InputProblem("sweep",
                                         f"points {ids[pid]} and {index} resolve to the same "
                                         "inputs", {k: _display(v) for k, v in overrides.items()},
                                         "distinct values (e.g. '25 degC' and '298.15 K' are "
                                         "equal)"))
            continue
        ids[pid] = index
        si = {k: _si_value(study, k, targets[k]) for k in overrides}
        points.append(Point(index, pid, dict(overrides), si, study))
    if problems:
        raise ParameterError(problems)
    units = {k.key: _unit_of(k.key, k.target, module) for k in keys}
    return SweepSpec(base=base, mode=mode, keys=tuple(keys), outputs=outputs,
                     points=tuple(points), kind_module=kind_module, units=units, path=path)
