"""Study kind ``sensitivity``: which uncertain inputs control a study's outputs, and how
uncertain the outputs are.

It wraps any sweepable kind (``ccd``, ``simulation``, ``impedance``, ``thermodynamics``,
...)::

    [study]
    name = "sensitivity_ccd"
    kind = "sensitivity"

    [sensitivity]
    study = "ccd"                      # the wrapped kind; its own table [ccd] follows
    method = "sobol"                   # "morris" | "sobol" | "uncertainty"
    samples = 256                      # base samples (Sobol': a power of 2; Morris:
                                       # trajectories; uncertainty: points)
    outputs = ["ccd", "critical_capacity"]
    parameters = ["interface.exchange_current_density"]   # optional: the default set's
                                       # ranges of these keys (default: every key with a
                                       # [[sensitivity.parameter]] table, else all ranges)
    seed = 0                           # optional; levels = 4 (Morris), conf_level = 0.95,
                                       # resamples = 1000 (bootstrap)
    [[sensitivity.parameter]]          # a range for a key (a parameter or a wrapped-kind
    key = "ccd.alloy_thickness"        # option), overriding the default set's
    range = ["20 um", "200 um"]

    [ccd]
    ...

The runs go through the sweep engine (:mod:`nakmodel.sweep`) as a ``list`` sweep of the
wrapped kind, so they are resumable (content-hashed point ids: rerunning the study skips
finished runs), parallel (``nakmodel run STUDY --workers N``, ``--dask-local``,
``--scheduler``, ``--mpi``) and failure-isolated (indices rest on the blocks whose runs all
succeeded; :mod:`nakmodel.sensitivity.design`).  Written: ``indices.csv`` (Sobol': S1,
S1_conf, ST, ST_conf per output and input; Morris: mu*, its confidence, sigma, mu;
uncertainty: percentiles), ``samples.csv`` (every run's inputs and outputs), one bar plot per
output with confidence intervals (a histogram for ``uncertainty``), ``summary.md`` naming
the inputs that matter and those that do not, plus the sweep store ``points/`` and
``results.csv``.
"""

from __future__ import annotations

import importlib
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputProblem, ParameterError
from ..sensitivity.design import METHODS

PARSES_STUDY = True
"""``parse_options`` gets the whole study data (it validates the wrapped kind's table)."""

_OPTIONS = ("study", "method", "samples", "outputs", "parameter", "parameters", "seed",
            "levels", "conf_level", "resamples")


@dataclass(frozen=True)
class SensitivityOptions:
    """Validated options of a sensitivity study (SI inside)."""

    wrapped_kind: str
    method: str
    samples: int
    outputs: tuple[str, ...]
    ranges: tuple  # ParameterRange, in design column order
    wrapped_data: dict  # the wrapped study as TOML data (parameters + its option table)
    wrapped: Any  # the wrapped Study (validated)
    seed: int = 0
    levels: int = 4
    conf_level: float = 0.95
    resamples: int = 1000


def extra_tables(data: dict) -> set[str]:
    """Tables a sensitivity study may hold besides its own: the wrapped kind's."""
    table = data.get("sensitivity")
    wrapped = table.get("study") if isinstance(table, dict) else None
    return {wrapped} if isinstance(wrapped, str) else set()


def _int(table, name, default, low, problems, prefix, power_of_two=False):
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        problems.append(InputProblem(f"{prefix}.{name}", "must be an integer", value,
                                     f"an integer >= {low}"))
        return default
    if power_of_two and value & (value - 1):
        lower = 1 << (value.bit_length() - 1)
        problems.append(InputProblem(f"{prefix}.{name}", "Sobol' base samples must be a power of 2",
                                     value, f"e.g. {lower} or {2 * lower}"))
    return value


def _wrapped(data: dict, wrapped_kind: str, problems: list[InputProblem]):
    from . import load_study

    wrapped_data = {"study": {"name": str(data["study"].get("name", "sensitivity")),
                              "kind": wrapped_kind},
                    "parameters": dict(data.get("parameters", {}))}
    if wrapped_kind in data:
        wrapped_data[wrapped_kind] = data[wrapped_kind]
    try:
        return wrapped_data, load_study(wrapped_data)
    except ParameterError as err:
        problems.extend(err.problems)
        return wrapped_data, None


