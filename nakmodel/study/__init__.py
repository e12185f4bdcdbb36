"""Studies: TOML files that say what to compute, run by ``nakmodel run``.

A study file has a ``[study]`` table (``name``, ``kind``, ``title``), an
optional ``[parameters]`` table of overrides of the default parameter set, and
one table named after its kind with that kind's options.  ``[parameters]`` may name
a parameter file, ``file = "fitted.toml"`` (relative to the study file; a full set
such as ``fit_model(...).to_toml()`` writes, or partial overrides of the defaults),
whose values replace the defaults before the other keys of the table apply; the
command line's ``--params FILE`` (``load_study(..., params_file=...)``) takes the
place of ``file``::

    [study]
    name = "thermodynamics"
    kind = "thermodynamics"

    [parameters]
    temperature = "25 degC"

    [thermodynamics]
    compositions = ["NaK50", "NaK65", "NaK80"]
    layer_thickness = "100 um"

Each kind is a module of this package registered in :data:`KINDS`; it exposes
``parse_options(table, key) -> options`` (validating every option before
anything runs) and ``run(study, outdir, progress) -> list[Path]``, where
``progress`` is None or a callable taking one message string.

A kind is *sweepable* (``nakmodel sweep``, :mod:`nakmodel.sweep`) iff its module
also defines

* ``OUTPUTS``: a tuple of the names of the scalar outputs of one point, and
* ``run_point(study, point_dir) -> dict``: run ONE point (a fully resolved,
  validated :class:`Study`) and return a dict with (at least) every name in
  ``OUTPUTS``; it may write files (time series, spectra) into ``point_dir``
  (a private attempt folder, moved into ``OUT/points/<id>/`` when the result
  is committed: do not rely on its name or store its absolute path), and
  raises (e.g. :class:`~nakmodel.errors.ConvergenceError`) on failure.

Optional: ``OPTIONS`` (option names that may be swept as ``<kind>.<option>``),
``OPTION_UNITS`` (option -> SI unit, used for ``range`` sweeps and CSV
headers), ``OPTION_TABLES`` (``{table: option names}`` for a kind with
several option tables, e.g. ``protocol.current_density``), ``VERSION``
(part of every point id: bump it when the kind's physics changes so that
stored sweep results are not reused) and ``point_problems(study) ->
list[InputProblem]`` (rules a resolved point must satisfy, checked for every point
before anything runs).
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputProblem, ParameterError
from ..input_files import read_toml
from ..parameters import Parameters, load_parameters

KINDS: dict[str, str] = {
    "thermodynamics": "nakmodel.study.thermodynamics",
    "simulation": "nakmodel.study.simulation",
    "impedance": "nakmodel.study.impedance",
    "ccd": "nakmodel.study.ccd",
    "flaw_size": "nakmodel.study.flaw_size",
    "sensitivity": "nakmodel.study.sensitivity",
}
_STUDY_KEYS = {"name", "kind", "title", "description"}


@dataclass(frozen=True)
class Study:
    """A parsed, validated study definition."""

    name: str
    kind: str
    title: str
    parameters: Parameters
    options: Any
    path: Path | None = None
    description: str = ""
    parameter_file: Path | None = None
    """The parameter file the set was built on (``file =`` or ``--params``), if any."""
    source: dict | None = None
    """The study as read (TOML tables), copied into every output folder."""

    def run(self, outdir, progress=None, executor=None, *,
            command: list[str] | None = None) -> list[Path]:
        """Run the study, writing its files into ``outdir``; returns the written paths.

        ``executor`` (a :mod:`nakmodel.sweep` executor) runs the many model runs of a kind
        that has them (``sensitivity``, the scans of ``ccd``) in parallel; other kinds ignore
        it.  The folder also
        gets ``provenance.json`` (versions, command line, times, host, MPI size),
        ``parameters.toml`` (the resolved set with sources) and a copy of the study
        (:mod:`nakmodel.provenance`); ``command`` is the command line to record (default
        ``sys.argv``)."""
        from ..provenance import Provenance

        module = importlib.import_module(KINDS[self.kind])
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        record = Provenance.start(self, command)
        written = record.write_inputs(outdir, self)
        if executor is not None and "executor" in inspect.signature(module.run).parameters:
            written += module.run(self, outdir, progress, executor=executor)
        else:
            written += module.run(self, outdir, progress)
        written.append(record.finish(outdir))
        return written


def _closest(word, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def study_parameters(table, base_dir=None, params_file=None, *,
                     strict_units: bool | None = None) -> tuple[Parameters, Path | None]:
    """The parameter set of a study's ``[parameters]`` table: the defaults, replaced by the
    values of ``params_file`` (the command line's ``--params``) or else of the table's
    ``file`` key (relative to ``base_dir``, the study's folder), then the table's other
    keys.  Returns (parameters, the file used or None).  Problems are keyed
    ``parameters.<key>`` (``parameters.file`` for a missing or unreadable file).
    ``strict_units`` applies to the table's keys (a parameter file is always strict unless
    it is a full set written by the package, see :func:`~nakmodel.parameters.load_parameters`)."""
    if table is not None and not isinstance(table, dict):
        raise ParameterError(InputProblem("parameters", "must be a table", table,
                                          "[parameters] with key = value lines"))
    table = dict(table or {})
    named = table.pop("file", None)
    problems: list[InputProblem] = []
    file = None
    if params_file is not None:
        file = Path(params_file)
    elif named is not None:
        if not isinstance(named, str) or not named.strip():
            raise ParameterError(InputProblem("parameters.file", "must be a file name", named,
                                              "a TOML parameter file, relative to the study"))
        file = Path(named)
        if not file.is_absolute() and base_dir is not None:
            file = Path(base_dir) / file
    base = None
    if file is not None:
        if not file.is_file():
            raise ParameterError(InputProblem("parameters.file" if params_file is None else
                                              "--params", "file not found", str(file),
                                              "an existing TOML parameter file"))
        try:
            base = load_parameters(file)
        except ParameterError as err:
            problems.extend(InputProblem(f"parameters.file: {p.key}", p.message, p.value,
                                         p.expected)
                            for p in err.problems)
    if problems:
        raise ParameterError(problems)
    try:
        return load_parameters(table, base=base, strict_units=strict_units), file
    except ParameterError as err:
        raise ParameterError([InputProblem(f"parameters.{p.key}", p.message, p.value, p.expected)
                              for p in err.problems]) from None


def load_study(source, *, strict_units: bool | None = None, params_file=None,
               base_dir=None) -> Study:
    """Parse and validate a study from a TOML path or a dict (all problems at once).

    ``strict_units`` (default: True for a file) refuses unit-less lengths,
    current densities and times in ``[parameters]`` (see
    :func:`nakmodel.parameters.load_parameters`); ``params_file``: a parameter TOML that
    replaces the study's ``[parameters] file`` (``--params``); ``base_dir``: folder for a
    relative ``file`` of a dict source (default: the study file's folder, or the working
    directory)."""
    from ..input_files import as_path

    path = None
    if isinstance(source, dict):
        data = source
    else:
        path = as_path(source, "study")
        data = read_toml(path, "a [study] table")
        base_dir = path.parent if base_dir is None else base_dir
    if strict_units is None:
        strict_units = path is not None
    problems: list[InputProblem] = []
    head = data.get("study")
    if not isinstance(head, dict):
        raise ParameterError(InputProblem("study", "missing [study] table", None,
                                          "[study] with name and kind"))
    for key in set(head) - _STUDY_KEYS:
        problems.append(InputProblem(f"study.{key}", "unknown key" + _closest(key, _STUDY_KEYS)))
    kind = head.get("kind")
    if kind not in KINDS:
        problems.append(InputProblem("study.kind",
                                     "unknown study kind" + _closest(str(kind), KINDS),
                                     kind, "one of " + ", ".join(sorted(KINDS))))
    allowed_tables = {"study", "parameters", "sweep", str(kind)}
    module = importlib.import_module(KINDS[kind]) if kind in KINDS else None
    extra = getattr(module, "extra_tables", None)
    if extra is not None:  # e.g. the wrapped kind's table of a sensitivity study
        allowed_tables |= extra(data)
    for key in set(data) - allowed_tables:
        problems.append(InputProblem(key, "unknown table" + _closest(key, allowed_tables)))
    params, parameter_file = None, None
    try:
        params, parameter_file = study_parameters(data.get("parameters", {}), base_dir,
                                                  params_file, strict_units=strict_units)
    except ParameterError as err:
        problems.extend(err.problems)
    options = None
    if module is not None:
        whole = {"data": data} if getattr(module, "PARSES_STUDY", False) else {}
        try:
            options = module.parse_options(data.get(kind, {}), kind, params, **whole)
        except ParameterError as err:
            problems.extend(err.problems)
    if problems:
        raise ParameterError(problems)
    name = str(head.get("name") or (path.stem if path else kind))
    import copy

    return Study(name=name, kind=kind, title=str(head.get("title", name)), parameters=params,
                 options=options, path=path, description=str(head.get("description", "")),
                 parameter_file=parameter_file, source=copy.deepcopy(data))


def unknown_option_problems(table: dict, allowed, prefix: str) -> list[InputProblem]:
    """Problems for misspelt option names, with the closest valid name."""
    return [InputProblem(f"{prefix}.{key}", "unknown option" + _closest(key, allowed))
            for key in table if key not in allowed]


def parse_compositions(table: dict, prefix: str, problems: list[InputProblem], default=None):
    """The ``compositions`` option (labels, convention tables or Compositions) as a tuple of
    :class:`~nakmodel.composition.Composition`; problems are appended, not raised.
    ``default`` is used when the option is absent (None: an empty tuple)."""
    from ..composition import parse_composition

    raw = table.get("compositions", default)
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple) or not raw:
        problems.append(InputProblem(f"{prefix}.compositions", "must be a non-empty list", raw,
                                     "e.g. ['NaK50', 'NaK65', 'NaK80']"))
        return ()
    comps = []
    for i, item in enumerate(raw):
        try:
            comps.append(parse_composition(item, f"{prefix}.compositions[{i}]"))
        except ParameterError as err:
            problems.extend(err.problems)
    return tuple(comps)