def _ranges(table, wrapped_kind, module, problems, prefix):
    """The inputs' ranges: explicit tables, named keys of the default set, or all defaults."""
    from ..sensitivity.ranges import COMPOSITION_KEY, default_ranges, parse_range
    from ..sweep.spec import _classify, _unit_of

    defaults = default_ranges()
    explicit = table.get("parameter", [])
    named = table.get("parameters")
    if not isinstance(explicit, list) or not all(isinstance(t, dict) for t in explicit):
        problems.append(InputProblem(f"{prefix}.parameter", "must be [[sensitivity.parameter]] "
                                     "tables", None, "tables with key and range"))
        return ()
    ranges: dict[str, Any] = {}
    for i, t in enumerate(explicit):
        where = f"{prefix}.parameter[{i}]"
        key = t.get("key")
        if not isinstance(key, str):
            problems.append(InputProblem(f"{where}.key", "missing or not a string", key,
                                         "a parameter key or a <kind>.<option>"))
            continue
        target = _classify(key, wrapped_kind, module, problems, f"{where}.key")
        if target is None:
            continue
        if key in ranges:
            problems.append(InputProblem(f"{where}.key", "key given twice", key, "each key once"))
            continue
        if "range" not in t and key in defaults:  # the default set's range, other options
            t = {**_default_table(defaults[key]), **t}
        unit = "" if key == COMPOSITION_KEY else _unit_of(key, target, module)
        bounds = _schema_bounds(key) if target == "parameter" else None
        rng = parse_range(key, {k: v for k, v in t.items() if k != "key"}, unit, where,
                          problems, bounds)
        if rng is not None:
            ranges[key] = rng
    if named is not None:
        if not isinstance(named, list) or not all(isinstance(k, str) for k in named):
            problems.append(InputProblem(f"{prefix}.parameters", "must be a list of keys", named,
                                         "e.g. ['interface.exchange_current_density']"))
        else:
            for key in named:
                if key in ranges:
                    continue
                if key not in defaults:
                    problems.append(InputProblem(f"{prefix}.parameters", f"'{key}' has no range in "
                                                 "the parameter set: give it a "
                                                 "[[sensitivity.parameter]] table", key,
                                                 ", ".join(sorted(defaults))))
                    continue
                ranges[key] = defaults[key]
    elif not explicit:
        ranges = dict(defaults)
    if not ranges and not problems:
        problems.append(InputProblem(f"{prefix}.parameter", "no inputs to vary", None,
                                     "[[sensitivity.parameter]] tables or a parameters list"))
    return tuple(ranges.values())


def _default_table(rng) -> dict:
    table = {"range": [rng.low, rng.high] if not rng.unit
             else [f"{rng.low!r} {rng.unit}", f"{rng.high!r} {rng.unit}"],
             "scale": rng.scale, "reason": rng.reason, "distribution": rng.distribution}
    for name, value in rng.dist_args.items():
        table[name] = value if name == "gsd" or not rng.unit else f"{value!r} {rng.unit}"
    return table


def _schema_bounds(key):
    from ..sensitivity.ranges import _schema_unit_and_bounds

    return _schema_unit_and_bounds(key)[1]


def parse_options(table: dict, kind: str, params, data: dict | None = None):
    from . import KINDS, unknown_option_problems

    prefix = kind
    data = data or {"study": {"kind": kind}, kind: table}
    problems = unknown_option_problems(table, _OPTIONS, prefix)
    wrapped_kind = table.get("study")
    module = None
    if wrapped_kind == kind or wrapped_kind not in KINDS:
        problems.append(InputProblem(f"{prefix}.study", "unknown or unsupported wrapped kind",
                                     wrapped_kind, "a sweepable kind, e.g. 'ccd'"))
    else:
        module = importlib.import_module(KINDS[wrapped_kind])
        if not callable(getattr(module, "run_point", None)) or not getattr(module, "OUTPUTS",
                                                                          ()):
            problems.append(InputProblem(f"{prefix}.study", f"kind '{wrapped_kind}' cannot be "
                                         "swept (no run_point/OUTPUTS)", wrapped_kind,
                                         "a sweepable kind"))
            module = None
    method = table.get("method", "sobol")
    if method not in METHODS:
        problems.append(InputProblem(f"{prefix}.method", "unknown method", method,
                                     "'morris', 'sobol' or 'uncertainty'"))
    samples = _int(table, "samples", 64, 2, problems, prefix,
                   power_of_two=(method == "sobol"))
    seed = _int(table, "seed", 0, 0, problems, prefix)
    levels = _int(table, "levels", 4, 2, problems, prefix)
    resamples = _int(table, "resamples", 1000, 10, problems, prefix)
    conf = table.get("conf_level", 0.95)
    if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not 0 < conf < 1:
        problems.append(InputProblem(f"{prefix}.conf_level", "must be a probability", conf,
                                     "a number in (0, 1)"))
        conf = 0.95
    outputs: tuple[str, ...] = ()
    ranges, wrapped_data, wrapped = (), {}, None
    if module is not None:
        declared = tuple(module.OUTPUTS)
        text = tuple(getattr(module, "TEXT_OUTPUTS", ()))
        numeric = tuple(o for o in declared if o not in text)
        requested = table.get("outputs", list(numeric))
        if not isinstance(requested, list) or not requested:
            problems.append(InputProblem(f"{prefix}.outputs", "must be a non-empty list", requested,
                                         ", ".join(numeric)))
        else:
            for name in requested:
                if name not in numeric:
                    why = "is not numeric" if name in text else "is not an output"
                    problems.append(InputProblem(f"{prefix}.outputs", f"'{name}' {why} of kind "
                                                 f"'{wrapped_kind}'", name,
                                                 "one of " + ", ".join(numeric)))
            outputs = tuple(requested)
        ranges = _ranges(table, wrapped_kind, module, problems, prefix)
        wrapped_data, wrapped = _wrapped(data, wrapped_kind, problems)
    if problems:
        raise ParameterError(problems)
    return SensitivityOptions(wrapped_kind, method, samples, outputs, ranges, wrapped_data,
                              wrapped, seed, levels, float(conf), resamples)


def _point_value(rng, value: float):
    """A design value as the sweep engine takes it (a string with its SI unit)."""
    from ..sensitivity.ranges import COMPOSITION_KEY

    if rng.key == COMPOSITION_KEY:
        return {"x_Na": float(value)}
    return f"{float(value)!r} {rng.unit}" if rng.unit else float(value)


def sweep_data(options: SensitivityOptions, design) -> tuple[dict, list[int]]:
    """The wrapped study as a ``list`` sweep of the design's distinct runs, and for every run
    of the design the index of its point (designs may repeat a point, e.g. Morris)."""
    points, index, where = [], [], {}
    for row in design.values:
        point = {r.key: _point_value(r, v) for r, v in zip(design.ranges, row, strict=True)}
        sig = repr(sorted(point.items()))
        if sig not in where:
            where[sig] = len(points)
            points.append(point)
        index.append(where[sig])
    data = {**options.wrapped_data,
            "sweep": {"mode": "list", "outputs": list(options.outputs), "points": points}}
    return data, index


def run(study, outdir: Path, progress=None, executor=None) -> list[Path]:
    """Run the design through the sweep engine into ``outdir`` and write the indices."""
    from ..sweep import LocalExecutor, load_sweep, run_sweep

    opts = study.options
    executor = executor if executor is not None else LocalExecutor(workers=1)
    if isinstance(executor, LocalExecutor):  # workers boot and import while we sample
        from ..sweep.worker import import_root_of
        from . import KINDS

        executor.start()
        kind_module = KINDS[opts.wrapped_kind]
        executor.warm(kind_module, import_root_of(kind_module))  # run_sweep's warm is then a no-op
    from ..sensitivity.design import make_design
    from ..sensitivity.report import write_report

    design = make_design(opts.method, opts.ranges, opts.samples, seed=opts.seed,
                         levels=opts.levels)
    data, index = sweep_data(opts, design)
    spec = load_sweep(data)
    if progress:
        progress(f"  {opts.method}: {design.unit.shape[0]} runs of '{opts.wrapped_kind}' "
                 f"({len(spec.points)} distinct) over {len(opts.ranges)} inputs")
    # matplotlib and SALib's analysers load in this otherwise idle process while points run
    threading.Thread(target=_import_analysis, daemon=True).start()
    result = run_sweep(spec, outdir, executor=executor, progress=False)
    if result is None:  # an MPI worker rank: rank 0 writes the report
        return []
    by_id = {row["point_id"]: row for row in result.rows}
    rows = [by_id[spec.points[i].point_id] for i in index]
    if progress:
        progress(f"  {result.n_ok}/{len(result.rows)} runs ok "
                 f"(ran {result.ran}, {result.skipped} already finished)")
    outputs = {name: [_number(r, name) for r in rows] for name in opts.outputs}
    return write_report(study, design, outputs, rows, Path(outdir))


def _import_analysis() -> None:
    """Import what the report needs (SALib's analysers, matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
        import SALib.analyze.morris  # noqa: F401
        import SALib.analyze.sobol  # noqa: F401
    except Exception:  # noqa: BLE001  (the report imports them again and says what failed)
        pass


def _number(row: dict, name: str) -> float:
    if row.get("status") != "ok":
        return math.nan
    value = row.get(name)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value
